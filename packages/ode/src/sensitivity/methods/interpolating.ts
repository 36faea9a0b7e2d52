/**
 * `interpolating` (CVODES-style checkpointing): the forward solve keeps at most `checkpoints`
 * states (default 32), or one every `checkpointEvery` steps (CVODES' Nd); the backward sweep visits the segments from last to first, recomputes each
 * one forward from its checkpoint with dense output (stepping across observation times, as the forward
 * pass does), and
 * solves λ backward on it exactly as `quadrature` does. Memory: O(checkpoints·n) plus one segment's
 * dense output; cost: about two forward solves plus the backward solve.
 */
import { AdjointSweeper } from '../internal/adjoint-sweep.ts';
import { BackwardDriver } from '../internal/backward-driver.ts';
import { CheckpointStore } from '../internal/checkpoint-store.ts';
import {
  denseKind,
  denseWidth,
  forwardStops,
  type GradientContext,
  isStiff,
  makeStepper,
  ProblemSystem,
} from '../internal/context.ts';
import { DenseTrajectory } from '../internal/dense-trajectory.ts';
import { defaultAdjointAtol, forwardPass } from '../internal/forward-pass.ts';
import { integrate } from '../internal/integrate.ts';
import { addStats, emptyStats } from '../internal/system.ts';
import type { MethodResult } from './method-result.ts';

export const DEFAULT_INTERPOLATING_CHECKPOINTS = 32;

export function interpolatingGradient(ctx: GradientContext): MethodResult {
  const every = ctx.checkpointEvery;
  const cap = ctx.checkpoints ?? DEFAULT_INTERPOLATING_CHECKPOINTS;
  const store = new CheckpointStore(every === undefined ? () => cap : () => Number.POSITIVE_INFINITY, every);
  let step = 0;
  const fwd = forwardPass(ctx, {
    interpolateObservations: true,
    // the step size taken from a checkpoint restarts its recomputation identically
    onStep: (t, h, y) => store.offer(step++, t, y, h),
  });
  const width = denseWidth(ctx.method);
  const allStops = Array.from(forwardStops(ctx));
  const fixed = ctx.fixedSteps !== undefined;
  const recompute = emptyStats();
  const sweeper = new AdjointSweeper(ctx, defaultAdjointAtol(ctx, fwd.obsY));
  const driver = new BackwardDriver(ctx, fwd.obsY);
  const cps = store.list;
  let maxSegmentSteps = 0;
  const y = new Float64Array(ctx.n);
  for (let c = cps.length - 1; c >= 0; c--) {
    const cp = cps[c];
    const tEnd = c + 1 < cps.length ? cps[c + 1].t : ctx.t1;
    // like the forward pass, the recomputation steps across the observations (λ's sweeps interpolate y)
    const stops = fixed ? allStops.filter((s) => s > cp.t && s < tEnd) : [];
    stops.push(tEnd);
    const traj = new DenseTrajectory(denseKind(ctx.method), ctx.n, width);
    const stepper = makeStepper(ctx.method, new ProblemSystem(ctx));
    y.set(cp.y);
    integrate(
      stepper,
      cp.t,
      y,
      { rtol: ctx.rtol, atol: ctx.atol, stops: Float64Array.from(stops), maxSteps: ctx.maxSteps, h0: cp.h },
      { dense: true, onStep: (t, h, _y, _yn, block) => traj.push(t, h, block!) },
    );
    addStats(recompute, stepper.stats);
    maxSegmentSteps = Math.max(maxSegmentSteps, traj.steps);
    driver.interval(tEnd, cp.t, (hi, lo, lambda) => sweeper.sweep(traj, hi, lo, lambda));
  }
  const dy0 = Float64Array.from(driver.finish());
  const forward = addStats(emptyStats(), fwd.stats);
  addStats(forward, recompute);
  return {
    value: fwd.value,
    dp: sweeper.dp,
    dy0,
    forward,
    backward: sweeper.stepper.stats,
    storedStates: store.peak + maxSegmentSteps * width + ctx.obsT.length,
    maxLuSize: isStiff(ctx.method) ? ctx.n : 0,
    checkpoints: cps.length,
    forwardSteps: fwd.stats.acceptedSteps,
    quadratureError: sweeper.quadratureError,
  };
}
