/**
 * The forward pass of `quadrature` and `backsolve` is `solve` itself: same steps and work counts for
 * every adaptive method, and gradients that agree with central differences of `solve`.
 */
import { describe, expect, it } from 'vitest';
import { solve } from '../solve.ts';
import type { OdeProblem } from '../types.ts';
import { gradient } from './gradient.ts';
import type { GradientMethod } from './types.ts';

// Lotka–Volterra with analytic derivatives; p = [a, b, c, d]
const lotka = (p: number[], y0: number[] = [1, 0.5]): OdeProblem => ({
  rhs: (_t, y, q, d) => {
    d[0] = q[0] * y[0] - q[1] * y[0] * y[1];
    d[1] = q[3] * y[0] * y[1] - q[2] * y[1];
  },
  jacobian: (_t, y, q, J) => {
    J[0] = q[0] - q[1] * y[1];
    J[1] = -q[1] * y[0];
    J[2] = q[3] * y[1];
    J[3] = q[3] * y[0] - q[2];
  },
  y0,
  p,
  t0: 0,
  t1: 6,
});
const P = [1.5, 1, 3, 1];
const times = [0.5, 1, 2, 3.3, 4, 6];
const loss = {
  value: (_i: number, _t: number, y: Float64Array) => y[0] + 2 * y[1],
  grad: (_i: number, _t: number, _y: Float64Array, out: Float64Array) => {
    out[0] = 1;
    out[1] = 2;
  },
};
const METHODS: readonly GradientMethod[] = [
  'tsit5',
  'dopri5',
  'dop853',
  'bs3',
  'rosenbrock23',
  'rodas4',
  'rodas5p',
  'auto',
];

describe.each(METHODS)('%s', (method) => {
  const opts = { method, rtol: 1e-7, atol: 1e-9, saveAt: times } as const;
  const sol = solve(lotka(P), opts);

  // every kind that can replay this method's steps ('auto' switches methods; rosenbrock23 has no system)
  const kinds = (['quadrature', 'backsolve', 'forward', 'discrete', 'interpolating'] as const).filter(
    (k) =>
      k === 'quadrature' ||
      k === 'backsolve' ||
      (method !== 'auto' && (method !== 'rosenbrock23' || k === 'interpolating')),
  );
  it.each(kinds)('%s: stats.forward are solve’s, the gradient matches FD of solve', (kind) => {
    const g = gradient(lotka(P), { ...opts, loss, sensitivity: { kind } });
    const f = g.stats.forward;
    // interpolating's forward work also counts its recomputed segments
    if (kind !== 'interpolating')
      expect([f.steps, f.acceptedSteps, f.rejectedSteps, f.jacobianEvals, f.luFactorizations]).toEqual([
        sol.stats.steps,
        sol.stats.acceptedSteps,
        sol.stats.rejectedSteps,
        sol.stats.jacobianEvals,
        sol.stats.luFactorizations,
      ]);
    // quadrature keeps dop853's dense output, which costs three more right-hand sides per step
    if (kind !== 'interpolating' && !(kind === 'quadrature' && method === 'dop853'))
      expect(f.rhsEvals).toBe(sol.stats.rhsEvals);
    let value = 0;
    for (let i = 0; i < times.length; i++) value += sol.y[2 * i] + 2 * sol.y[2 * i + 1];
    expect(g.value).toBe(value);
    const L = (p: number[]) => {
      const s = solve(lotka(p), { method: 'rodas5p', rtol: 1e-11, atol: 1e-13, saveAt: times });
      let v = 0;
      for (let i = 0; i < times.length; i++) v += s.y[2 * i] + 2 * s.y[2 * i + 1];
      return v;
    };
    for (let j = 0; j < 4; j++) {
      const h = 1e-6;
      const a = P.slice();
      a[j] += h;
      const b = P.slice();
      b[j] -= h;
      const fd = (L(a) - L(b)) / (2 * h);
      // to the tolerance's order (rtol 1e-7)
      expect(Math.abs(g.dp[j] - fd)).toBeLessThan(2e-4 * Math.max(1, Math.abs(fd)));
    }
  });
});

describe('methods whose steps a kind cannot replay', () => {
  it('are refused by that kind, naming the option', () => {
    for (const kind of ['forward', 'discrete', 'interpolating'] as const) {
      expect(() => gradient(lotka(P), { method: 'auto', loss, sensitivity: { kind } })).toThrow(
        expect.objectContaining({
          code: 'InvalidOption',
          context: expect.objectContaining({ option: 'method' }),
        }),
      );
    }
    for (const kind of ['forward', 'discrete'] as const) {
      expect(() => gradient(lotka(P), { method: 'rosenbrock23', loss, sensitivity: { kind } })).toThrow(
        expect.objectContaining({ code: 'InvalidOption' }),
      );
    }
  });
});

describe.each(['rodas5p', 'rodas4'] as const)('discrete with %s', (method) => {
  it('takes solve’s steps and differentiates solve’s output (value bit-equal, dL/dp as FD of solve)', () => {
    const opts = { method, rtol: 1e-8, atol: 1e-10, saveAt: times } as const;
    const sol = solve(lotka(P), opts);
    for (const checkpoints of [Number.POSITIVE_INFINITY, undefined]) {
      const g = gradient(lotka(P), {
        ...opts,
        loss,
        sensitivity: { kind: 'discrete', ...(checkpoints === undefined ? {} : { checkpoints }) },
      });
      const f = g.stats.forward;
      expect([f.steps, f.acceptedSteps, f.rejectedSteps, f.rhsEvals, f.luFactorizations]).toEqual([
        sol.stats.steps,
        sol.stats.acceptedSteps,
        sol.stats.rejectedSteps,
        sol.stats.rhsEvals,
        sol.stats.luFactorizations,
      ]);
      let value = 0;
      for (let i = 0; i < times.length; i++) value += sol.y[2 * i] + 2 * sol.y[2 * i + 1];
      expect(g.value).toBe(value);
      // central differences of solve at the same options: the step sequence changes with p only at
      // the tolerance's level, so they agree to about rtol
      const L = (p: number[]) => {
        const s = solve(lotka(p), opts);
        let v = 0;
        for (let i = 0; i < times.length; i++) v += s.y[2 * i] + 2 * s.y[2 * i + 1];
        return v;
      };
      for (let j = 0; j < 4; j++) {
        const h = 1e-5;
        const a = P.slice();
        a[j] += h;
        const b = P.slice();
        b[j] -= h;
        expect(Math.abs(g.dp[j] - (L(a) - L(b)) / (2 * h))).toBeLessThan(
          1e-4 * Math.max(1, Math.abs(g.dp[j])),
        );
      }
    }
  });
});
