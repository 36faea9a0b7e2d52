import { describe, expect, it } from 'vitest';
import { emptyStats, type SolverContext } from './internal/context.ts';
import type { MethodName } from './solve-options.ts';
import { createStepper } from './solvers/create-stepper.ts';

// A coupled, nonlinear, non-autonomous test problem with a known solution:
// y1' = −y1 + y2², y2' = −2·y2, y3' = −2t·y3², y4' = 1.01·y4, y(0) = (1, 1, 1, 1):
// y2 = e^{−2t}, y1 = (4/3)e^{−t} − (1/3)e^{−4t}, y3 = 1/(1 + t²), y4 = e^{1.01t}.
function exact(t: number): Float64Array {
  return Float64Array.of(
    (4 / 3) * Math.exp(-t) - Math.exp(-4 * t) / 3,
    Math.exp(-2 * t),
    1 / (1 + t * t),
    Math.exp(1.01 * t),
  );
}

function context(): SolverContext {
  return {
    n: 4,
    rhs(t, y, _p, dy) {
      dy[0] = -y[0] + y[1] * y[1];
      dy[1] = -2 * y[1];
      dy[2] = -2 * t * y[2] * y[2];
      dy[3] = 1.01 * y[3];
    },
    jacobian(t, y, _p, J) {
      J.fill(0);
      J[0] = -1;
      J[1] = 2 * y[1];
      J[5] = -2;
      J[10] = -4 * t * y[2];
      J[15] = 1.01;
    },
    tgrad(_t, y, _p, out) {
      out[0] = 0;
      out[1] = 0;
      out[2] = -2 * y[2] * y[2];
      out[3] = 0;
    },
    p: new Float64Array(0),
    rtol: 1e-6,
    atol: new Float64Array(4).fill(1e-6),
    stats: emptyStats(),
  };
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Global error at T after N fixed steps. */
function globalError(method: MethodName, N: number, T: number): number {
  const ctx = context();
  const s = createStepper(ctx, method);
  let y: Float64Array = exact(0);
  let yNew: Float64Array = new Float64Array(4);
  const h = T / N;
  s.reset(0, y);
  for (let k = 0; k < N; k++) {
    s.step(k * h, h, y, yNew);
    s.accept((k + 1) * h, yNew);
    [y, yNew] = [yNew, y];
  }
  return maxAbsDiff(y, exact(T));
}

/** Largest local error of the dense output (θ = 0.3, 0.5, 0.8) over N single steps started on the exact solution. */
function denseLocalError(method: MethodName, N: number, T: number): number {
  const ctx = context();
  const s = createStepper(ctx, method);
  const h = T / N;
  const yNew = new Float64Array(4);
  const out = new Float64Array(4);
  const data = new Float64Array(s.denseVectors * 4);
  let worst = 0;
  for (let k = 0; k < N; k++) {
    const t = k * h;
    const y = exact(t);
    s.reset(t, y);
    s.step(t, h, y, yNew);
    s.denseData(data, 0, t, h, y, yNew);
    for (const theta of [0.3, 0.5, 0.8]) {
      s.interpolate(out, theta, h, y, yNew, data, 0);
      worst = Math.max(worst, maxAbsDiff(out, exact(t + theta * h)));
    }
  }
  return worst;
}

// method, order, dense order, N: the errors at N and 2N steps are in the asymptotic range and well above
// round-off (Tsit5 and DOPRI5 have tiny principal error coefficients, so they need smaller steps)
const METHODS: readonly [MethodName, number, number, number][] = [
  ['euler', 1, 1, 200],
  ['midpoint', 2, 2, 80],
  ['rk4', 4, 3, 40],
  ['bs3', 3, 3, 40],
  ['tsit5', 5, 4, 80],
  ['dopri5', 5, 4, 40],
  ['dop853', 8, 7, 5],
  ['rosenbrock23', 2, 2, 40],
  ['rodas4', 4, 3, 40],
  ['rodas5p', 5, 4, 40],
];

describe('empirical convergence order (fixed steps, known solution)', () => {
  it.each(METHODS)('%s converges with order %i', (method, order, _dense, N) => {
    const e1 = globalError(method, N, 2);
    const e2 = globalError(method, 2 * N, 2);
    const observed = Math.log2(e1 / e2);
    expect(Math.abs(observed - order)).toBeLessThan(0.3);
  });

  it.each(METHODS.map(([m, , d, N]) => [m, d, N] as const))(
    '%s has dense output of order %i',
    (method, dense, N) => {
      // local error of a p-th order interpolant is O(h^(p+1))
      const e1 = denseLocalError(method, N, 2);
      const e2 = denseLocalError(method, 2 * N, 2);
      const observed = Math.log2(e1 / e2) - 1;
      expect(Math.abs(observed - dense)).toBeLessThan(0.3);
    },
  );
});
