/** The loss's terms every gradient method shares: the adjoint's jumps and the adjoint's default atol. */
import { OdeonError } from '../../errors.ts';
import type { Vec } from '../../types.ts';
import type { GradientContext } from './context.ts';

/** λ += ∂g_i/∂y(t_i) for observation i (the adjoint's jump). */
export function addLossGradient(
  ctx: GradientContext,
  i: number,
  obsY: Float64Array,
  lambda: Vec,
  work: Vec,
  yi: Vec,
): void {
  const n = ctx.n;
  yi.set(obsY.subarray(i * n, (i + 1) * n));
  work.fill(0);
  ctx.loss.grad(i, ctx.obsT[i], yi, work);
  checkLossGradient(work, i);
  for (let j = 0; j < n; j++) lambda[j] += work[j];
}

/** Throws `GradientFailed` when loss.grad wrote a non-finite value. */
export function checkLossGradient(g: Vec, i: number): void {
  for (let j = 0; j < g.length; j++) {
    if (!Number.isFinite(g[j])) {
      throw new OdeonError(
        'GradientFailed',
        `loss.grad returned a non-finite value (${g[j]}) at observation ${i}, component ${j}.`,
        {
          component: j,
          hint: 'Check the loss gradient at this observation.',
        },
      );
    }
  }
}

/**
 * Default absolute tolerance of the adjoint: rtol·max_i ‖∂g_i/∂y‖∞ (CVODES users' common atolB = rtol
 * for O(1) loss gradients). When λ decays by orders of magnitude (one late observation of a stiff
 * system), pass a smaller `adjointAtol`.
 */
export function defaultAdjointAtol(ctx: GradientContext, obsY: Float64Array): number {
  if (ctx.adjointAtol !== undefined) return ctx.adjointAtol;
  const n = ctx.n;
  const g = new Float64Array(n);
  const yi = new Float64Array(n);
  let scale = 0;
  for (let i = 0; i < ctx.obsT.length; i++) {
    yi.set(obsY.subarray(i * n, (i + 1) * n));
    g.fill(0);
    ctx.loss.grad(i, ctx.obsT[i], yi, g);
    checkLossGradient(g, i);
    for (let j = 0; j < n; j++) scale = Math.max(scale, Math.abs(g[j]));
  }
  if (ctx.integral) scale = Math.max(scale, 1);
  return ctx.adjointRtol * (scale > 0 ? scale : 1);
}
