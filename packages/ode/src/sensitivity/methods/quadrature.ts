/**
 * `quadrature`: store the forward dense output, solve only λ backward (n×n stage matrices), and
 * integrate dL/dp = ∫ λᵀ∂f/∂p dt by G7K15 on each backward step (see `adjoint-sweep.ts`).
 */
import { AdjointSweeper } from '../internal/adjoint-sweep.ts';
import { BackwardDriver } from '../internal/backward-driver.ts';
import type { GradientContext } from '../internal/context.ts';
import { defaultAdjointAtol } from '../internal/loss-terms.ts';
import { solveForward } from '../internal/solve-forward.ts';
import { isStiff } from '../internal/system-stepper.ts';
import type { MethodResult } from './method-result.ts';

export function quadratureGradient(ctx: GradientContext): MethodResult {
  // the forward pass is solve's (same steps, same stats); its dense output is the trajectory
  const fwd = solveForward(ctx, true);
  const traj = fwd.trajectory;
  const sweeper = new AdjointSweeper(ctx, defaultAdjointAtol(ctx, fwd.obsY));
  const driver = new BackwardDriver(ctx, fwd.obsY);
  driver.interval(ctx.t1, ctx.t0, (hi, lo, lambda) => sweeper.sweep(traj, hi, lo, lambda));
  const dy0 = Float64Array.from(driver.finish());
  return {
    value: fwd.value,
    dp: sweeper.dp,
    dy0,
    forward: fwd.stats,
    backward: sweeper.stats,
    storedStates: fwd.steps * (2 + fwd.denseVectors) + ctx.obsT.length,
    maxLuSize: isStiff(ctx.method) ? ctx.n : 0,
    checkpoints: 0,
    forwardSteps: fwd.steps,
    quadratureError: sweeper.quadratureError,
  };
}
