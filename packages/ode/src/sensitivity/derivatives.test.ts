import { finiteDouble, vector } from '@odeon/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROBER } from '../problems/index.ts';
import type { OdeProblem } from '../types.ts';
import { lotkaProblem } from './__fixtures__/problems.ts';
import { Derivatives } from './derivatives.ts';

const lotka = lotkaProblem();
const state = (ranges: readonly (readonly [number, number])[]) =>
  fc.tuple(...ranges.map(([lo, hi]) => finiteDouble(lo, hi))).map((xs) => Float64Array.from(xs));
const bare = (p: OdeProblem): OdeProblem => ({ rhs: p.rhs, y0: p.y0, t0: p.t0, t1: p.t1, p: p.p! });

describe('Derivatives: finite-difference fallbacks match the analytic derivatives (property)', () => {
  // states in each problem's physical range (ROBER's y2 stays below 4e-5)
  for (const [name, problem, ranges] of [
    [
      'Lotka–Volterra',
      lotka,
      [
        [0.1, 5],
        [0.1, 5],
      ],
    ],
    [
      'ROBER',
      ROBER,
      [
        [0, 1],
        [0, 4e-5],
        [0, 1],
      ],
    ],
  ] as const) {
    it(`${name}: J, ∂f/∂p and vjp from rhs alone and from vjp alone`, () => {
      const p = Float64Array.from(problem.p!);
      const n = problem.y0.length;
      const np = p.length;
      const exact = new Derivatives(problem, p, n);
      const fd = new Derivatives(bare(problem), p, n);
      const viaVjp = new Derivatives({ ...bare(problem), vjp: problem.vjp! }, p, n);
      fc.assert(
        fc.property(state(ranges), vector(n, -1, 1), (y, v) => {
          const [Ja, Jf, Jv] = [exact, fd, viaVjp].map((d) => d.jacobian(0, y, new Float64Array(n * n)));
          const [Pa, Pf, Pv] = [exact, fd, viaVjp].map((d) =>
            d.paramJacobian(0, y, new Float64Array(n * np)),
          );
          const scaleJ = Math.max(1, ...Array.from(Ja, Math.abs));
          const scaleP = Math.max(1, ...Array.from(Pa, Math.abs));
          expect(Jf).toBeAllclose(Ja, { rtol: 1e-7, atol: 1e-7 * scaleJ });
          expect(Jv).toBeAllclose(Ja, { rtol: 1e-14, atol: 1e-14 * scaleJ });
          expect(Pf).toBeAllclose(Pa, { rtol: 1e-7, atol: 1e-7 * scaleP });
          expect(Pv).toBeAllclose(Pa, { rtol: 1e-14, atol: 1e-14 * scaleP });
          // vᵀJ and vᵀ∂f/∂p by every route agree with the matrices
          const outY = new Float64Array(n);
          const outP = new Float64Array(np);
          fd.vjp(0, y, v, outY, outP);
          const refY = Array.from({ length: n }, (_v, j) =>
            v.reduce((s, vi, i) => s + vi * Ja[i * n + j], 0),
          );
          const refP = Array.from({ length: np }, (_v, j) =>
            v.reduce((s, vi, i) => s + vi * Pa[i * np + j], 0),
          );
          expect(outY).toBeAllclose(refY, { rtol: 1e-6, atol: 1e-7 * scaleJ });
          expect(outP).toBeAllclose(refP, { rtol: 1e-6, atol: 1e-7 * scaleP });
        }),
        { numRuns: 100 },
      );
      expect(fd.report).toMatchObject({ jacobian: 'finite-difference', paramJacobian: 'finite-difference' });
      expect(fd.report.fdRhsEvals).toBeGreaterThan(0);
      expect(viaVjp.report).toMatchObject({ jacobian: 'vjp', paramJacobian: 'vjp', vjp: 'analytic' });
      expect(exact.report.fdRhsEvals).toBe(0);
    });
  }

  it('vjpState (vᵀ∂f/∂y only) agrees with central differences by every route, and prefers vjpY', () => {
    const problem = lotka;
    const p = Float64Array.from(problem.p!);
    const n = problem.y0.length;
    let vjpYCalls = 0;
    const withVjpY: OdeProblem = {
      ...bare(problem),
      vjp: problem.vjp!,
      vjpY: (t, y, pp, v, outY) => {
        vjpYCalls++;
        problem.vjp!(t, y, pp, v, outY, new Float64Array(pp.length));
      },
    };
    const routes = [
      new Derivatives(problem, p, n),
      new Derivatives(bare(problem), p, n),
      new Derivatives({ ...bare(problem), vjp: problem.vjp! }, p, n),
      new Derivatives({ ...bare(problem), jacobian: problem.jacobian! }, p, n),
      new Derivatives(withVjpY, p, n),
    ];
    fc.assert(
      fc.property(
        state([
          [0.1, 5],
          [0.1, 5],
        ]),
        vector(n, -1, 1),
        (y, v) => {
          // reference: vᵀ(f(y + h e_j) − f(y − h e_j))/2h from the right-hand side alone
          const ref = new Float64Array(n);
          const fa = new Float64Array(n);
          const fb = new Float64Array(n);
          for (let j = 0; j < n; j++) {
            const h = 1e-6 * Math.max(1, Math.abs(y[j]));
            const yp = Float64Array.from(y);
            yp[j] += h;
            problem.rhs(0, yp, p, fa);
            yp[j] -= 2 * h;
            problem.rhs(0, yp, p, fb);
            for (let i = 0; i < n; i++) ref[j] += (v[i] * (fa[i] - fb[i])) / (2 * h);
          }
          for (const d of routes)
            expect(d.vjpState(0, y, v, new Float64Array(n))).toBeAllclose(ref, { rtol: 1e-6, atol: 1e-8 });
        },
      ),
      { numRuns: 50 },
    );
    expect(vjpYCalls).toBe(50);
  });
});
