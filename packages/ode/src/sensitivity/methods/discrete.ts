/**
 * `discrete`: the exact gradient of the solution `solve` computes (discretise-then-optimise, as
 * diffrax's RecursiveCheckpointAdjoint), for the explicit methods (Dopri5, Tsit5, BS3, DOP853) and
 * Rodas5P, Rodas4. The forward pass is `solve`'s own driver and stepper with the same options and records
 * the accepted steps (t_k, h_k) and their stages; observations are read from the step's interpolant.
 * The backward pass reverses the steps one for one through their stages (`explicit-rk-reverser.ts`,
 * `rosenbrock-reverser.ts`), adding the loss gradients at the observations through the interpolant.
 * Recomputed segments replay the recorded steps, so their stages are bit-identical.
 *
 * Memory: every step record is kept with `checkpoints: Infinity`, and by default while they fit in
 * `DISCRETE_RECORD_BUDGET`; beyond it, √(2N) checkpoints and one recomputed segment at a time. With
 * `checkpoints: K`, longer segments are reversed by recursive bisection: O(K·n) memory for
 * O(N·log(N/K)) recomputed steps.
 *
 * Step sizes are constants (not differentiated): the result matches finite differences of the solver
 * replaying the same steps (to round-off for the explicit methods; for Rosenbrock up to the
 * second-derivative differences of `rosenbrock-reverser.ts`).
 */

import { OdeonError } from '../../errors.ts';
import { emptyStats } from '../../internal/context.ts';
import { GrowableF64 } from '../../internal/growable.ts';
import { integrate } from '../../internal/integrate.ts';
import type { Stepper } from '../../internal/stepper.ts';
import { prepareSolve } from '../../solve.ts';
import type { ExplicitRkStepper } from '../../solvers/explicit-rk.ts';
import type { RosenbrockStepper } from '../../solvers/rosenbrock.ts';
import { BS3_TABLEAU } from '../../solvers/tableaus/bs3.ts';
import { DOP853_TABLEAU } from '../../solvers/tableaus/dop853.ts';
import { DOPRI5_TABLEAU } from '../../solvers/tableaus/dopri5.ts';
import { RODAS4_TABLEAU } from '../../solvers/tableaus/rodas4.ts';
import { RODAS5P_TABLEAU } from '../../solvers/tableaus/rodas5p.ts';
import { TSIT5_TABLEAU } from '../../solvers/tableaus/tsit5.ts';
import type { Vec } from '../../types.ts';
import { reverseByBisection } from '../internal/bisection.ts';
import { CheckpointStore } from '../internal/checkpoint-store.ts';
import type { GradientContext } from '../internal/context.ts';
import { ExplicitRkReverser } from '../internal/explicit-rk-reverser.ts';
import { addLossGradient } from '../internal/loss-terms.ts';
import { RosenbrockReverser } from '../internal/rosenbrock-reverser.ts';
import { problemOf, solveForward, solveOptionsOf } from '../internal/solve-forward.ts';
import type { StepReverser } from '../internal/step-reverser.ts';
import { isStiff, zeroStats } from '../internal/system-stepper.ts';
import type { GradientMethod } from '../types.ts';
import type { MethodResult } from './method-result.ts';

/** The methods whose steps `discrete` reverses. */
export const DISCRETE_METHODS: readonly GradientMethod[] = [
  'rodas5p',
  'rodas4',
  'dopri5',
  'tsit5',
  'bs3',
  'dop853',
];

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
  switch (ctx.method) {
    case 'rodas5p':
      return new RosenbrockReverser(ctx, RODAS5P_TABLEAU, typicalMagnitudes(ctx, obsY));
    case 'rodas4':
      return new RosenbrockReverser(ctx, RODAS4_TABLEAU, typicalMagnitudes(ctx, obsY));
    case 'dopri5':
      return new ExplicitRkReverser(ctx, DOPRI5_TABLEAU, 'dopri5');
    case 'tsit5':
      return new ExplicitRkReverser(ctx, TSIT5_TABLEAU, 'tsit5');
    case 'bs3':
      return new ExplicitRkReverser(ctx, BS3_TABLEAU, 'hermite');
    case 'dop853':
      return new ExplicitRkReverser(ctx, DOP853_TABLEAU, 'dop853');
    default:
      throw new OdeonError('InvalidOption', `sensitivity 'discrete' cannot reverse "${ctx.method}" steps.`, {
        option: 'method',
        value: ctx.method,
        hint: `Use one of ${DISCRETE_METHODS.join(', ')} with 'discrete', or another sensitivity kind.`,
      });
  }
}

/** The stages a step of solve's stepper computed (Rosenbrock k_i, explicit K_i), valid in `onStep`. */
function stagesOf(st: Stepper): Float64Array {
  const r = st as Partial<RosenbrockStepper> & Partial<ExplicitRkStepper>;
  return (r.k ?? r.K) as Float64Array;
}

/**
 * Without an explicit `checkpoints`, every step's state and stages are kept while they fit in this many
 * doubles (32 MB): no recomputation. Beyond it, √(2N) checkpoints and one recomputed segment at a time.
 */
export const DISCRETE_RECORD_BUDGET = 4 * 1024 * 1024;

export function discreteGradient(ctx: GradientContext, recordBudget = DISCRETE_RECORD_BUDGET): MethodResult {
  const { n, np, obsT } = ctx;
  const cap = ctx.checkpoints;
  const tStarts = new GrowableF64(256);
  const hs = new GrowableF64(256);
  let sd = 0;
  const states = new GrowableF64(64 * n);
  const stages = new GrowableF64(64 * n);
  const store = new CheckpointStore((steps) => cap ?? Math.ceil(Math.sqrt(2 * steps)));
  // keep every record with `checkpoints: Infinity`, and by default while they fit the budget
  const forced = cap === Number.POSITIVE_INFINITY;
  let recording = forced || cap === undefined;
  // the forward pass is solve's own (same steps, y(t_i) from its interpolant)
  const fwd = solveForward(ctx, false, (st, t, h, y) => {
    if (recording) {
      const k = stagesOf(st);
      sd = k.length;
      states.pushVec(y as Float64Array, n);
      stages.pushVec(k, sd);
      if (!forced && states.length + stages.length > recordBudget) {
        // over budget: checkpoints from the records so far, then from the steps to come
        recording = false;
        for (let j = 0; j < tStarts.length; j++)
          store.offer(j, tStarts.data[j], states.data.subarray(j * n, (j + 1) * n), hs.data[j]);
        states.length = 0;
        stages.length = 0;
      }
    }
    if (!recording) store.offer(tStarts.length, t, y, h);
    tStarts.push(t);
    hs.push(h);
  });
  const keepAll = recording;
  const N = tStarts.length;
  const tAt = (k: number) => (k < N ? tStarts.data[k] : ctx.t1);
  const rev = makeReverser(ctx, fwd.obsY);
  const ybar = new Float64Array(n);
  const dp = new Float64Array(np);
  const work = new Float64Array(n);
  const yi = new Float64Array(n);
  const g = new Float64Array(n);
  let i = obsT.length - 1;
  /** Reverses steps hi−1 … lo whose states and stages sit in `ys`/`ks` from index `base` on. */
  const reverseSteps = (lo: number, hi: number, base: number, ys: Float64Array, ks: Float64Array): void => {
    for (let k = hi - 1; k >= lo; k--) {
      const t = tStarts.data[k];
      const h = hs.data[k];
      const tEnd = tAt(k + 1);
      // observations at the step's end are y_{k+1} itself; inside it, solve read its interpolant
      while (i >= 0 && obsT[i] >= tEnd) addLossGradient(ctx, i--, fwd.obsY, ybar, work, yi);
      while (i >= 0 && obsT[i] > t) {
        g.fill(0);
        const theta = (obsT[i] - t) / h;
        addLossGradient(ctx, i--, fwd.obsY, g, work, yi);
        rev.addDenseCotangent(theta, h, g, ybar);
      }
      const o = k - base;
      rev.reverse(ybar, dp, t, h, ys, o * n, ks, o * sd);
    }
  };
  const backward = emptyStats();
  /** Most step records (state + stages) held at once, and the deepest chain of bisection states. */
  let maxRecords = 0;
  let maxDepth = 0;
  if (keepAll) reverseSteps(0, N, 0, states.data, stages.data);
  else if (N > 0) {
    sd = 0;
    // recomputed segments replay the recorded steps on solve's driver and stepper (bit for bit)
    const replay = prepareSolve(problemOf(ctx), solveOptionsOf(ctx, false));
    const cps = store.list;
    // an explicit `checkpoints: K` also bounds the records of a recomputed segment by K (bisection)
    const budget = cap ?? Number.POSITIVE_INFINITY;
    let segY = new Float64Array(0);
    let segK = new Float64Array(0);
    let keepFrom = -1;
    const onStep = (st: Stepper, _t: number, _h: number, y: Float64Array) => {
      if (keepFrom < 0) return;
      const k = stagesOf(st);
      sd = k.length;
      if (segK.length < (keepFrom + 1) * sd) {
        const grown = new Float64Array(Math.max(2 * segK.length, (keepFrom + 1) * sd));
        grown.set(segK);
        segK = grown;
      }
      segY.set(y, keepFrom * n);
      segK.set(k, keepFrom * sd);
      keepFrom++;
    };
    /** Replays steps a … b−1 from y; with `keep`, stores their states and stages; returns y_b. */
    const replaySteps = (a: number, b: number, y: Vec, keep: boolean): Float64Array => {
      keepFrom = keep ? 0 : -1;
      const sol = integrate(
        replay.ctx,
        replay.stepper,
        {
          ...replay.settings,
          t0: tAt(a),
          t1: tAt(b),
          y0: y as Float64Array,
          saveAt: Float64Array.of(tAt(b)),
          dense: false,
          steps: hs.data.subarray(a, b),
        },
        { onStep },
      );
      keepFrom = -1;
      // per replay, so maxSteps bounds one replay as it bounded the forward solve; the backward
      // steps are the N reversed ones (counted below), a replay adds its work only
      const rs = replay.ctx.stats;
      backward.rhsEvals += rs.rhsEvals;
      backward.jacobianEvals += rs.jacobianEvals;
      backward.luFactorizations += rs.luFactorizations;
      backward.linearSolves += rs.linearSolves;
      zeroStats(replay.ctx.stats);
      return sol.y.subarray(sol.y.length - n);
    };
    for (let c = cps.length - 1; c >= 0; c--) {
      const a = cps[c].step;
      const b = c + 1 < cps.length ? cps[c + 1].step : N;
      const depth = reverseByBisection(
        a,
        b,
        cps[c].y,
        budget,
        (from, to, y) => replaySteps(from, to, y, false),
        (from, to, y) => {
          const len = to - from;
          maxRecords = Math.max(maxRecords, len);
          if (segY.length < len * n) segY = new Float64Array(len * n);
          replaySteps(from, to, y, true);
          reverseSteps(from, to, from, segY, segK);
        },
      );
      maxDepth = Math.max(maxDepth, depth);
    }
  }
  while (i >= 0) addLossGradient(ctx, i--, fwd.obsY, ybar, work, yi);
  backward.steps += N;
  backward.acceptedSteps += N;
  backward.jacobianEvals += rev.jacobians;
  backward.luFactorizations += rev.jacobians;
  backward.linearSolves += rev.linearSolves;
  const perStep = 1 + Math.max(1, sd / n);
  return {
    value: fwd.value,
    dp,
    dy0: ybar,
    forward: fwd.stats,
    backward,
    storedStates: keepAll
      ? N * perStep + obsT.length
      : store.peak + maxDepth + (maxRecords + 1) * perStep + obsT.length,
    maxLuSize: isStiff(ctx.method) ? n : 0,
    checkpoints: keepAll ? N : store.peak,
    forwardSteps: N,
    quadratureError: 0,
  };
}

/** The accepted step sequence of the forward solve (for frozen-step checks of `discrete`). */
export function discreteStepSequence(ctx: GradientContext): Float64Array {
  const hs: number[] = [];
  solveForward(ctx, false, (_st, _t, h) => hs.push(h));
  return Float64Array.from(hs);
}
