/**
 * `interpolating` (CVODES-style checkpointing): the forward solve keeps at most `checkpoints`
 * states (default 32), or one every `checkpointEvery` steps (CVODES' Nd), and its accepted step
 * sequence; the backward sweep visits the segments from last to first, recomputes each one from its
 * checkpoint by replaying exactly those steps with dense output (so λ sees the forward trajectory
 * itself), and solves λ backward on it exactly as `quadrature` does. Memory: the checkpoints plus one
 * segment's dense output; with an explicit `checkpoints: K`, segments longer than K steps are split by
 * bisection, so at most K steps of dense output are held (O(K·n)). Cost: about two forward solves
 * (plus log₂(N/K²) more with bisection) and the backward solve.
 */

import { emptyStats } from '../../internal/context.ts';
import { GrowableF64 } from '../../internal/growable.ts';
import type { Vec } from '../../types.ts';
import { AdjointSweeper } from '../internal/adjoint-sweep.ts';
import { BackwardDriver } from '../internal/backward-driver.ts';
import { reverseByBisection } from '../internal/bisection.ts';
import { CheckpointStore } from '../internal/checkpoint-store.ts';
import {
  denseKind,
  denseWidth,
  type GradientContext,
  isStiff,
  makeStepper,
  ProblemSystem,
} from '../internal/context.ts';
import { DenseTrajectory } from '../internal/dense-trajectory.ts';
import { defaultAdjointAtol, forwardPass } from '../internal/forward-pass.ts';
import { integrate } from '../internal/integrate.ts';
import { addStats } from '../internal/system.ts';
import type { MethodResult } from './method-result.ts';

export const DEFAULT_INTERPOLATING_CHECKPOINTS = 32;

export function interpolatingGradient(ctx: GradientContext): MethodResult {
  const every = ctx.checkpointEvery;
  const cap = ctx.checkpoints ?? DEFAULT_INTERPOLATING_CHECKPOINTS;
  const store = new CheckpointStore(every === undefined ? () => cap : () => Number.POSITIVE_INFINITY, every);
  // the accepted step sequence (O(N) scalars): segments are recomputed by replaying it exactly
  const tStarts = new GrowableF64(256);
  const hs = new GrowableF64(256);
  const fwd = forwardPass(ctx, {
    interpolateObservations: true,
    onStep: (t, h, y) => {
      store.offer(tStarts.length, t, y, h);
      tStarts.push(t);
      hs.push(h);
    },
  });
  const N = tStarts.length;
  const width = denseWidth(ctx.integrator);
  const recompute = emptyStats();
  const sweeper = new AdjointSweeper(ctx, defaultAdjointAtol(ctx, fwd.obsY));
  const driver = new BackwardDriver(ctx, fwd.obsY);
  const cps = store.list;
  // an explicit `checkpoints: K` also bounds the dense output held at once to K steps
  const budget = ctx.checkpoints ?? Number.POSITIVE_INFINITY;
  const stepper = makeStepper(ctx.integrator, new ProblemSystem(ctx));
  const y = new Float64Array(ctx.n);
  const tAt = (k: number) => (k < N ? tStarts.data[k] : ctx.t1);
  let maxSegmentSteps = 0;
  let maxDepth = 0;
  /** Replays steps a … b−1 from `y0` into `y` (with their dense output into `traj` when given). */
  const replay = (a: number, b: number, y0: Vec, traj: DenseTrajectory | undefined): void => {
    y.set(y0);
    integrate(
      stepper,
      tAt(a),
      y,
      {
        rtol: ctx.rtol,
        atol: ctx.atol,
        stops: Float64Array.of(tAt(b)),
        maxSteps: ctx.maxSteps,
        fixedSteps: hs.data.subarray(a, b),
      },
      traj ? { dense: true, onStep: (t, h, _y, _yn, block) => traj.push(t, h, block!) } : {},
    );
  };
  for (let c = cps.length - 1; c >= 0; c--) {
    const b = c + 1 < cps.length ? cps[c + 1].step : N;
    const depth = reverseByBisection(
      cps[c].step,
      b,
      cps[c].y,
      budget,
      (from, to, ya) => {
        replay(from, to, ya, undefined);
        return y;
      },
      // λ backward on the range's recomputed dense output
      (from, to, ya) => {
        const traj = new DenseTrajectory(denseKind(ctx.integrator), ctx.n, width);
        replay(from, to, ya, traj);
        maxSegmentSteps = Math.max(maxSegmentSteps, traj.steps);
        driver.interval(tAt(to), tAt(from), (hi, lo, lambda) => sweeper.sweep(traj, hi, lo, lambda));
      },
    );
    maxDepth = Math.max(maxDepth, depth);
  }
  addStats(recompute, stepper.stats);
  const dy0 = Float64Array.from(driver.finish());
  const forward = addStats(emptyStats(), fwd.stats);
  addStats(forward, recompute);
  return {
    value: fwd.value,
    dp: sweeper.dp,
    dy0,
    forward,
    backward: sweeper.stepper.stats,
    storedStates: store.peak + maxDepth + maxSegmentSteps * width + ctx.obsT.length,
    maxLuSize: isStiff(ctx.integrator) ? ctx.n : 0,
    checkpoints: cps.length,
    forwardSteps: fwd.stats.acceptedSteps,
    quadratureError: sweeper.quadratureError,
  };
}
