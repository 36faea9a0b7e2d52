/**
 * `quadrature`: store the forward dense output, solve only λ backward (n×n stage matrices), and
 * integrate dL/dp = ∫ λᵀ∂f/∂p dt by G7K15 on each backward step (see `adjoint-sweep.ts`).
 */
import { AdjointSweeper } from '../internal/adjoint-sweep.ts';
import { BackwardDriver } from '../internal/backward-driver.ts';
import { denseKind, denseWidth, type GradientContext, isStiff } from '../internal/context.ts';
import { DenseTrajectory } from '../internal/dense-trajectory.ts';
import { defaultAdjointAtol, forwardPass } from '../internal/forward-pass.ts';
import type { MethodResult } from './method-result.ts';

export function quadratureGradient(ctx: GradientContext): MethodResult {
  const width = denseWidth(ctx.method);
  const traj = new DenseTrajectory(denseKind(ctx.method), ctx.n, width);
  const fwd = forwardPass(ctx, {
    dense: true,
    interpolateObservations: true,
    onStep: (t, h, _y, _yn, block) => traj.push(t, h, block!),
  });
  const sweeper = new AdjointSweeper(ctx, defaultAdjointAtol(ctx, fwd.obsY));
  const driver = new BackwardDriver(ctx, fwd.obsY);
  driver.interval(ctx.t1, ctx.t0, (hi, lo, lambda) => sweeper.sweep(traj, hi, lo, lambda));
  const dy0 = Float64Array.from(driver.finish());
  return {
    value: fwd.value,
    dp: sweeper.dp,
    dy0,
    forward: fwd.stats,
    backward: sweeper.stepper.stats,
    storedStates: traj.steps * width + ctx.obsT.length,
    maxLuSize: isStiff(ctx.method) ? ctx.n : 0,
    checkpoints: 0,
    forwardSteps: fwd.stats.acceptedSteps,
    quadratureError: sweeper.quadratureError,
  };
}
