/**
 * The forward solve of every gradient method: `solve`'s own driver and stepper
 * (`prepareSolve` + `integrate`) with the gradient's options and `saveAt` = the observation times, so
 * the steps, y(t_i) and `stats.forward` are exactly `solve`'s. The dense output (when asked) is the
 * solution's own `interpolate`, which the adjoint sweep reads y(t) from.
 */
import { integrate } from '../../internal/integrate.ts';
import type { Stepper } from '../../internal/stepper.ts';
import { prepareSolve } from '../../solve.ts';
import type { MethodName, SolveOptions } from '../../solve-options.ts';
import type { OdeProblem, Solution, SolveStats, Vec } from '../../types.ts';
import { GK15 } from '../gauss-kronrod.ts';
import type { GradientContext } from './context.ts';

/** y(t) on the forward solution (what the adjoint sweep reads). */
export interface Trajectory {
  evaluate(out: Vec, t: number): Vec;
}

export interface SolveForwardResult {
  readonly obsY: Float64Array;
  readonly value: number;
  readonly stats: SolveStats;
  readonly yEnd: Vec;
  readonly solution: Solution;
  /** Accepted steps. */
  readonly steps: number;
  /** n-vectors of dense data per step (memory reports). */
  readonly denseVectors: number;
  /** The dense solution as a trajectory (when `dense`). */
  readonly trajectory: Trajectory;
}

/** The gradient's problem without its events (segments handle them), at the context's y0, p and span. */
export function problemOf(ctx: GradientContext): OdeProblem {
  const { events: _events, ...problem } = ctx.problem;
  return { ...problem, y0: ctx.y0, p: ctx.p, t0: ctx.t0, t1: ctx.t1 };
}

/** solve's options for the gradient's: `saveAt` = the observation times. */
export function solveOptionsOf(ctx: GradientContext, dense: boolean): SolveOptions {
  return {
    method: ctx.method as MethodName,
    rtol: ctx.rtol,
    atol: ctx.atol,
    saveAt: ctx.obsT,
    dense,
    maxSteps: ctx.maxSteps,
    ...(Number.isNaN(ctx.dt0) ? {} : { dt0: ctx.dt0 }),
    ...(Number.isFinite(ctx.dtMax) ? { dtMax: ctx.dtMax } : {}),
  };
}

export function solveForward(
  ctx: GradientContext,
  dense: boolean,
  onStep?: (stepper: Stepper, t: number, h: number, y: Vec) => void,
): SolveForwardResult {
  const { n, obsT, loss, integral } = ctx;
  const keepDense = dense || integral !== undefined;
  const prepared = prepareSolve(problemOf(ctx), solveOptionsOf(ctx, keepDense));
  const starts: number[] = [];
  const sizes: number[] = [];
  const settings =
    ctx.fixedSteps === undefined ? prepared.settings : { ...prepared.settings, steps: ctx.fixedSteps };
  const sol = integrate(prepared.ctx, prepared.stepper, settings, {
    onStep: (stepper, t, h, y) => {
      if (integral !== undefined) {
        starts.push(t);
        sizes.push(h);
      }
      onStep?.(stepper, t, h, y);
    },
  });
  const obsY = sol.y;
  let value = 0;
  const yq = new Float64Array(n);
  if (integral !== undefined) {
    for (let k = 0; k < starts.length; k++) {
      const t = starts[k];
      const h = sizes[k];
      let acc = 0;
      for (let q = 0; q < 15; q++) {
        const tq = t + 0.5 * (GK15.x[q] + 1) * h;
        sol.interpolate(tq, yq);
        acc += GK15.wk[q] * integral.value(tq, yq);
      }
      value += 0.5 * h * acc;
    }
  }
  const yi = new Float64Array(n);
  for (let k = 0; k < obsT.length; k++) {
    yi.set(obsY.subarray(k * n, (k + 1) * n));
    value += loss.value(k, obsT[k], yi);
  }
  // y(t1): the last observation when it is at t1, else the dense output
  const yEnd = new Float64Array(n);
  if (obsT.length > 0 && obsT[obsT.length - 1] === ctx.t1) yEnd.set(obsY.subarray((obsT.length - 1) * n));
  else if (keepDense) sol.interpolate(ctx.t1, yEnd);
  return {
    obsY,
    value,
    stats: sol.stats,
    yEnd,
    solution: sol,
    steps: sol.stats.acceptedSteps,
    denseVectors: prepared.stepper.denseVectors,
    trajectory: { evaluate: (out, t) => sol.interpolate(Math.min(Math.max(t, ctx.t0), ctx.t1), out) },
  };
}
