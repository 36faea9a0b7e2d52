/** Helpers of the gradient tests: losses, finite differences through the independent `solve`. */
import { numericGradient } from '@odeon/testkit';
import { solve } from '../../solve.ts';
import type { OdeProblem, Vec } from '../../types.ts';
import type { GradientLoss } from '../types.ts';

/** L = Σ_i Σ_j w_j y_j(t_i). */
export function linearLoss(weights: ArrayLike<number>): GradientLoss {
  return {
    value: (_i, _t, y) => {
      let s = 0;
      for (let j = 0; j < weights.length; j++) s += weights[j] * y[j];
      return s;
    },
    grad: (_i, _t, _y, out) => {
      for (let j = 0; j < weights.length; j++) out[j] = weights[j];
    },
  };
}

/** L = Σ_i ½‖y(t_i) − d_i‖² with d_i = (sin(i), cos(i), ...). */
export const squaredLoss: GradientLoss = {
  value: (i, _t, y) => {
    let s = 0;
    for (let j = 0; j < y.length; j++) s += 0.5 * (y[j] - Math.sin(i + j)) ** 2;
    return s;
  },
  grad: (i, _t, y, out) => {
    for (let j = 0; j < y.length; j++) out[j] = y[j] - Math.sin(i + j);
  },
};

/** The loss evaluated on `solve`'s solution (the solver helper's independent integrator). */
export function lossBySolve(
  problem: OdeProblem,
  p: Vec,
  y0: Vec,
  times: ArrayLike<number>,
  loss: GradientLoss,
  opts: { method: 'rodas5p' | 'dop853' | 'dopri5'; rtol: number; atol: number },
): number {
  const sol = solve({ ...problem, p, y0 }, { ...opts, saveAt: times, tstops: times, maxSteps: 1_000_000 });
  const n = y0.length;
  let s = 0;
  for (let i = 0; i < times.length; i++) s += loss.value(i, times[i], sol.y.subarray(i * n, (i + 1) * n));
  return s;
}

/** Central differences of the loss in p and y0, with relative steps `rel` (absolute `abs` for zero entries). */
export function fdGradient(
  problem: OdeProblem,
  times: ArrayLike<number>,
  loss: GradientLoss,
  opts: { method: 'rodas5p' | 'dop853' | 'dopri5'; rtol: number; atol: number },
  rel = 1e-4,
  abs = 1e-6,
): { dp: Float64Array; dy0: Float64Array } {
  const p = Float64Array.from(problem.p ?? []);
  const y0 = Float64Array.from(problem.y0);
  const dp = new Float64Array(p.length);
  for (let j = 0; j < p.length; j++) {
    const h = rel * (Math.abs(p[j]) || 1);
    const pp = Float64Array.from(p);
    pp[j] = p[j] + h;
    const fp = lossBySolve(problem, pp, y0, times, loss, opts);
    pp[j] = p[j] - h;
    const fm = lossBySolve(problem, pp, y0, times, loss, opts);
    dp[j] = (fp - fm) / (2 * h);
  }
  const dy0 = numericGradient((x) => lossBySolve(problem, p, x, times, loss, opts), y0, abs);
  return { dp, dy0 };
}

/** The reference files' scaled metric: max_j |a_j − b_j|·|s_j| / max_j |b_j·s_j| (s = parameter values, or 1). */
export function scaledError(a: ArrayLike<number>, b: ArrayLike<number>, scale?: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let j = 0; j < b.length; j++) {
    const s = scale ? Math.abs(scale[j]) : 1;
    num = Math.max(num, Math.abs(a[j] - b[j]) * s);
    den = Math.max(den, Math.abs(b[j] * s));
  }
  return num / den;
}

/** max_j |a_j − b_j| / |b_j| (entrywise relative). */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 0): number {
  let e = 0;
  for (let j = 0; j < b.length; j++) e = Math.max(e, Math.abs(a[j] - b[j]) / Math.max(Math.abs(b[j]), floor));
  return e;
}
