import { isOdeonError } from '@odeon/ode';
import { describe, expect, it } from 'vitest';
import { objectiveGradient } from './gradient.ts';
import { evaluate } from './objective.ts';
import { compileProblem } from './petab-model.ts';
import { readProblem } from './problem.ts';

// A ⇌ B (k1 = 0.8, k2 = 0.6) from A = 1, B = 0; an SBML event adds 1 to A at t = 2.
const files: Record<string, string> = {
  'model.xml': `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="pulse">
    <listOfCompartments><compartment id="c" size="1" spatialDimensions="3" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="c" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="c" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters><parameter id="k1" value="0.8" constant="true"/><parameter id="k2" value="0.6" constant="true"/></listOfParameters>
    <listOfReactions>
      <reaction id="f" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k1</ci><ci>A</ci></apply></math></kineticLaw>
      </reaction>
      <reaction id="b" reversible="false">
        <listOfReactants><speciesReference species="B" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="A" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k2</ci><ci>B</ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
    <listOfEvents>
      <event id="pulse" useValuesFromTriggerTime="true">
        <trigger initialValue="false" persistent="true"><math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply><geq/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol><cn>2</cn></apply>
        </math></trigger>
        <listOfEventAssignments><eventAssignment variable="A"><math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply><plus/><ci>A</ci><cn>1</cn></apply>
        </math></eventAssignment></listOfEventAssignments>
      </event>
    </listOfEvents>
  </model>
</sbml>`,
  'conditions.tsv': 'conditionId\nc0\n',
  'observables.tsv': 'observableId\tobservableFormula\tnoiseFormula\nobs\tA\t0.1\n',
  'measurements.tsv':
    'observableId\tsimulationConditionId\ttime\tmeasurement\nobs\tc0\t1\t0.7\nobs\tc0\t5\t0.9\n',
  'parameters.tsv':
    'parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate\nk1\tlin\t0\t10\t0.8\t1\nk2\tlin\t0\t10\t0.6\t1\n',
  'problem.yaml':
    'format_version: 1\nparameter_file: parameters.tsv\nproblems:\n- sbml_files: [model.xml]\n  condition_files: [conditions.tsv]\n  measurement_files: [measurements.tsv]\n  observable_files: [observables.tsv]\n',
};

const relax = (t: number, a0: number, total: number) => {
  const ss = (0.6 * total) / 1.4;
  return ss + (a0 - ss) * Math.exp(-1.4 * t);
};

describe('PEtab problems with SBML events', () => {
  const model = compileProblem(readProblem(files['problem.yaml'], (n) => files[n] as string));
  it('simulates through the event (against the analytic solution)', () => {
    const ev = evaluate(model, model.nominal());
    const a2 = relax(2, 1, 1) + 1;
    expect(ev.simulations[0]).toBeCloseTo(relax(1, 1, 1), 7);
    expect(ev.simulations[1]).toBeCloseTo(relax(3, a2, 2), 7);
  });
  it('differentiates through the event (forward and adjoint against central differences)', () => {
    const theta = Float64Array.of(0.7, 0.5);
    for (const method of ['forward', 'adjoint'] as const) {
      const g = objectiveGradient(model, theta, method);
      for (let i = 0; i < 2; i++) {
        const a = Float64Array.from(theta);
        const b = Float64Array.from(theta);
        a[i] += 1e-5;
        b[i] -= 1e-5;
        const fd = (evaluate(model, a).objective - evaluate(model, b).objective) / 2e-5;
        expect(Math.abs(g.grad[i] - fd)).toBeLessThanOrEqual(1e-4 * Math.abs(fd) + 1e-5);
      }
    }
  });
  it('refuses gradients through an event that fires at t = 0 with a typed error naming the event', () => {
    const early: Record<string, string> = {
      ...files,
      'model.xml': (files['model.xml'] as string).replace('<cn>2</cn>', '<cn>0</cn>'),
    };
    const m = compileProblem(readProblem(early['problem.yaml'], (n) => early[n] as string));
    let error: unknown;
    try {
      objectiveGradient(m, m.nominal());
    } catch (e) {
      error = e;
    }
    expect(isOdeonError(error, 'UnsupportedSbmlFeature')).toBe(true);
    expect((error as { context: { element: string } }).context.element).toBe('pulse');
  });
});
