/**
 * Reverse mode through one Dormand–Prince 5(4) step. The forward step forms stages
 * u_s = y + h Σ_{j<s} a_sj k_j, k_s = f(t + c_s h, u_s) and y_{n+1} = y + h Σ b_s k_s, so
 *
 *     k̄_s = h b_s ȳ + h Σ_{j>s} a_js ū_j,   (ū_s, p̄_s) = k̄_sᵀ ∂f/∂(y, p) at u_s,   ȳ ← ȳ + Σ_s ū_s,
 *
 * with u_s rebuilt from y and the stored stage derivatives k_1…k_6 (the 7th stage, FSAL, has b = 0).
 */
import { DOPRI5_TABLEAU } from '../../solvers/tableaus/dopri5.ts';
import type { Vec } from '../../types.ts';
import type { GradientContext } from './context.ts';
import type { StepReverser } from './step-reverser.ts';

const S = 6;

export class Dopri5Reverser implements StepReverser {
  vjps = 0;
  readonly jacobians = 0;
  readonly linearSolves = 0;
  private readonly ctx: GradientContext;
  private readonly u: Vec;
  private readonly ubar: Vec;
  /** Per-stage views into `ubar` (made once: no allocation per step). */
  private readonly ubarStage: Vec[];
  private readonly kbar: Vec;
  private readonly pbarStage: Vec;

  constructor(ctx: GradientContext) {
    this.ctx = ctx;
    this.u = new Float64Array(ctx.n);
    this.ubar = new Float64Array(S * ctx.n);
    this.ubarStage = Array.from({ length: S }, (_, s) => this.ubar.subarray(s * ctx.n, (s + 1) * ctx.n));
    this.kbar = new Float64Array(ctx.n);
    this.pbarStage = new Float64Array(ctx.np);
  }

  reverse(
    ybar: Vec,
    pbar: Vec,
    t: number,
    h: number,
    states: Vec,
    yo: number,
    stages: Vec,
    ko: number,
  ): void {
    const { a, b, c } = DOPRI5_TABLEAU;
    const { u, ubar, kbar, pbarStage, ctx } = this;
    const { n, np } = ctx;
    for (let s = S - 1; s >= 0; s--) {
      for (let i = 0; i < n; i++) {
        let acc = b[s] * ybar[i];
        for (let j = s + 1; j < S; j++) acc += a[j * 7 + s] * ubar[j * n + i];
        kbar[i] = h * acc;
        let ui = 0;
        for (let j = 0; j < s; j++) ui += a[s * 7 + j] * stages[ko + j * n + i];
        u[i] = states[yo + i] + h * ui;
      }
      ctx.deriv.vjp(t + c[s] * h, u, kbar, this.ubarStage[s], pbarStage);
      for (let j = 0; j < np; j++) pbar[j] += pbarStage[j];
    }
    this.vjps += S;
    for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) ybar[i] += ubar[s * n + i];
  }
}
