import type { SolverContext } from './context.ts';

const SQRT_EPS = Math.sqrt(Number.EPSILON);

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
