import { allclose } from '@odeon/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lbfgs, minimizeLbfgs } from './lbfgs.ts';
import { wolfeLineSearch } from './line-search.ts';

function rosenbrock(x: Float64Array) {
  const n = x.length;
  let value = 0;
  const grad = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    value += 100 * a * a + b * b;
    grad[i] += -400 * x[i] * a - 2 * b;
    grad[i + 1] += 200 * a;
  }
  return { value, grad };
}

describe('L-BFGS', () => {
  it('minimises Rosenbrock from (−1.2, 1) to 1e-8', () => {
    const r = minimizeLbfgs(rosenbrock, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-8);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(1e-8);
    expect(r.iterations).toBeLessThan(100);
  });

  it('minimises the 20-dimensional extended Rosenbrock function to 1e-8', () => {
    const x0 = Float64Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const r = minimizeLbfgs(rosenbrock, x0);
    for (const v of r.x) expect(Math.abs(v - 1)).toBeLessThan(1e-8);
  });

  it('solves an ill-conditioned quadratic (κ = 1e4, n = 20) to the exact minimiser', () => {
    // Iteration counts on such problems are comparable to SciPy's L-BFGS-B (hundreds for κ = 1e4).
    const n = 20;
    const lambda = Float64Array.from({ length: n }, (_, i) => 1e4 ** (i / (n - 1)));
    const c = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    // f = ½ Σ λᵢ (xᵢ − cᵢ)², minimiser c.
    const f = (x: Float64Array) => {
      let value = 0;
      const grad = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const d = x[i] - c[i];
        value += 0.5 * lambda[i] * d * d;
        grad[i] = lambda[i] * d;
      }
      return { value, grad };
    };
    // Only the gradient test: the predicted-decrease test would stop first.
    const r = minimizeLbfgs(f, new Float64Array(n), {
      maxIterations: 5000,
      fTol: 0,
      decreaseTol: 0,
      gradTol: 1e-12,
    });
    expect(r.reason).toBe('gradientTolerance');
    expect(allclose(r.x, c, { rtol: 0, atol: 1e-8 }).pass).toBe(true);
  });

  it('stops at the same point whatever the scale of f (the tolerances are relative)', () => {
    const scaled = (c: number) => (x: Float64Array) => {
      const r = rosenbrock(x);
      return { value: c * r.value, grad: r.grad.map((g) => c * g) };
    };
    for (const c of [1e-12, 1e-6, 1, 1e6]) {
      const r = minimizeLbfgs(scaled(c), [-1.2, 1]);
      expect(r.converged).toBe(true);
      for (const v of r.x) expect(Math.abs(v - 1)).toBeLessThan(1e-8);
    }
  });

  it('an exact fit whose loss has an evaluation-noise floor stops as converged (noiseFloor), at the minimiser', () => {
    // f = (e^{x} − e^{0.3})² · 1e-8 computed to a resolution of 1e-13 f₀ (as an ODE solver's error
    // limits a loss): no step lowers f once it is within that resolution of 0.
    const f0 = (Math.exp(0) - Math.exp(0.3)) ** 2 * 1e-8;
    const q = 1e-13 * f0;
    const f = (x: Float64Array) => {
      const e = Math.exp(x[0]) - Math.exp(0.3);
      return { value: Math.round((e * e * 1e-8) / q) * q, grad: Float64Array.of(2e-8 * e * Math.exp(x[0])) };
    };
    // Only the noise-floor test may stop it here.
    const r = minimizeLbfgs(f, [0], { gradTol: 0, decreaseTol: 0, fTol: -1 });
    expect(r.reason).toBe('noiseFloor');
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 0.3)).toBeLessThan(1e-5);
    const strict = minimizeLbfgs(f, [0], { gradTol: 0, decreaseTol: 0, fTol: -1, noiseTol: 0 });
    expect(strict.reason).not.toBe('noiseFloor');
    expect(strict.converged).toBe(strict.reason !== 'lineSearchFailed' && strict.reason !== 'maxIterations');
  });

  it('state round-trips through JSON and resumes bit-for-bit', () => {
    const full = new Lbfgs(rosenbrock, [-1.2, 1]);
    for (let k = 0; k < 25; k++) full.step();
    const part = new Lbfgs(rosenbrock, [-1.2, 1]);
    for (let k = 0; k < 10; k++) part.step();
    const resumed = new Lbfgs(rosenbrock, [0, 0], {}, JSON.parse(JSON.stringify(part.state())));
    for (let k = 10; k < 25; k++) resumed.step();
    const a = full.current();
    const b = resumed.current();
    expect(Object.is(a.value, b.value)).toBe(true);
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
  });

  it('survives an objective that is not finite beyond a wall (line search backs off)', () => {
    // f = (x − 2)² for x < 3, NaN beyond: the first trial steps overshoot into the NaN region.
    const f = (x: Float64Array) =>
      x[0] < 3
        ? { value: (x[0] - 2) ** 2, grad: Float64Array.of(2 * (x[0] - 2)) }
        : { value: Number.NaN, grad: Float64Array.of(Number.NaN) };
    const r = minimizeLbfgs(f, [-100]);
    expect(r.x[0]).toBeCloseTo(2, 8);
  });

  it('rejects a non-finite start with TrainingDiverged', () => {
    expect(() => minimizeLbfgs(() => ({ value: Number.NaN, grad: new Float64Array(1) }), [0])).toThrowError(
      expect.objectContaining({ code: 'TrainingDiverged' }),
    );
  });
});

describe('strong Wolfe line search', () => {
  it('returns a point satisfying both Wolfe conditions on smooth functions (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 2 }),
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        (x0arr, alpha1) => {
          const x0 = Float64Array.from(x0arr);
          const r0 = rosenbrock(x0);
          const d = Float64Array.from(r0.grad, (g) => -g);
          const slope0 = r0.grad[0] * d[0] + r0.grad[1] * d[1];
          if (!(slope0 < -1e-8)) return;
          const c1 = 1e-4;
          const c2 = 0.9;
          const ls = wolfeLineSearch(rosenbrock, x0, r0.value, r0.grad, d, alpha1, {
            c1,
            c2,
            maxEvaluations: 60,
            alphaMax: 1e6,
          });
          expect(ls.ok).toBe(true);
          expect(ls.value).toBeLessThanOrEqual(r0.value + c1 * ls.alpha * slope0);
          const slope = ls.grad[0] * d[0] + ls.grad[1] * d[1];
          expect(Math.abs(slope)).toBeLessThanOrEqual(-c2 * slope0 * (1 + 1e-12));
        },
      ),
      { numRuns: 200 },
    );
  });
});
