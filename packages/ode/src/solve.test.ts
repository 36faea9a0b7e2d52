import { describe, expect, it } from 'vitest';
import { solve } from './solve.ts';
import type { OdeProblem } from './types.ts';

const decay: OdeProblem = {
  rhs: (_t, y, p, dy) => {
    dy[0] = -p[0] * y[0];
  },
  y0: [1],
  t0: 0,
  t1: 2,
  p: [1.5],
};

describe('solve', () => {
  it.each(['tsit5', 'rodas5p', 'dopri5', 'dop853', 'bs3', 'rosenbrock23', 'rodas4', 'auto'] as const)(
    '%s solves exponential decay at saveAt points',
    (method) => {
      const saveAt = [0, 0.5, 1, 1.5, 2];
      const sol = solve(decay, { method, rtol: 1e-8, atol: 1e-12, saveAt });
      expect(Array.from(sol.t)).toEqual(saveAt);
      const exact = saveAt.map((t) => Math.exp(-1.5 * t));
      const tol = method === 'rosenbrock23' ? 1e-5 : 1e-7;
      expect(sol.y).toBeAllclose(exact, { rtol: tol, atol: 1e-12 });
      expect(sol.status).toBe('success');
      expect(sol.stats.acceptedSteps).toBeGreaterThan(0);
    },
  );

  it('integrates backwards when t1 < t0', () => {
    const sol = solve(
      { ...decay, t0: 2, t1: 0, y0: [Math.exp(-3)] },
      { method: 'tsit5', rtol: 1e-10, atol: 1e-14 },
    );
    expect(sol.t[sol.t.length - 1]).toBe(0);
    expect(sol.y[sol.y.length - 1]).toBeCloseTo(1, 8);
  });

  it('serves dense output when asked', () => {
    const sol = solve(decay, { method: 'rodas5p', rtol: 1e-9, atol: 1e-13, dense: true });
    const out = new Float64Array(1);
    for (const t of [0, 0.123, 0.77, 1.999, 2]) {
      expect(sol.interpolate(t, out)[0]).toBeCloseTo(Math.exp(-1.5 * t), 7);
    }
    expect(() => sol.interpolate(3)).toThrow(/outside/);
  });

  it('rejects bad options with InvalidOption', () => {
    for (const opts of [
      { rtol: -1 },
      { method: 'nope' as 'tsit5' },
      { atol: [1, 2] },
      { method: 'rk4' as const },
    ]) {
      expect(() => solve(decay, opts)).toThrowOdeonError('InvalidOption');
    }
  });

  it('returns y0 when t0 = t1', () => {
    const sol = solve({ ...decay, t1: 0 }, { method: 'tsit5', dense: true });
    expect(Array.from(sol.t)).toEqual([0]);
    expect(Array.from(sol.y)).toEqual([1]);
    expect(sol.interpolate(0)[0]).toBe(1);
  });

  it('accepts per-component atol and ArrayLike inputs', () => {
    const prob: OdeProblem = {
      rhs: (_t, y, _p, dy) => {
        dy[0] = -y[0];
        dy[1] = -1000 * y[1];
      },
      y0: { length: 2, 0: 1, 1: 1 } as ArrayLike<number>,
      t0: 0,
      t1: 1,
    };
    const sol = solve(prob, {
      method: 'rodas5p',
      rtol: 1e-8,
      atol: [1e-12, 1e-14],
      saveAt: new Float32Array([0.5, 1]),
    });
    expect(sol.y).toBeAllclose([Math.exp(-0.5), Math.exp(-500), Math.exp(-1), Math.exp(-1000)], {
      rtol: 1e-6,
      atol: 1e-12,
    });
  });

  it('rejects unsorted or out-of-range saveAt and a fixed-step dt on adaptive methods', () => {
    expect(() => solve(decay, { saveAt: [1, 0.5] })).toThrow(/sorted/);
    expect(() => solve(decay, { saveAt: [3] })).toThrow(/within/);
    expect(() => solve(decay, { method: 'tsit5', dt: 0.1 })).toThrow(/dt0/);
  });

  it('fixed-step rk4 takes exactly (t1 − t0)/dt steps', () => {
    const sol = solve(decay, { method: 'rk4', dt: 0.01 });
    expect(sol.stats.steps).toBe(200);
    expect(sol.t[sol.t.length - 1]).toBe(2);
    expect(sol.y[sol.y.length - 1]).toBeCloseTo(Math.exp(-3), 8);
  });
});
