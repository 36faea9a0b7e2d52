/**
 * Walks the adjoint backward through observation times: λ jumps by ∂g_i/∂y at each t_i and is
 * integrated in between by the given sweep. Shared by `quadrature` (one interval, [t0, t1]) and
 * `interpolating` (one interval per checkpoint segment, visited from last to first).
 */
import type { Vec } from '../../types.ts';
import type { GradientContext } from './context.ts';
import { addLossGradient } from './loss-terms.ts';

export class BackwardDriver {
  /** Index of the next (highest unprocessed) observation. */
  private i: number;
  private readonly ctx: GradientContext;
  private readonly obsY: Float64Array;
  private readonly work: Vec;
  private readonly yi: Vec;
  readonly lambda: Vec;

  constructor(ctx: GradientContext, obsY: Float64Array) {
    this.ctx = ctx;
    this.obsY = obsY;
    this.i = ctx.obsT.length - 1;
    this.lambda = new Float64Array(ctx.n);
    this.work = new Float64Array(ctx.n);
    this.yi = new Float64Array(ctx.n);
  }

  /**
   * Processes (tLow, tHigh]: jumps at observation times in it (those at tLow are left for the next
   * interval or for `finish`), `sweep(tHigh', tLow')` in between.
   */
  interval(tHigh: number, tLow: number, sweep: (tHigh: number, tLow: number, lambda: Vec) => void): void {
    const { obsT } = this.ctx;
    let tCur = tHigh;
    for (;;) {
      while (this.i >= 0 && obsT[this.i] >= tCur) this.jump();
      if (tCur <= tLow) return;
      const tNext = this.i >= 0 ? Math.max(obsT[this.i], tLow) : tLow;
      sweep(tCur, tNext, this.lambda);
      tCur = tNext;
      if (tCur === tLow) return;
    }
  }

  /** Applies the remaining jumps (observations at t0); λ is then dL/dy0. */
  finish(): Vec {
    while (this.i >= 0) this.jump();
    return this.lambda;
  }

  private jump(): void {
    addLossGradient(this.ctx, this.i, this.obsY, this.lambda, this.work, this.yi);
    this.i--;
  }
}
