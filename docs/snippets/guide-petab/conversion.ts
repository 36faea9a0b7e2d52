// #region example
import { compileProblem, evaluate, multistart, objectiveGradient, readProblem } from '@odeon/petab';

// A complete PEtab 1 problem in memory: A ⇌ B, measured as A with σ = 0.1 under two conditions,
// each preequilibrated to steady state with k1 = 0.1 first.
const files: Record<string, string> = {
  'model.xml': `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="conversion">
    <listOfCompartments><compartment id="cell" size="1" spatialDimensions="3" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="cell" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="cell" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="k1" value="0.8" constant="true"/><parameter id="k2" value="0.6" constant="true"/>
    </listOfParameters>
    <listOfReactions>
      <reaction id="fwd" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k1</ci><ci>A</ci></apply></math></kineticLaw>
      </reaction>
      <reaction id="bwd" reversible="false">
        <listOfReactants><speciesReference species="B" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="A" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k2</ci><ci>B</ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>`,
  'conditions.tsv': 'conditionId\tk1\npre\t0.1\nslow\t0.5\nfast\tk1_fast\n',
  'observables.tsv': 'observableId\tobservableFormula\tnoiseFormula\nobs_A\tA\t0.1\n',
  'measurements.tsv': [
    'observableId\tpreequilibrationConditionId\tsimulationConditionId\ttime\tmeasurement',
    'obs_A\tpre\tslow\t1\t0.75',
    'obs_A\tpre\tslow\t5\t0.62',
    'obs_A\tpre\tfast\t1\t0.52',
    'obs_A\tpre\tfast\t5\t0.38',
    'obs_A\tpre\tfast\tinf\t0.41',
  ].join('\n'),
  'parameters.tsv': [
    'parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate',
    'k2\tlog10\t0.01\t10\t0.6\t1',
    'k1_fast\tlog10\t0.01\t10\t0.8\t1',
  ].join('\n'),
  'problem.yaml': `format_version: 1
parameter_file: parameters.tsv
problems:
- sbml_files: [model.xml]
  condition_files: [conditions.tsv]
  measurement_files: [measurements.tsv]
  observable_files: [observables.tsv]
`,
};
const read = (name: string) => {
  const text = files[name];
  if (text === undefined) throw new Error(`no file ${name}`);
  return text;
};

const problem = readProblem(read('problem.yaml'), read);
const model = compileProblem(problem);
const theta = model.nominal(); // log10 k2, log10 k1_fast
const ev = evaluate(model, theta);
console.log(`llh ${ev.llh.toFixed(6)}  chi2 ${ev.chi2.toFixed(6)}`);

const grad = objectiveGradient(model, theta, 'adjoint').grad;
console.log(`∂nllh/∂log10(k2) ${grad[0].toFixed(6)}  ∂nllh/∂log10(k1_fast) ${grad[1].toFixed(6)}`);

const fit = multistart(model, { starts: 5, seed: 1 });
const best = fit.best?.result;
console.log(`best nllh ${best?.objective.toFixed(6)} at k2 = ${(10 ** (best?.theta[0] ?? 0)).toFixed(4)}`);
// #endregion example

export { best, ev, grad, model };
