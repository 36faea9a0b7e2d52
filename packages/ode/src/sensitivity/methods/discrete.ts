/**
 * `discrete`: the exact gradient of the explicit Runge–Kutta solution actually computed
 * (discretise-then-optimise, as diffrax's RecursiveCheckpointAdjoint). The forward solve records
 * the accepted step sequence (t_k, h_k: O(N) scalars) and keeps about √(2N) states as checkpoints
 * (or at most `checkpoints`); the backward pass replays each segment from its checkpoint, then
 * reverses every step: for stages Y_s = y + hΣ_{j<s} a_sj k_j, k_s = f(t + c_s h, Y_s),
 *
 *     k̄_s = h b_s ȳ + h Σ_{j>s} a_js Ȳ_j,   (Ȳ_s, p̄_s) = k̄_sᵀ ∂f/∂(y, p) at Y_s,   ȳ ← ȳ + Σ_s Ȳ_s.
 *
 * Step sizes are treated as constants (they are not differentiated), so the result matches finite
 * differences of the solver replaying the same step sequence to round-off.
 */

import { DOPRI5_TABLEAU } from '../../solvers/tableaus/dopri5.ts';
import type { Vec } from '../../types.ts';
import { CheckpointStore } from '../internal/checkpoint-store.ts';
import type { GradientContext } from '../internal/context.ts';
import { addLossGradient, forwardPass } from '../internal/forward-pass.ts';
import { emptyStats } from '../internal/system.ts';
import type { MethodResult } from './method-result.ts';

/** Stages that enter y_{n+1} (Dopri5's 7th stage has b = 0: it only serves FSAL and the error estimate). */
const S = 6;

class StepReverser {
  readonly u: Vec[];
  readonly k: Vec[];
  readonly ubar: Vec[];
  private readonly ctx: GradientContext;
  private readonly kbar: Vec;
  private readonly pbar: Vec;
  rhsEvals = 0;
  vjps = 0;

  constructor(ctx: GradientContext) {
    this.ctx = ctx;
    this.u = Array.from({ length: S }, () => new Float64Array(ctx.n));
    this.k = Array.from({ length: S }, () => new Float64Array(ctx.n));
    this.ubar = Array.from({ length: S }, () => new Float64Array(ctx.n));
    this.kbar = new Float64Array(ctx.n);
    this.pbar = new Float64Array(ctx.np);
  }

  /** Computes the stages of the step from (t, y) and writes y_{n+1} into `out`. */
  forward(out: Vec, t: number, y: Vec, h: number): Vec {
    const { a, b, c } = DOPRI5_TABLEAU;
    const { u, k, ctx } = this;
    const n = ctx.n;
    for (let s = 0; s < S; s++) {
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < s; j++) acc += a[s * 7 + j] * k[j][i];
        u[s][i] = y[i] + h * acc;
      }
      ctx.deriv.rhs(t + c[s] * h, u[s], k[s]);
    }
    this.rhsEvals += S;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let s = 0; s < S; s++) acc += b[s] * k[s][i];
      out[i] = y[i] + h * acc;
    }
    return out;
  }

  /** After `forward` on the same step: ȳ ← ȳ_n given ȳ = ȳ_{n+1}; p̄ accumulates. */
  reverse(ybar: Vec, pbarAcc: Vec, t: number, h: number): void {
    const { a, b, c } = DOPRI5_TABLEAU;
    const { u, ubar, kbar, pbar, ctx } = this;
    const { n, np } = ctx;
    for (let s = S - 1; s >= 0; s--) {
      for (let i = 0; i < n; i++) {
        let acc = b[s] * ybar[i];
        for (let j = s + 1; j < S; j++) acc += a[j * 7 + s] * ubar[j][i];
        kbar[i] = h * acc;
      }
      ctx.deriv.vjp(t + c[s] * h, u[s], kbar, ubar[s], pbar);
      for (let j = 0; j < np; j++) pbarAcc[j] += pbar[j];
    }
    this.vjps += S;
    for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) ybar[i] += ubar[s][i];
  }
}

export function discreteGradient(ctx: GradientContext): MethodResult {
  const { n, np, obsT } = ctx;
  let tStarts = new Float64Array(1024);
  let hs = new Float64Array(1024);
  let N = 0;
  const cap = ctx.checkpoints;
  const store = new CheckpointStore((steps) => cap ?? Math.ceil(Math.sqrt(2 * steps)));
  const fwd = forwardPass(ctx, {
    onStep: (t, h, y) => {
      if (N === tStarts.length) {
        const a = new Float64Array(2 * N);
        a.set(tStarts);
        tStarts = a;
        const b = new Float64Array(2 * N);
        b.set(hs);
        hs = b;
      }
      store.offer(N, t, y, h);
      tStarts[N] = t;
      hs[N] = h;
      N++;
    },
  });
  const rev = new StepReverser(ctx);
  const ybar = new Float64Array(n);
  const dp = new Float64Array(np);
  const work = new Float64Array(n);
  const yi = new Float64Array(n);
  let i = obsT.length - 1;
  const cps = store.list;
  let maxSegment = 0;
  let segStates = new Float64Array(0);
  for (let c = cps.length - 1; c >= 0; c--) {
    const a = cps[c].step;
    const b = c + 1 < cps.length ? cps[c + 1].step : N;
    const len = b - a;
    maxSegment = Math.max(maxSegment, len);
    if (segStates.length < len * n) segStates = new Float64Array(len * n);
    segStates.set(cps[c].y, 0);
    for (let k = a; k < b - 1; k++) {
      rev.forward(
        segStates.subarray((k - a + 1) * n, (k - a + 2) * n),
        tStarts[k],
        segStates.subarray((k - a) * n, (k - a + 1) * n),
        hs[k],
      );
    }
    for (let k = b - 1; k >= a; k--) {
      const tEnd = k + 1 < N ? tStarts[k + 1] : ctx.t1;
      while (i >= 0 && obsT[i] >= tEnd) addLossGradient(ctx, i--, fwd.obsY, ybar, work, yi);
      const yk = segStates.subarray((k - a) * n, (k - a + 1) * n);
      rev.forward(work, tStarts[k], yk, hs[k]);
      rev.reverse(ybar, dp, tStarts[k], hs[k]);
    }
  }
  while (i >= 0) addLossGradient(ctx, i--, fwd.obsY, ybar, work, yi);
  const backward = emptyStats();
  backward.rhsEvals = rev.rhsEvals;
  backward.steps = backward.acceptedSteps = N;
  return {
    value: fwd.value,
    dp,
    dy0: ybar,
    forward: fwd.stats,
    backward,
    storedStates: store.peak + maxSegment + obsT.length,
    maxLuSize: 0,
    checkpoints: store.peak,
    forwardSteps: N,
    quadratureError: 0,
  };
}

/** The accepted step sequence of the forward solve (for replay-based checks of `discrete`). */
export function discreteStepSequence(ctx: GradientContext): Float64Array {
  const hs: number[] = [];
  forwardPass(ctx, { onStep: (_t, h) => hs.push(h) });
  return Float64Array.from(hs);
}
