import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyStats, type SolverContext } from '../internal/context.ts';
import { JacobianWorkspace } from '../internal/jacobian-workspace.ts';
import { SparseLu } from '../internal/lu.ts';
import { solve } from '../solve.ts';
import type { OdeProblem } from '../types.ts';

/**
 * A fast decay feeding a slow one (y0' = −1000·y0, y1' = 10⁴·y0 − y1), a damped fast rotation
 * (y2 + i·y3)' = (−5 + 50i)(y2 + i·y3) and two plain decays: a sparse Jacobian (n = 6). Once the steps
 * are long, the rotation block of W = I/(hγ) − J needs a row exchange in any symmetric order
 * (|multiplier| ≈ 50·hγ > 1), so the solver must fall back from the sparse to the dense pivoting LU.
 */
const problem: OdeProblem = {
  y0: Float64Array.of(1, 0, 2, 1, 1, -1),
  t0: 0,
  t1: 10,
  rhs: (_t, y, _p, dy) => {
    dy[0] = -1000 * y[0];
    dy[1] = 1e4 * y[0] - y[1];
    dy[2] = -5 * y[2] - 50 * y[3];
    dy[3] = 50 * y[2] - 5 * y[3];
    dy[4] = -0.5 * y[4];
    dy[5] = -2 * y[5];
  },
  jacobian: (_t, _y, _p, J) => {
    J.fill(0);
    J[0] = -1000;
    J[6] = 1e4;
    J[7] = -1;
    J[14] = -5;
    J[15] = -50;
    J[20] = 50;
    J[21] = -5;
    J[28] = -0.5;
    J[35] = -2;
  },
};

function exact(t: number): number[] {
  const y = problem.y0 as Float64Array;
  const e = Math.exp(-5 * t);
  const cs = Math.cos(50 * t);
  const sn = Math.sin(50 * t);
  return [
    y[0] * Math.exp(-1000 * t),
    y[1] * Math.exp(-t) + ((1e4 * y[0]) / 999) * (Math.exp(-t) - Math.exp(-1000 * t)),
    e * (y[2] * cs - y[3] * sn),
    e * (y[2] * sn + y[3] * cs),
    y[4] * Math.exp(-0.5 * t),
    y[5] * Math.exp(-2 * t),
  ];
}

describe('stiff solvers on a sparse Jacobian that needs pivoting for long steps', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const method of ['rodas5p', 'rodas4', 'rosenbrock23'] as const) {
    it(`${method}: matches the analytic solution, using both the sparse and the dense-pivoting factorisation`, () => {
      const spy = vi.spyOn(SparseLu.prototype, 'factor');
      const times = [0.001, 0.01, 0.1, 1, 5, 10];
      const rtol = method === 'rosenbrock23' ? 1e-6 : 1e-9;
      const sol = solve(problem, { method, rtol, atol: rtol * 1e-3, saveAt: times });
      const accepted = spy.mock.results.filter((r) => r.value === true).length;
      const declined = spy.mock.results.filter((r) => r.value === false).length;
      expect(accepted).toBeGreaterThan(0);
      expect(declined).toBeGreaterThan(0);
      expect(sol.stats.luFactorizations).toBe(accepted + declined);
      const want = times.flatMap(exact);
      // rosenbrock23 is order 2: its global error is well above the local tolerance
      const atol = method === 'rosenbrock23' ? 1e-4 : 1e-8;
      expect(sol.y).toBeAllclose(want, { rtol: method === 'rosenbrock23' ? 1e-2 : 1e-6, atol });
    });
  }
});

describe('JacobianWorkspace', () => {
  afterEach(() => vi.restoreAllMocks());
  const n = 6;
  const ctx: SolverContext = {
    n,
    rhs: problem.rhs,
    p: new Float64Array(0),
    jacobian: problem.jacobian,
    tgrad: undefined,
    rtol: 1e-6,
    atol: new Float64Array(n).fill(1e-9),
    stats: emptyStats(),
  };
  const J = new Float64Array(n * n);
  problem.jacobian?.(0, problem.y0 as Float64Array, ctx.p, J);

  for (const scaledIdentity of [false, true]) {
    // small hγ: diagonally dominant (sparse path); large hγ: needs a row exchange (dense fallback)
    for (const hg of [1e-4, 10]) {
      it(`solves W x = b exactly (${scaledIdentity ? 'I − hγJ' : 'I/(hγ) − J'}, hγ = ${hg})`, () => {
        const ws = new JacobianWorkspace(ctx, scaledIdentity);
        const y = Float64Array.from(problem.y0 as Float64Array);
        const f0 = new Float64Array(n);
        problem.rhs(0, y, ctx.p, f0);
        ws.evaluate(0, y, f0, hg);
        const spy = vi.spyOn(SparseLu.prototype, 'factor');
        expect(ws.factor(hg)).toBe(true);
        expect(spy.mock.results.map((r) => r.value)).toEqual([hg < 1]);
        const W = new Float64Array(n * n);
        for (let i = 0; i < n * n; i++) W[i] = scaledIdentity ? -hg * J[i] : -J[i];
        for (let i = 0; i < n; i++) W[i * n + i] += scaledIdentity ? 1 : 1 / hg;
        const x = Float64Array.of(1, -2, 3, 0.5, -1, 2);
        const b = new Float64Array(n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += W[i * n + j] * x[j];
        expect(ws.solve(b)).toBeAllclose(x, { rtol: 1e-12, atol: 1e-12 });
      });
    }
  }
});
