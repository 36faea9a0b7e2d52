/**
 * `discrete`: the exact gradient of the solution the integrator actually computed
 * (discretise-then-optimise, as diffrax's RecursiveCheckpointAdjoint), for the explicit Dopri5 and the
 * stiff Rosenbrock methods (Rodas5P, Rodas4). The forward solve records its accepted step sequence
 * (t_k, h_k); with Rosenbrock it steps across observations and reads y(t_i) from the step's
 * interpolant (as `solve` does with `saveAt`: no extra steps), with Dopri5 it lands on each. The
 * backward pass walks the steps in reverse, adding the loss gradients at the observations (through
 * the interpolant, which is linear in y_n, y_{n+1} and the stages) and reversing each step through its
 * stages (`dopri5-reverser.ts`, `rosenbrock-reverser.ts`). The backward work therefore follows the forward steps one for one: no
 * error control, no extra steps after each observation's jump, which is what makes it the cheapest
 * gradient on stiff problems with many observations.
 *
 * Memory: with `checkpoints: Infinity` every step's state and stages are kept (no recomputation).
 * By default about √(2N) states are kept as checkpoints, and each segment between checkpoints is
 * recomputed once, keeping its stages, before it is reversed (O(√N) states, one extra forward pass).
 * With `checkpoints: K`, at most K checkpoints are kept and a segment longer than K steps is reversed
 * by recursive bisection, so at most K step records are ever held: O(K·n) memory for
 * O(N·log(N/K)) recomputed steps.
 *
 * Step sizes are constants (not differentiated), so the result matches finite differences of the
 * solver replaying the same step sequence (to round-off for Dopri5; for Rosenbrock up to the
 * second-derivative differences described in `rosenbrock-reverser.ts`).
 */

import { emptyStats } from '../../internal/context.ts';
import { GrowableF64 } from '../../internal/growable.ts';
import type { RosenbrockStepper } from '../../solvers/rosenbrock.ts';
import { RODAS4_TABLEAU } from '../../solvers/tableaus/rodas4.ts';
import { RODAS5P_TABLEAU } from '../../solvers/tableaus/rodas5p.ts';
import type { Vec } from '../../types.ts';
import { reverseByBisection } from '../internal/bisection.ts';
import { CheckpointStore } from '../internal/checkpoint-store.ts';
import { type GradientContext, isStiff, makeStepper, ProblemSystem } from '../internal/context.ts';
import { Dopri5Reverser } from '../internal/dopri5-reverser.ts';
import { addLossGradient, forwardPass } from '../internal/forward-pass.ts';
import { RosenbrockReverser } from '../internal/rosenbrock-reverser.ts';
import { solveForward, solveStepper } from '../internal/solve-forward.ts';
import type { StepReverser } from '../internal/step-reverser.ts';
import { addStats } from '../internal/system.ts';
import type { MethodResult } from './method-result.ts';

/**
 * Typical magnitude of each state component over the solution (max over y0 and the observations),
 * the scale of the Rosenbrock reverser's second differences; atol/rtol for a component that stays 0.
 */
function typicalMagnitudes(ctx: GradientContext, obsY: Float64Array): Float64Array {
  const { n, y0 } = ctx;
  const typ = new Float64Array(n);
  for (let q = 0; q < n; q++) typ[q] = Math.abs(y0[q]);
  for (let i = 0; i < obsY.length; i++) typ[i % n] = Math.max(typ[i % n], Math.abs(obsY[i]));
  for (let q = 0; q < n; q++) if (!(typ[q] > 0)) typ[q] = ctx.atol[q] / ctx.rtol;
  return typ;
}

function makeReverser(ctx: GradientContext, obsY: Float64Array): StepReverser {
  if (!isStiff(ctx.integrator)) return new Dopri5Reverser(ctx);
  const tab = ctx.integrator === 'rodas4' ? RODAS4_TABLEAU : RODAS5P_TABLEAU;
  return new RosenbrockReverser(ctx, tab, typicalMagnitudes(ctx, obsY));
}

export function discreteGradient(ctx: GradientContext): MethodResult {
  const { n, np, obsT } = ctx;
  const stepper = makeStepper(ctx.integrator, new ProblemSystem(ctx));
  const sd = stepper.stageCount * n;
  const keepAll = ctx.checkpoints === Number.POSITIVE_INFINITY;
  const tStarts = new GrowableF64(256);
  const hs = new GrowableF64(256);
  const states = new GrowableF64(keepAll ? 64 * n : 8);
  const stages = new GrowableF64(keepAll ? 64 * sd : 8);
  const stageBuf = new Float64Array(sd);
  const cap = ctx.checkpoints;
  const store = new CheckpointStore((steps) => cap ?? Math.ceil(Math.sqrt(2 * steps)));
  // Rosenbrock interpolants are linear in the stages: step across observations, as `solve` does
  const interpolate = interpolatesObservations(ctx);
  const record = (t: number, h: number, y: Vec, k: Vec) => {
    if (keepAll) {
      states.pushVec(y as Float64Array, n);
      stages.pushVec(k as Float64Array, sd);
    } else store.offer(tStarts.length, t, y, h);
    tStarts.push(t);
    hs.push(h);
  };
  // Rosenbrock: the forward pass is solve's own (same steps, y(t_i) from its interpolant, which is
  // linear in the stages the reverser differentiates); a frozen step sequence replays on the gradient
  // code's stepper
  const fwd = viaSolve(ctx)
    ? solveForward(ctx, false, (st, t, h, y) => record(t, h, y, (st as RosenbrockStepper).k))
    : forwardPass(ctx, {
        stepper,
        interpolateObservations: interpolate,
        onStep: (t, h, y) => record(t, h, y, stepper.copyStages(stageBuf)),
      });
  const N = tStarts.length;
  const rev = makeReverser(ctx, fwd.obsY);
  const ybar = new Float64Array(n);
  const dp = new Float64Array(np);
  const work = new Float64Array(n);
  const yi = new Float64Array(n);
  const g = new Float64Array(n);
  const gStart = new Float64Array(n);
  let i = obsT.length - 1;
  /** Reverses steps hi−1 … lo whose states and stages sit in `ys`/`ks` from index `base` on. */
  const reverseSteps = (lo: number, hi: number, base: number, ys: Float64Array, ks: Float64Array): void => {
    for (let k = hi - 1; k >= lo; k--) {
      const t = tStarts.data[k];
      const h = hs.data[k];
      const tEnd = k + 1 < N ? tStarts.data[k + 1] : ctx.t1;
      while (i >= 0 && obsT[i] >= tEnd) addLossGradient(ctx, i--, fwd.obsY, ybar, work, yi);
      let direct = false;
      if (interpolate) {
        // observations read from this step's interpolant (as forwardPass computed θ)
        gStart.fill(0);
        while (i >= 0 && obsT[i] >= t) {
          const theta = Math.max(0, (obsT[i] - t) / h);
          g.fill(0);
          addLossGradient(ctx, i--, fwd.obsY, g, work, yi);
          for (let q = 0; q < n; q++) {
            ybar[q] += theta * g[q];
            gStart[q] += (1 - theta) * g[q];
          }
          rev.addDenseCotangent!(theta, g);
          direct = true;
        }
      }
      const o = k - base;
      rev.reverse(ybar, dp, t, h, ys, o * n, ks, o * sd);
      if (direct) for (let q = 0; q < n; q++) ybar[q] += gStart[q];
    }
  };
  const backward = emptyStats();
  /** Most step records (state + stages) held at once, and the deepest chain of bisection states. */
  let maxRecords = 0;
  let maxDepth = 0;
  if (keepAll) reverseSteps(0, N, 0, states.data, stages.data);
  else {
    const replay = makeStepper(ctx.integrator, new ProblemSystem(ctx));
    const err = new Float64Array(n);
    const yCur = new Float64Array(n);
    const yNext = new Float64Array(n);
    const cps = store.list;
    // an explicit `checkpoints: K` also bounds the records of a recomputed segment by K (bisection)
    const budget = cap ?? Number.POSITIVE_INFINITY;
    let segY = new Float64Array(0);
    let segK = new Float64Array(0);
    /** Replays steps a … b−1 from y (written into `yCur`); with `keep`, stores their states and stages. */
    // solve's forward steps replay on solve's stepper (deterministic: the stored stages come back bit
    // for bit); a frozen sequence on the gradient code's
    const mainReplay = viaSolve(ctx) ? solveStepper(ctx) : undefined;
    const replaySteps = (a: number, b: number, y: Vec, keep: boolean): void => {
      replay.reset();
      yCur.set(y);
      if (keep) segY.set(y, 0);
      for (let k = a; k < b; k++) {
        const t = tStarts.data[k];
        let stagesK: Vec;
        if (mainReplay !== undefined) {
          mainReplay.reset(t, yCur);
          mainReplay.step(t, hs.data[k], yCur, yNext);
          stagesK = mainReplay.k;
        } else {
          replay.step(t, yCur, hs.data[k], yNext, err);
          stagesK = replay.copyStages(stageBuf);
        }
        if (keep) {
          segK.set(stagesK, (k - a) * sd);
          segY.set(yNext, (k - a + 1) * n);
        }
        replay.accept();
        yCur.set(yNext);
      }
    };
    for (let c = cps.length - 1; c >= 0; c--) {
      const a = cps[c].step;
      const b = c + 1 < cps.length ? cps[c + 1].step : N;
      const depth = reverseByBisection(
        a,
        b,
        cps[c].y,
        budget,
        (from, to, y) => {
          replaySteps(from, to, y, false);
          return yCur;
        },
        (from, to, y) => {
          const len = to - from;
          maxRecords = Math.max(maxRecords, len);
          if (segY.length < (len + 1) * n) {
            segY = new Float64Array((len + 1) * n);
            segK = new Float64Array(len * sd);
          }
          replaySteps(from, to, y, true);
          reverseSteps(from, to, from, segY, segK);
        },
      );
      maxDepth = Math.max(maxDepth, depth);
    }
    addStats(backward, replay.stats);
    if (mainReplay !== undefined) addStats(backward, mainReplay.stats);
  }
  while (i >= 0) addLossGradient(ctx, i--, fwd.obsY, ybar, work, yi);
  backward.steps += N;
  backward.acceptedSteps += N;
  backward.jacobianEvals += rev.jacobians;
  backward.luFactorizations += rev.jacobians;
  backward.linearSolves += rev.linearSolves;
  const perStep = 1 + stepper.stageCount;
  return {
    value: fwd.value,
    dp,
    dy0: ybar,
    forward: fwd.stats,
    backward,
    storedStates: keepAll
      ? N * perStep + obsT.length
      : store.peak + maxDepth + (maxRecords + 1) * perStep + obsT.length,
    maxLuSize: isStiff(ctx.integrator) ? n : 0,
    checkpoints: keepAll ? N : store.peak,
    forwardSteps: N,
    quadratureError: 0,
  };
}

/** True when `discrete` steps across observations and differentiates the interpolant (Rosenbrock). */
function interpolatesObservations(ctx: GradientContext): boolean {
  return isStiff(ctx.integrator);
}

/** True when `discrete`'s forward pass is `solve`'s (Rosenbrock methods, no frozen step sequence). */
function viaSolve(ctx: GradientContext): boolean {
  return isStiff(ctx.integrator) && ctx.fixedSteps === undefined;
}

/** The accepted step sequence of the forward solve (for replay-based checks of `discrete`). */
export function discreteStepSequence(ctx: GradientContext): Float64Array {
  const hs: number[] = [];
  if (viaSolve(ctx)) solveForward(ctx, false, (_st, _t, h) => hs.push(h));
  else
    forwardPass(ctx, {
      interpolateObservations: interpolatesObservations(ctx),
      onStep: (_t, h) => hs.push(h),
    });
  return Float64Array.from(hs);
}
