import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { solve } from './solve.ts';
import { closestName } from './unknown-keys.ts';

const decay = {
  rhs: (_t: number, y: Float64Array, _p: Float64Array, d: Float64Array) => void (d[0] = -y[0]),
  y0: [1],
  t0: 0,
  t1: 1,
};

describe('unknown option keys', () => {
  it('solve(p, { rtoll }) is an InvalidOption suggesting rtol, not a run with the default', () => {
    const run = () => solve(decay, { rtoll: 1e-3 } as never);
    expect(run).toThrowOdeonError('InvalidOption');
    expect(run).toThrow('"rtoll"');
    expect(run).toThrow('did you mean "rtol"?');
  });

  it('every documented key is accepted', () => {
    const sol = solve(decay, {
      method: 'rk4',
      rtol: 1e-6,
      atol: 1e-9,
      saveAt: [0.5],
      dense: false,
      dt: 0.01,
      maxSteps: 1000,
      tstops: [0.25],
      events: [],
    });
    expect(sol.y[0]).toBeCloseTo(Math.exp(-0.5), 6);
  });

  it('closestName suggests near misses only', () => {
    expect(closestName('maxstep', ['maxSteps', 'method'])).toBe('maxSteps');
    expect(closestName('svaeAt', ['saveAt', 'dense'])).toBe('saveAt');
    expect(closestName('banana', ['rtol', 'atol'])).toBeUndefined();
  });
});
