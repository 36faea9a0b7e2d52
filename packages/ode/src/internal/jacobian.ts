import type { SolverContext } from './context.ts';

const SQRT_EPS = Math.sqrt(Number.EPSILON);
const CBRT_EPS = Math.cbrt(Number.EPSILON);

/**
 * Forward-difference Jacobian (row-major n×n) into `out`: one RHS evaluation per column with the scaled
 * increment δ_j = √ε·max(|y_j|, atol_j/rtol, 1e-10)·sign. `f0` = f(t, y); `ytmp`, `ftmp` are scratch.
 */
export function fdJacobian(
  out: Float64Array,
  ctx: SolverContext,
  t: number,
  y: Float64Array,
  f0: Float64Array,
  ytmp: Float64Array,
  ftmp: Float64Array,
): Float64Array {
  const n = ctx.n;
  ytmp.set(y);
  for (let j = 0; j < n; j++) {
    const yj = y[j];
    let scale = Math.abs(yj);
    const floor = ctx.atol[j] / ctx.rtol;
    if (floor > scale) scale = floor;
    if (scale < 1e-10) scale = 1e-10;
    let delta = SQRT_EPS * scale;
    if (yj < 0) delta = -delta;
    ytmp[j] = yj + delta;
    delta = ytmp[j] - yj;
    ctx.rhs(t, ytmp, ctx.p, ftmp);
    ctx.stats.rhsEvals++;
    const inv = 1 / delta;
    for (let i = 0; i < n; i++) out[i * n + j] = (ftmp[i] - f0[i]) * inv;
    ytmp[j] = yj;
  }
  return out;
}

/**
 * Central difference of f along component j: f(t, x ± δe_j) into `fPlus` / `fMinus` (two RHS
 * evaluations) with δ = ∛ε·max(|x_j|, xmax); returns 1/(the increments as applied). `x` is restored.
 */
export function centralDifference(
  ctx: SolverContext,
  t: number,
  x: Float64Array,
  j: number,
  xmax: number,
  fPlus: Float64Array,
  fMinus: Float64Array,
): number {
  const xj = x[j];
  const delta = CBRT_EPS * Math.max(Math.abs(xj), xmax);
  x[j] = xj + delta;
  const up = x[j] - xj;
  ctx.rhs(t, x, ctx.p, fPlus);
  x[j] = xj - delta;
  const down = xj - x[j];
  ctx.rhs(t, x, ctx.p, fMinus);
  ctx.stats.rhsEvals += 2;
  x[j] = xj;
  return 1 / (up + down);
}

/** Forward-difference ∂f/∂t into `out` (one RHS evaluation); `ftmp` is scratch. */
export function fdTimeDerivative(
  out: Float64Array,
  ctx: SolverContext,
  t: number,
  y: Float64Array,
  f0: Float64Array,
  h: number,
): Float64Array {
  const n = ctx.n;
  let dt = SQRT_EPS * Math.max(Math.abs(t), Math.abs(h), 1e-10);
  const t1 = t + dt;
  dt = t1 - t;
  ctx.rhs(t1, y, ctx.p, out);
  ctx.stats.rhsEvals++;
  const inv = 1 / dt;
  for (let i = 0; i < n; i++) out[i] = (out[i] - f0[i]) * inv;
  return out;
}
