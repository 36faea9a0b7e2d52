import { loadReference, scaledErrorVsReference } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { HIRES, POLLU, ROBER } from '../problems/index.ts';
import { solve } from '../solve.ts';
import { emptyStats, type SolverContext } from './context.ts';
import { fdJacobian, fdTimeDerivative } from './jacobian.ts';

describe('finite-difference Jacobian fallback', () => {
  it.each([POLLU, HIRES, ROBER])('$name: one RHS per column, close to the analytic Jacobian', (prob) => {
    const n = prob.y0.length;
    const ctx: SolverContext = {
      n,
      rhs: prob.rhs,
      p: prob.p,
      jacobian: undefined,
      tgrad: undefined,
      rtol: 1e-6,
      atol: new Float64Array(n).fill(1e-10),
      stats: emptyStats(),
    };
    const y = Float64Array.from(prob.y0, (v, i) => v + 0.05 * (1 + i / n));
    const f0 = new Float64Array(n);
    prob.rhs(0, y, prob.p, f0);
    const J = fdJacobian(new Float64Array(n * n), ctx, 0, y, f0, new Float64Array(n), new Float64Array(n));
    expect(ctx.stats.rhsEvals).toBe(n);
    const exact = new Float64Array(n * n);
    prob.jacobian?.(0, y, prob.p, exact);
    const scale = Math.max(...Array.from(exact, Math.abs));
    expect(J).toBeAllclose(exact, { rtol: 1e-5, atol: 1e-6 * scale });
  });

  it('∂f/∂t by forward difference', () => {
    const ctx: SolverContext = {
      n: 1,
      rhs: (t, y, _p, dy) => void (dy[0] = Math.sin(t) * y[0]),
      p: new Float64Array(0),
      jacobian: undefined,
      tgrad: undefined,
      rtol: 1e-6,
      atol: Float64Array.of(1e-10),
      stats: emptyStats(),
    };
    const y = Float64Array.of(2);
    const f0 = Float64Array.of(Math.sin(0.7) * 2);
    expect(fdTimeDerivative(new Float64Array(1), ctx, 0.7, y, f0, 0.1)[0]).toBeCloseTo(2 * Math.cos(0.7), 6);
  });

  it('rodas5p without a Jacobian (nor tgrad) still meets the ROBER reference', () => {
    const ref = loadReference('rober');
    const { jacobian: _j, tgrad: _t, ...noJac } = ROBER;
    const sol = solve(noJac, { method: 'rodas5p', rtol: 1e-6, atol: 1e-14, saveAt: ref.times });
    expect(scaledErrorVsReference(ref, sol.y, 1e-6, 1e-14)).toBeLessThan(100);
    // per Jacobian: n = 3 columns + 1 for ∂f/∂t
    expect(sol.stats.rhsEvals).toBeGreaterThanOrEqual(sol.stats.jacobianEvals * 4);
  });
});
