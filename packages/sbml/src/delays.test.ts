import { isOdeonError } from '@odeon/ode';
import { describe, expect, it } from 'vitest';
import { compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';
import { simulate } from './simulate.ts';

const MATHML = 'http://www.w3.org/1998/Math/MathML';
const TIME =
  '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time"> time </csymbol>';

/** y′ = −delay(y, lag) with y = 1 before t0; `lag` is MathML; an optional event at t = 0.5 sets k = 0.5. */
function model(lag: string, event = false): string {
  const ev = event
    ? `<listOfEvents><event id="e" useValuesFromTriggerTime="true"><trigger initialValue="false" persistent="true">
         <math xmlns="${MATHML}"><apply><geq/>${TIME}<cn>0.5</cn></apply></math></trigger>
         <listOfEventAssignments><eventAssignment variable="k"><math xmlns="${MATHML}"><cn>0.5</cn></math>
         </eventAssignment></listOfEventAssignments></event></listOfEvents>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model id="m">
  <listOfParameters><parameter id="y" value="1" constant="false"/><parameter id="k" value="1" constant="false"/></listOfParameters>
  <listOfRules><rateRule variable="y"><math xmlns="${MATHML}"><apply><minus/><apply>
    <csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay"> delay </csymbol>
    <ci> y </ci>${lag}</apply></apply></math></rateRule></listOfRules>${ev}
</model></sbml>`;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

const run = (xml: string) =>
  simulate(compileModel(parseSbml(xml)), {
    t0: 0,
    t1: 2,
    steps: 4,
    rtol: 1e-10,
    atol: 1e-12,
    variables: ['y'],
  });
const yAt = (c: ReturnType<typeof run>, t: number) =>
  c.values[c.times.findIndex((x) => Math.abs(x - t) < 1e-12)];

describe('csymbol delay: the method of steps with constant, event-changed, time- and state-dependent lags', () => {
  it('a constant lag matches the analytic solution of y′ = −y(t − 1)', () => {
    const c = run(model('<cn>1</cn>'));
    expect(yAt(c, 1)).toBeCloseTo(0, 9);
    expect(yAt(c, 2)).toBeCloseTo(-0.5, 9);
  });

  it('a lag changed by an event is constant between restarts: y(1) = 0.125 after k = 0.5 at t = 0.5', () => {
    const c = simulate(compileModel(parseSbml(model('<ci>k</ci>', true))), {
      t0: 0,
      t1: 1,
      steps: 2,
      variables: ['y'],
      rtol: 1e-10,
      atol: 1e-12,
    });
    expect(yAt(c, 0.5)).toBeCloseTo(0.5, 9);
    expect(yAt(c, 1)).toBeCloseTo(0.125, 8);
  });

  it('a state-dependent lag: y′ = −y(t − 1 − y), y = 1 before 0, matches its analytic solution', () => {
    // [0, 1]: y = 1 − t (the argument 2t − 2 stays ≤ 0, reaching 0 at t = 1, where y = 0);
    // [1, 1 + ln 2]: the argument t − 1 − y lies in [0, 1], so y′ = −(2 − t + y), y = t − 3 + 2e^{1−t}
    const lag = '<apply><plus/><cn>1</cn><ci>y</ci></apply>';
    const c = simulate(compileModel(parseSbml(model(lag))), {
      t0: 0,
      times: [0.5, 1, 1.25, 1.5, 1.65],
      t1: 1.65,
      variables: ['y'],
      rtol: 1e-10,
      atol: 1e-12,
    });
    const exact = (t: number) => (t <= 1 ? 1 - t : t - 3 + 2 * Math.exp(1 - t));
    for (let k = 0; k < c.times.length; k++) expect(c.values[k]).toBeCloseTo(exact(c.times[k]), 8);
    // loose tolerances, one output: the segment integrated again up to t = 1 must end there
    const loose = simulate(compileModel(parseSbml(model(lag))), {
      t1: 1.65,
      times: [1.65],
      variables: ['y'],
      rtol: 1e-6,
      atol: 1e-8,
    });
    expect(loose.values[0]).toBeCloseTo(exact(1.65), 4);
  });

  it('a time-dependent lag: y′ = −y(t − 1 − 0.1 t), matches its analytic solution', () => {
    // the argument 0.9t − 1 reaches 0 at t = 10/9; before, y = 1 − t; after, y′ = 0.9t − 2
    const lag = `<apply><plus/><cn>1</cn><apply><times/><cn>0.1</cn>${TIME}</apply></apply>`;
    const c = simulate(compileModel(parseSbml(model(lag))), {
      t0: 0,
      times: [1, 10 / 9, 1.5, 2],
      t1: 2,
      variables: ['y'],
      rtol: 1e-10,
      atol: 1e-12,
    });
    const a = 10 / 9;
    const exact = (t: number) => (t <= a ? 1 - t : 1 - a + (0.45 * t * t - 2 * t) - (0.45 * a * a - 2 * a));
    for (let k = 0; k < c.times.length; k++) expect(c.values[k]).toBeCloseTo(exact(c.times[k]), 8);
    for (const rtol of [1e-4, 1e-6]) {
      const loose = simulate(compileModel(parseSbml(model(lag))), {
        t1: 2,
        times: [2],
        variables: ['y'],
        rtol,
      });
      expect(loose.values[0]).toBeCloseTo(exact(2), 4);
    }
  });

  it('gradients (problem()) refuse delays with UnsupportedSbmlFeature (fast reactions: fast-reactions.test.ts)', () => {
    const e = thrown(() => compileModel(parseSbml(model('<cn>1</cn>'))).problem(0, 1));
    expect(isOdeonError(e, 'UnsupportedSbmlFeature') && e.context.feature).toBe('csymbol delay');
  });
});
