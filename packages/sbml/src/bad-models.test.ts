import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOdeonError } from '@odeon/ode';
import { loadSbmlSuiteCase } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';
import { simulate } from './simulate.ts';

/** A → B at rate k·A; `kAttr` is the parameter's value attribute (omitted to leave it undefined). */
const sbml = (kAttr: string) => `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="m">
    <listOfCompartments><compartment id="C" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="C" initialAmount="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="C" initialAmount="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters><parameter id="k" ${kAttr} constant="true"/><parameter id="unused" constant="true"/></listOfParameters>
    <listOfReactions>
      <reaction id="r" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k</ci><ci>A</ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>`;

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('bad or partial models give typed errors', () => {
  it('a comp model importing an external file without a resolver (or with a missing file) is SbmlExternalModelMissing', () => {
    const c = loadSbmlSuiteCase('01165', 'sbml-suite-extended');
    expect(
      isOdeonError(
        caught(() => parseSbml(c.sbml)),
        'SbmlExternalModelMissing',
      ),
    ).toBe(true);
    expect(
      isOdeonError(
        caught(() => parseSbml(c.sbml, { resolveExternal: () => undefined })),
        'SbmlExternalModelMissing',
      ),
    ).toBe(true);
    const flat = parseSbml(c.sbml, { resolveExternal: (f) => readFileSync(join(c.dir, f), 'utf8') });
    expect(flat.unsupported).toEqual([]);
    expect(flat.species.map((s) => s.id)).toContain('A__ES');
  });
  it('a parameter without a value that the model uses is refused, naming it; p can supply it', () => {
    const model = compileModel(parseSbml(sbml('')));
    expect(model.missingValues).toEqual(['k']);
    const error = caught(() => simulate(model, { t1: 1 }));
    expect(isOdeonError(error, 'SbmlSemanticError')).toBe(true);
    if (isOdeonError(error)) expect(error.context.element).toBe('k');
    const p = Float64Array.from(model.p);
    p[model.paramIds.indexOf('k')] = 1;
    const course = simulate(model, { t1: 1, steps: 1, p, variables: ['A'] });
    expect(course.values[1]).toBeCloseTo(Math.exp(-1), 8);
  });
  it('an unused parameter without a value is no error', () => {
    const model = compileModel(parseSbml(sbml('value="2"')));
    expect(model.missingValues).toEqual([]);
    expect(simulate(model, { t1: 1, steps: 1, variables: ['A'] }).values[1]).toBeCloseTo(Math.exp(-2), 8);
  });
  it('an infinite or overflowing time span is refused; a huge finite one gives finite output times', () => {
    const model = compileModel(parseSbml(sbml('value="1"')));
    for (const t1 of [Number.POSITIVE_INFINITY, Number.NaN])
      expect(
        isOdeonError(
          caught(() => simulate(model, { t1 })),
          'InvalidOption',
        ),
      ).toBe(true);
    expect(
      isOdeonError(
        caught(() => simulate(model, { t0: -1e308, t1: 1e308 })),
        'InvalidOption',
      ),
    ).toBe(true);
    const course = simulate(model, { t1: 1e308, steps: 4, variables: ['A'] });
    for (const t of course.times) expect(Number.isFinite(t)).toBe(true);
    expect(course.times[4]).toBe(1e308);
  });
});
