import type {} from '@odeon/testkit/setup';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DenseHistory } from './dense-history.ts';
import { solveDde } from './solve-dde.ts';

/** y′ = −y(t − 1), y = 1 for t ≤ 0: by the method of steps, y = Σₖ (−1)ᵏ (t − k + 1)ᵏ / k! over k ≤ ⌈t⌉. */
function exact(t: number): number {
  let s = 0;
  let fact = 1;
  for (let k = 0; k <= Math.ceil(t); k++) {
    if (k > 0) fact *= k;
    const u = t - k + 1;
    if (u > 0) s += ((-1) ** k * u ** k) / fact;
  }
  return s;
}

const linear = {
  rhs: (
    _t: number,
    _y: Float64Array,
    lagged: readonly Float64Array[],
    _p: Float64Array,
    dydt: Float64Array,
  ) => {
    dydt[0] = -lagged[0][0];
  },
  n: 1,
  lags: [1],
  history: (_t: number, out: Float64Array) => {
    out[0] = 1;
    return out;
  },
  t0: 0,
  t1: 4,
};

describe('solveDde (method of steps)', () => {
  it('matches the analytic solution of y′ = −y(t − 1) at tight tolerances (adaptive Tsit5 and Rodas5P)', () => {
    for (const method of ['tsit5', 'rodas5p'] as const) {
      const sol = solveDde(linear, { method, rtol: 1e-10, atol: 1e-12 });
      for (const t of [0.5, 1, 1.7, 2, 2.5, 3.3, 4])
        expect(Math.abs(sol.interpolate(t)[0] - exact(t))).toBeLessThan(1e-8);
    }
  });

  it('converges at order 4 with fixed-step RK4 on y′ = a·y(t − 1), y = e^{−t} (breakpoints keep the order)', () => {
    const a = -1 / Math.E; // y = e^{−t} solves y′ = −e^{−1}·y(t − 1)
    const problem = {
      n: 1,
      rhs: (_t: number, _y: Float64Array, l: readonly Float64Array[], _p: Float64Array, d: Float64Array) => {
        d[0] = a * l[0][0];
      },
      lags: [1],
      history: (t: number, out: Float64Array) => {
        out[0] = Math.exp(-t);
        return out;
      },
      t0: 0,
      t1: 3,
    };
    const errors = [4, 8, 16, 32].map((m) =>
      Math.abs(solveDde(problem, { method: 'rk4', dt: 1 / m }).interpolate(3)[0] - Math.exp(-3)),
    );
    for (let i = 1; i < errors.length; i++) {
      const order = Math.log2(errors[i - 1] / errors[i]);
      expect(order).toBeGreaterThan(3.5);
      expect(order).toBeLessThan(4.7);
    }
  });

  it('steps to the propagated discontinuities, including sums of two lags', () => {
    const sol = solveDde({
      ...linear,
      lags: [1, 0.7],
      rhs: (_t, _y, l, _p, d) => {
        d[0] = -l[0][0] - 0.5 * l[1][0];
      },
      t1: 2,
    });
    const b = [...sol.breakpoints];
    for (const x of [0.7, 1, 1.4, 1.7]) expect(b.some((v) => Math.abs(v - x) < 1e-12)).toBe(true);
  });

  it('is exact for a history that the solution continues (property: y′ = a·y(t − τ) with y = e^{λt})', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 1.5, noNaN: true }),
        fc.double({ min: -1, max: 0.5, noNaN: true }),
        (tau, lambda) => {
          // y = e^{λt} solves y′ = λ e^{λτ} y(t − τ).
          const a = lambda * Math.exp(lambda * tau);
          const sol = solveDde(
            {
              rhs: (_t, _y, l, _p, d) => {
                d[0] = a * l[0][0];
              },
              n: 1,
              lags: [tau],
              history: (t, out) => {
                out[0] = Math.exp(lambda * t);
                return out;
              },
              t0: 0,
              t1: 3,
            },
            { method: 'tsit5', rtol: 1e-10, atol: 1e-12 },
          );
          expect(Math.abs(sol.interpolate(3)[0] - Math.exp(3 * lambda))).toBeLessThan(
            1e-7 * Math.max(1, Math.exp(3 * lambda)),
          );
        },
      ),
      { numRuns: 20 },
    );
  });

  it('refuses lags that are not finite and positive', () => {
    for (const lags of [[0], [-1], [Number.NaN], []])
      expect(() => solveDde({ ...linear, lags })).toThrowOdeonError('InvalidOption', { option: 'lags' });
  });
});

describe('DenseHistory', () => {
  it('reads the initial history before t0 and the later segment on a shared boundary', () => {
    const h = new DenseHistory<string>(0, (_t, out) => {
      out[0] = -1;
      return 'init';
    });
    const line = (c: number) => (t: number, out: Float64Array) => out.fill(c + t);
    h.push({ ta: 0, tb: 1, interpolate: line(0), tag: 'a' });
    h.push({ ta: 1, tb: 2, interpolate: line(10), tag: 'b' });
    const out = new Float64Array(1);
    expect(h.at(out, -0.5)).toBe('init');
    expect(out[0]).toBe(-1);
    expect(h.at(out, 0.5)).toBe('a');
    expect(out[0]).toBe(0.5);
    expect(h.at(out, 1)).toBe('b');
    expect(out[0]).toBe(11);
    expect(h.end).toBe(2);
  });
});
