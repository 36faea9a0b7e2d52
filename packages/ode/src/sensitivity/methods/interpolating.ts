/**
 * `interpolating` (CVODES-style checkpointing): the forward solve keeps at most `checkpoints`
 * states (default 32), or one every `checkpointEvery` steps (CVODES' Nd), and its accepted step
 * sequence; the backward sweep visits the segments from last to first, recomputes each one from its
 * checkpoint by replaying exactly those steps with dense output (a frozen step sequence on `solve`'s
 * driver, so λ sees the forward trajectory itself), and solves λ backward on it exactly as
 * `quadrature` does. Memory: the checkpoints plus one segment's dense output; with an explicit
 * `checkpoints: K`, segments longer than K steps are split by bisection, so at most K steps of dense
 * output are held (O(K·n)). Cost: about two forward solves (plus log₂(N/K²) more with bisection) and
 * the backward solve.
 */

import { emptyStats } from '../../internal/context.ts';
import { GrowableF64 } from '../../internal/growable.ts';
import { integrate } from '../../internal/integrate.ts';
import { addStats } from '../../internal/system.ts';
import { prepareSolve } from '../../solve.ts';
import type { Solution, Vec } from '../../types.ts';
import { AdjointSweeper } from '../internal/adjoint-sweep.ts';
import { BackwardDriver } from '../internal/backward-driver.ts';
import { reverseByBisection } from '../internal/bisection.ts';
import { CheckpointStore } from '../internal/checkpoint-store.ts';
import type { GradientContext } from '../internal/context.ts';
import { defaultAdjointAtol } from '../internal/loss-terms.ts';
import { problemOf, solveForward, solveOptionsOf } from '../internal/solve-forward.ts';
import { isStiff, zeroStats } from '../internal/system-stepper.ts';
import type { MethodResult } from './method-result.ts';

export const DEFAULT_INTERPOLATING_CHECKPOINTS = 32;

export function interpolatingGradient(ctx: GradientContext): MethodResult {
  const every = ctx.checkpointEvery;
  const cap = ctx.checkpoints ?? DEFAULT_INTERPOLATING_CHECKPOINTS;
  const store = new CheckpointStore(every === undefined ? () => cap : () => Number.POSITIVE_INFINITY, every);
  // the accepted step sequence (O(N) scalars): segments are recomputed by replaying it exactly
  const tStarts = new GrowableF64(256);
  const hs = new GrowableF64(256);
  const fwd = solveForward(ctx, false, (_st, t, h, y) => {
    store.offer(tStarts.length, t, y, h);
    tStarts.push(t);
    hs.push(h);
  });
  const N = tStarts.length;
  const recompute = emptyStats();
  const sweeper = new AdjointSweeper(ctx, defaultAdjointAtol(ctx, fwd.obsY));
  const driver = new BackwardDriver(ctx, fwd.obsY);
  const cps = store.list;
  // an explicit `checkpoints: K` also bounds the dense output held at once to K steps
  const budget = ctx.checkpoints ?? Number.POSITIVE_INFINITY;
  const replay = prepareSolve(problemOf(ctx), solveOptionsOf(ctx, false));
  const tAt = (k: number) => (k < N ? tStarts.data[k] : ctx.t1);
  const denseVectors = replay.stepper.denseVectors;
  let maxSegmentSteps = 0;
  let maxDepth = 0;
  /** Replays steps a … b−1 from `y0` on solve's driver (with dense output when asked). */
  const run = (a: number, b: number, y0: Vec, dense: boolean): Solution => {
    const sol = integrate(replay.ctx, replay.stepper, {
      ...replay.settings,
      t0: tAt(a),
      t1: tAt(b),
      y0: y0 as Float64Array,
      saveAt: Float64Array.of(tAt(b)),
      dense,
      steps: hs.data.subarray(a, b),
    });
    addStats(recompute, replay.ctx.stats);
    zeroStats(replay.ctx.stats);
    return sol;
  };
  for (let c = cps.length - 1; c >= 0; c--) {
    const b = c + 1 < cps.length ? cps[c + 1].step : N;
    const depth = reverseByBisection(
      cps[c].step,
      b,
      cps[c].y,
      budget,
      (from, to, ya) => {
        const sol = run(from, to, ya, false);
        return sol.y.subarray(sol.y.length - ctx.n);
      },
      // λ backward on the range's recomputed dense output
      (from, to, ya) => {
        const sol = run(from, to, ya, true);
        const lo = tAt(from);
        const hi = tAt(to);
        const traj = {
          evaluate: (out: Vec, t: number) =>
            sol.interpolate(Math.min(Math.max(t, lo), hi), out as Float64Array),
        };
        maxSegmentSteps = Math.max(maxSegmentSteps, to - from);
        driver.interval(hi, lo, (tHigh, tLow, lambda) => sweeper.sweep(traj, tHigh, tLow, lambda));
      },
    );
    maxDepth = Math.max(maxDepth, depth);
  }
  const dy0 = Float64Array.from(driver.finish());
  const forward = addStats(emptyStats(), fwd.stats);
  addStats(forward, recompute);
  return {
    value: fwd.value,
    dp: sweeper.dp,
    dy0,
    forward,
    backward: sweeper.stats,
    storedStates: store.peak + maxDepth + maxSegmentSteps * (2 + denseVectors) + ctx.obsT.length,
    maxLuSize: isStiff(ctx.method) ? ctx.n : 0,
    checkpoints: cps.length,
    forwardSteps: fwd.stats.acceptedSteps,
    quadratureError: sweeper.quadratureError,
  };
}
