/**
 * SBML events in gradients: every SBML Test Suite case with events that `modelEvents` accepts (no delay,
 * and a state) is differentiated with respect to each of its parameters and checked against central
 * differences of `solve` on the same events; where `simulate` (the full SBML event semantics) is a valid
 * reference, the solution itself is checked against it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gradient, solve } from '@odeon/ode';
import { sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { compileModel } from './compile.ts';
import { loadModel } from './load.ts';
import { modelEvents, problemWithEvents } from './ode-events.ts';
import { simulate } from './simulate.ts';

/** [folder, case]: event cases whose `simulate` output (checked against the suite's results elsewhere) is the reference. */
const CASES: readonly [string, string][] = [
  ['sbml-suite', '00026'],
  ['sbml-suite', '00945'],
  ['sbml-suite-extended', '00348'],
  ['sbml-suite-extended', '00349'],
  ['sbml-suite-extended', '00619'],
];

function load(folder: string, id: string) {
  const dir = join(sharedDir(), folder, 'cases', id);
  const xml = readFileSync(join(dir, `${id}-sbml-l3v2.xml`), 'utf8');
  const settings = readFileSync(join(dir, `${id}-settings.txt`), 'utf8');
  const num = (key: string) =>
    Number(/^(\w+):\s*(.*)$/m.exec(settings.split('\n').find((l) => l.startsWith(`${key}:`)) ?? '')?.[2]);
  return { model: compileModel(loadModel(xml)), start: num('start'), duration: num('duration') };
}

describe.each(CASES)('SBML Test Suite %s/%s: gradient through its events and switches', (folder, id) => {
  const { model, start, duration } = load(folder, id);
  const t1 = start + duration;
  // observation times away from event times (SBML reports the post-event value at an event time)
  const times = Array.from({ length: 20 }, (_, k) => start + (duration * (k + 0.618)) / 20);
  const sum = (a: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i];
    return s;
  };
  const bySolve = (p: Float64Array) =>
    sum(solve(problemWithEvents(model, start, t1, { p }), { saveAt: times, rtol: 1e-11, atol: 1e-13 }).y);
  const loss = {
    value: (_i: number, _t: number, y: Float64Array) => sum(y),
    grad: (_i: number, _t: number, _y: Float64Array, out: Float64Array) => {
      out.fill(1);
    },
  };

  it('solve with the model events reproduces simulate', () => {
    const kinds = model.stateIds.map(() => 'amount' as const);
    const tc = simulate(model, {
      t0: start,
      t1,
      times,
      variables: [...model.stateIds],
      kinds,
      rtol: 1e-11,
      atol: 1e-13,
    });
    expect(bySolve(model.p)).toBeCloseTo(sum(tc.values), 6);
  });

  it.each(['forward', 'discrete', 'quadrature'] as const)(
    '%s: dL/dp matches central differences of solve',
    (kind) => {
      const g = gradient(problemWithEvents(model, start, t1), {
        saveAt: times,
        rtol: 1e-10,
        atol: 1e-12,
        loss,
        sensitivity: { kind },
      });
      expect(g.value).toBeCloseTo(bySolve(model.p), 6);
      let checked = 0;
      for (let j = 0; j < model.np; j++) {
        const pj = model.p[j];
        if (!Number.isFinite(pj)) continue;
        const h = 1e-5 * Math.max(Math.abs(pj), 1e-3);
        const a = Float64Array.from(model.p);
        a[j] += h;
        const b = Float64Array.from(model.p);
        b[j] -= h;
        const fd = (bySolve(a) - bySolve(b)) / (2 * h);
        expect(Math.abs(g.dp[j] - fd)).toBeLessThanOrEqual(1e-5 * Math.max(Math.abs(fd), Math.abs(g.value)));
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    },
  );
});

describe('modelEvents refuses what it cannot reproduce', () => {
  it('a delayed event: UnsupportedSbmlFeature naming the event', () => {
    const { model } = load('sbml-suite-extended', '00622');
    expect(() => modelEvents(model, 0)).toThrow(
      expect.objectContaining({
        code: 'UnsupportedSbmlFeature',
        context: expect.objectContaining({ element: 'event1' }),
      }),
    );
  });
});
