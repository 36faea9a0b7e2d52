import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gradient, isOdeonError, solve } from '@odeon/ode';
import { loadSbmlSuiteCase, loadSbmlSuiteIndex, type SbmlSuiteName } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';
import { simulate } from './simulate.ts';
import {
  compareSuiteResults,
  formatSuiteCsv,
  parseSuiteCsv,
  parseSuiteSettings,
  simulateSuiteCase,
} from './suite.ts';

const SUITES = ['sbml-suite', 'sbml-suite-extended'] as const satisfies readonly SbmlSuiteName[];
/** Every sample case whose model has an algebraic rule. */
const ALGEBRAIC_CASES = SUITES.flatMap((suite) =>
  loadSbmlSuiteIndex(suite)
    .cases.filter((c) => loadSbmlSuiteCase(c.id, suite).sbml.includes('<algebraicRule'))
    .map((c) => [suite, c.id] as const),
);

const M = 'http://www.w3.org/1998/Math/MathML';
const ci = (x: string) => `<ci>${x}</ci>`;
const cn = (v: number) => `<cn>${v}</cn>`;
const ap = (op: string, ...args: string[]) => `<apply><${op}/>${args.join('')}</apply>`;
const TIME =
  '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time"> time </csymbol>';

/** S decays by a reaction with rate k·x (x from the algebraic rule `rule`); parameters x, k, c. */
function model(rule: string, opts: { xValue?: number; event?: string; extraRules?: string } = {}): string {
  const xv = opts.xValue === undefined ? '' : ` value="${opts.xValue}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model id="m">
  <listOfCompartments><compartment id="C" size="1" constant="true"/></listOfCompartments>
  <listOfSpecies><species id="S" compartment="C" initialAmount="2" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/></listOfSpecies>
  <listOfParameters><parameter id="x"${xv} constant="false"/><parameter id="k" value="0.5" constant="true"/>
    <parameter id="c" value="1" constant="false"/><parameter id="y" value="0" constant="false"/></listOfParameters>
  <listOfRules><algebraicRule metaid="ar1"><math xmlns="${M}">${rule}</math></algebraicRule>${opts.extraRules ?? ''}</listOfRules>
  <listOfReactions><reaction id="R" reversible="false"><listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
    <kineticLaw><math xmlns="${M}">${ap('times', ci('k'), ci('x'))}</math></kineticLaw></reaction></listOfReactions>
  ${opts.event ?? ''}
</model></sbml>`;
}

/** The same dynamics as an ODE in (S, x): S′ = −k·x and, from 0 = x³ + c·x − S, (3x² + c)·x′ = S′. */
function referenceOde(t1: number, x0: number, c = 1) {
  return solve(
    {
      rhs: (_t, u, p, d) => {
        d[0] = -p[0] * u[1];
        d[1] = d[0] / (3 * u[1] * u[1] + c);
      },
      y0: [2, x0],
      p: [0.5],
      t0: 0,
      t1,
    },
    { method: 'rodas5p', rtol: 1e-12, atol: 1e-14, dense: true },
  );
}

// 0 = x³ + c·x − S: x is the real root (x = 1 at S = 2, c = 1)
const CUBIC = ap('minus', ap('plus', ap('power', ci('x'), cn(3)), ap('times', ci('c'), ci('x'))), ci('S'));

function at(course: ReturnType<typeof simulate>, name: string, k: number): number {
  return course.values[k * course.names.length + course.names.indexOf(name)];
}

describe('algebraic rules not affine in their variable: an index-1 DAE', () => {
  it('x from 0 = x³ + x − S feeds the dynamics; agrees with the equivalent ODE', () => {
    const m = compileModel(parseSbml(model(CUBIC)));
    expect(Array.from(m.massMatrix ?? [])).toEqual(m.stateIds.map((id) => (id === 'x' ? 0 : 1)));
    const course = simulate(m, { t1: 4, steps: 8, variables: ['S', 'x'], rtol: 1e-10, atol: 1e-12 });
    const ref = referenceOde(4, 1);
    for (let k = 0; k <= 8; k++) {
      const r = ref.interpolate(course.times[k]);
      expect(at(course, 'S', k)).toBeCloseTo(r[0], 8);
      expect(at(course, 'x', k)).toBeCloseTo(r[1], 8);
      const x = at(course, 'x', k);
      expect(x ** 3 + x - at(course, 'S', k)).toBeCloseTo(0, 9);
    }
  });

  it('a declared value is only a guess: x = 5 (inconsistent) and no value at all give the same answer', () => {
    const a = simulate(compileModel(parseSbml(model(CUBIC, { xValue: 5 }))), {
      t1: 1,
      steps: 2,
      variables: ['x'],
    });
    const b = simulate(compileModel(parseSbml(model(CUBIC))), { t1: 1, steps: 2, variables: ['x'] });
    expect(a.values[0]).toBeCloseTo(1, 10);
    for (let k = 0; k < 3; k++) expect(a.values[k]).toBeCloseTo(b.values[k], 9);
  });

  it('after an event changes c, x is consistent again at the event time (output rows see it)', () => {
    const event = `<listOfEvents><event id="e" useValuesFromTriggerTime="true"><trigger initialValue="false" persistent="true">
      <math xmlns="${M}">${ap('geq', TIME, cn(1))}</math></trigger><listOfEventAssignments>
      <eventAssignment variable="c"><math xmlns="${M}">${cn(3)}</math></eventAssignment></listOfEventAssignments></event></listOfEvents>`;
    const course = simulate(compileModel(parseSbml(model(CUBIC, { event }))), {
      t1: 2,
      steps: 2,
      variables: ['S', 'x', 'c'],
      rtol: 1e-10,
      atol: 1e-12,
    });
    for (let k = 0; k <= 2; k++) {
      const x = at(course, 'x', k);
      expect(x ** 3 + at(course, 'c', k) * x - at(course, 'S', k)).toBeCloseTo(0, 9);
    }
    expect(at(course, 'c', 1)).toBe(3);
    // before the event: the ODE reference; after it, the ODE with c = 3 from the state at t = 1
    const ref1 = referenceOde(1, 1);
    expect(at(course, 'S', 1)).toBeCloseTo(ref1.interpolate(1)[0], 8);
  });

  it('two coupled rules, one nonlinear, one affine through an assignment rule', () => {
    // 0 = x² + y − S with y from 0 = y − x/2 − 0.1 (affine in y): x² + x/2 + 0.1 = S
    const extraRules = `<algebraicRule metaid="ar2"><math xmlns="${M}">${ap('minus', ap('minus', ci('y'), ap('divide', ci('x'), cn(2))), cn(0.1))}</math></algebraicRule>`;
    const rule = ap('minus', ap('plus', ap('power', ci('x'), cn(2)), ci('y')), ci('S'));
    const course = simulate(compileModel(parseSbml(model(rule, { extraRules }))), {
      t1: 2,
      steps: 4,
      variables: ['S', 'x', 'y'],
      rtol: 1e-10,
      atol: 1e-12,
    });
    for (let k = 0; k <= 4; k++) {
      const x = at(course, 'x', k);
      expect(x).toBeGreaterThan(0);
      expect(at(course, 'y', k)).toBeCloseTo(x / 2 + 0.1, 9);
      expect(x * x + x / 2 + 0.1 - at(course, 'S', k)).toBeCloseTo(0, 9);
    }
  });

  it('problem() carries the mass matrix: solve works, gradient and explicit methods refuse it by name', () => {
    const m = compileModel(parseSbml(model(CUBIC)));
    const prob = m.problem(0, 1);
    expect(prob.massMatrix).toBeDefined();
    const sol = solve(prob, { method: 'rodas5p', rtol: 1e-10, atol: 1e-12, saveAt: [1] });
    const r = referenceOde(1, 1).interpolate(1);
    const iS = m.stateIds.indexOf('S');
    const ix = m.stateIds.indexOf('x');
    expect(sol.y[iS]).toBeCloseTo(r[0], 8);
    expect(sol.y[ix]).toBeCloseTo(r[1], 8);
    let e: unknown;
    try {
      solve(prob, { method: 'tsit5' });
    } catch (err) {
      e = err;
    }
    expect(isOdeonError(e, 'InvalidOption') && e.context.option).toBe('massMatrix');
    e = undefined;
    try {
      gradient(prob, {
        saveAt: [1],
        loss: { value: (_i, _t, y) => y[0], grad: (_i, _t, _y, o) => o.fill(1) },
      });
    } catch (err) {
      e = err;
    }
    expect(isOdeonError(e, 'InvalidProblem') && e.context.option).toBe('massMatrix');
  });

  it('a rule without a real solution is a typed InitializationFailed naming the variable', () => {
    // 0 = x² + S has no real root for S = 2
    const rule = ap('plus', ap('power', ci('x'), cn(2)), ci('S'));
    let e: unknown;
    try {
      simulate(compileModel(parseSbml(model(rule))), { t1: 1, steps: 2 });
    } catch (err) {
      e = err;
    }
    expect(isOdeonError(e, 'InitializationFailed') && e.context.element).toBe('x');
  });

  it('rateOf of an algebraic state is refused naming it', () => {
    const extraRules = `<assignmentRule variable="y"><math xmlns="${M}"><apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf"> rateOf </csymbol><ci>x</ci></apply></math></assignmentRule>`;
    let e: unknown;
    try {
      compileModel(parseSbml(model(CUBIC, { extraRules })));
    } catch (err) {
      e = err;
    }
    expect(isOdeonError(e, 'UnsupportedSbmlFeature') && e.context.feature).toBe('rateOf');
  });

  it('an initial amount from a concentration in a compartment a nonlinear rule determines sees its solved size', () => {
    // 0 = V³ − 8 (V = 2, declared 1); S starts at concentration 3, amount 6
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model id="m">
  <listOfCompartments><compartment id="V" size="1" constant="false"/></listOfCompartments>
  <listOfSpecies><species id="S" compartment="V" initialConcentration="3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/></listOfSpecies>
  <listOfParameters><parameter id="k" value="0.5" constant="true"/></listOfParameters>
  <listOfRules><algebraicRule><math xmlns="${M}">${ap('minus', ap('power', ci('V'), cn(3)), cn(8))}</math></algebraicRule></listOfRules>
  <listOfReactions><reaction id="R" reversible="false"><listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
    <kineticLaw><math xmlns="${M}">${ap('times', ci('k'), ci('S'), ci('V'))}</math></kineticLaw></reaction></listOfReactions>
</model></sbml>`;
    const m = compileModel(parseSbml(xml));
    const course = simulate(m, {
      t1: 1,
      steps: 1,
      variables: ['V', 'S'],
      kinds: ['auto', 'amount'],
      rtol: 1e-10,
      atol: 1e-12,
    });
    expect(at(course, 'V', 0)).toBeCloseTo(2, 10);
    expect(at(course, 'S', 0)).toBeCloseTo(6, 9);
    expect(at(course, 'S', 1)).toBeCloseTo(6 * Math.exp(-0.5), 8);
  });

  it('the samples hold the algebraic-rule cases', () => {
    expect(ALGEBRAIC_CASES.length).toBeGreaterThanOrEqual(11);
  });

  it.each(ALGEBRAIC_CASES)(
    '%s %s with every algebraic rule g written as g + g³ (same roots, not affine) still passes',
    (suite, id) => {
      const c = loadSbmlSuiteCase(id, suite);
      const sbml = c.sbml.replace(
        /(<algebraicRule[^>]*>\s*<math[^>]*>)([\s\S]*?)(<\/math>)/g,
        (_m, head: string, inner: string, tail: string) =>
          `${head}<apply><plus/>${inner}<apply><power/>${inner}<cn>3</cn></apply></apply>${tail}`,
      );
      expect(sbml).not.toBe(c.sbml);
      const settings = parseSuiteSettings(readFileSync(join(c.dir, c.entry.settingsFile), 'utf8'));
      const course = simulateSuiteCase(
        sbml,
        settings,
        {},
        {
          resolveExternal: (source) => readFileSync(join(c.dir, source), 'utf8'),
        },
      );
      const expected = parseSuiteCsv(readFileSync(join(c.dir, c.entry.resultsFile), 'utf8'));
      const cmp = compareSuiteResults(
        expected,
        parseSuiteCsv(formatSuiteCsv(course)),
        settings.absolute,
        settings.relative,
      );
      expect(cmp.missing).toEqual([]);
      expect(cmp.pass).toBe(true);
    },
  );

  it('simulate with a method that cannot take algebraic states is an InvalidOption naming them', () => {
    let e: unknown;
    try {
      simulate(compileModel(parseSbml(model(CUBIC))), { t1: 1, method: 'tsit5' });
    } catch (err) {
      e = err;
    }
    expect(isOdeonError(e, 'InvalidOption') && e.context.option).toBe('method');
    expect(String(e)).toMatch(/algebraic states \(x\)/);
  });
});
