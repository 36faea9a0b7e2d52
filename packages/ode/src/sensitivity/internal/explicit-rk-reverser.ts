/**
 * Reverse mode through one step of `solve`'s explicit Runge–Kutta stepper (`ExplicitRkStepper`:
 * Dopri5, Tsit5, BS3, DOP853) and through its dense output. The step forms
 * u_s = y + h Σ_{j<s} a_sj k_j, k_s = f(t + c_s h, u_s), y_{n+1} = y + h Σ b_s k_s (the FSAL stage,
 * f(t + h, y_{n+1}), has b = 0 and only feeds the interpolant; DOP853's three extra dense stages are
 * recomputed here when an observation reads the interpolant), so
 *
 *     k̄_s = h b_s ȳ + k̄ᵈ_s + h Σ_{j>s} a_js ū_j,   (ū_s, p̄_s) = k̄_sᵀ ∂f/∂(y, p) at u_s,   ȳ ← ȳ + Σ_s ū_s,
 *
 * where k̄ᵈ are the cotangents of the interpolant y(θ) = α y_n + β y_{n+1} + Σ_s w_s k_s (every
 * interpolant of the stepper is of that form, componentwise, with scalars from θ and h).
 */
import type { ExplicitInterpolantKind } from '../../solvers/explicit-rk.ts';
import { DOP853_DENSE, DOP853_EXTRA_A, DOP853_EXTRA_C } from '../../solvers/tableaus/dop853.ts';
import { DOPRI5_DENSE } from '../../solvers/tableaus/dopri5.ts';
import type { ExplicitTableau } from '../../solvers/tableaus/explicit-tableau.ts';
import { TSIT5_INTERPOLANT } from '../../solvers/tableaus/tsit5.ts';
import type { Vec } from '../../types.ts';
import type { GradientContext } from './context.ts';
import type { StepReverser } from './step-reverser.ts';

export class ExplicitRkReverser implements StepReverser {
  vjps = 0;
  readonly jacobians = 0;
  readonly linearSolves = 0;
  private readonly ctx: GradientContext;
  private readonly kind: ExplicitInterpolantKind;
  /** Stored stages (the stepper's K) and all stages (with DOP853's extra dense ones). */
  private readonly stored: number;
  private readonly total: number;
  private readonly A: Float64Array;
  private readonly C: Float64Array;
  private readonly B: Float64Array;
  private readonly K: Float64Array;
  private readonly y: Float64Array;
  private readonly u: Float64Array;
  private readonly ubar: Float64Array;
  private readonly kbar: Float64Array;
  private readonly kbarDense: Float64Array;
  private readonly startBar: Float64Array;
  private readonly pStage: Float64Array;
  private readonly w: Float64Array;
  /** Per-stage views of `ubar` and `K` (made once: no allocation per step). */
  private readonly ubarViews: Float64Array[];
  private readonly kViews: Float64Array[];
  private hasDense = false;

  constructor(ctx: GradientContext, tab: ExplicitTableau, kind: ExplicitInterpolantKind) {
    const { n, np } = ctx;
    this.ctx = ctx;
    this.kind = kind;
    const s = tab.stages;
    const extra = kind === 'dop853' ? 3 : 0;
    this.stored = s;
    const S = s + extra;
    this.total = S;
    this.A = new Float64Array(S * S);
    for (let i = 0; i < s; i++) for (let j = 0; j < i; j++) this.A[i * S + j] = tab.a[i * s + j];
    this.C = new Float64Array(S);
    this.C.set(tab.c);
    for (let i = 0; i < extra; i++) {
      const row = DOP853_EXTRA_A[i];
      for (let j = 0; j < row.length; j++) this.A[(s + i) * S + j] = row[j];
      this.C[s + i] = DOP853_EXTRA_C[i];
    }
    this.B = new Float64Array(S);
    const last = tab.fsal ? s - 1 : s;
    for (let j = 0; j < last; j++) this.B[j] = tab.b[j];
    // the FSAL stage is f at y_{n+1} = y + h Σ b_j k_j (the stepper forms it so)
    if (tab.fsal) for (let j = 0; j < last; j++) this.A[last * S + j] = tab.b[j];
    this.K = new Float64Array(S * n);
    this.y = new Float64Array(n);
    this.u = new Float64Array(n);
    this.ubar = new Float64Array(S * n);
    this.kbar = new Float64Array(n);
    this.kbarDense = new Float64Array(S * n);
    this.startBar = new Float64Array(n);
    this.pStage = new Float64Array(np);
    this.w = new Float64Array(S + 2);
    this.ubarViews = Array.from({ length: S }, (_, i) => this.ubar.subarray(i * n, (i + 1) * n));
    this.kViews = Array.from({ length: S }, (_, i) => this.K.subarray(i * n, (i + 1) * n));
  }

  /** α, β and the stage weights w_s of the interpolant at θ into this.w = [α, β, w_0, …]. */
  private denseWeights(theta: number, h: number): void {
    const { w } = this;
    const s = this.stored;
    w.fill(0);
    const t1 = 1 - theta;
    switch (this.kind) {
      case 'hermite': {
        const q = theta * (theta - 1) * (1 - 2 * theta);
        w[0] = 1 - theta - q;
        w[1] = theta + q;
        w[2] = theta * (theta - 1) * (theta - 1) * h;
        w[2 + s - 1] += theta * theta * (theta - 1) * h;
        return;
      }
      case 'tsit5': {
        const R = TSIT5_INTERPOLANT;
        const t2 = theta * theta;
        const t3 = t2 * theta;
        const t4 = t3 * theta;
        w[0] = 1;
        w[2] = h * (R[0] * theta + R[1] * t2 + R[2] * t3 + R[3] * t4);
        for (let j = 1; j < 7; j++)
          w[2 + j] = h * (R[4 * j + 1] * t2 + R[4 * j + 2] * t3 + R[4 * j + 3] * t4);
        return;
      }
      case 'dopri5': {
        // y0 + θ d0 + θ t1 d1 + θ² t1 d2 + θ² t1² d3; d0 = Δ, d1 = h k0 − Δ, d2 = 2Δ − h k0 − h k6, d3 = h Σ D_j k_j
        const P0 = theta;
        const P1 = theta * t1;
        const P2 = theta * theta * t1;
        const P3 = P2 * t1;
        const beta = P0 - P1 + 2 * P2;
        w[0] = 1 - beta;
        w[1] = beta;
        for (let j = 0; j < 7; j++) w[2 + j] = h * P3 * DOPRI5_DENSE[j];
        w[2] += h * (P1 - P2);
        w[2 + 6] -= h * P2;
        return;
      }
      case 'dop853': {
        // y0 + Σ_r P_r d_r, P_r = Π_{r' ≤ r} (θ for even r', 1 − θ for odd); d0 = Δ, d1 = h k0 − Δ,
        // d2 = 2Δ − h(k12 + k0), d_{3+r} = h (Σ_j D_rj k_j + Σ_i D_r,13+i e_i)
        const P = [0, 0, 0, 0, 0, 0, 0];
        let acc = 1;
        for (let r = 0; r < 7; r++) {
          acc *= r % 2 === 0 ? theta : t1;
          P[r] = acc;
        }
        const beta = P[0] - P[1] + 2 * P[2];
        w[0] = 1 - beta;
        w[1] = beta;
        w[2] += h * (P[1] - P[2]);
        w[2 + 12] -= h * P[2];
        for (let r = 0; r < 4; r++) {
          for (let j = 0; j < 16; j++) w[2 + j] += h * P[3 + r] * DOP853_DENSE[r * 16 + j];
        }
        return;
      }
    }
  }

  addDenseCotangent(theta: number, h: number, g: Vec, ybarNext: Vec): void {
    this.denseWeights(theta, h);
    const { w, kbarDense, startBar } = this;
    const n = this.ctx.n;
    for (let q = 0; q < n; q++) {
      startBar[q] += w[0] * g[q];
      ybarNext[q] += w[1] * g[q];
    }
    for (let j = 0; j < this.total; j++) {
      const wj = w[2 + j];
      if (wj === 0) continue;
      for (let q = 0; q < n; q++) kbarDense[j * n + q] += wj * g[q];
    }
    this.hasDense = true;
  }

  /** u_s = y + h Σ_{j<s} a_sj k_j into this.u. */
  private stagePoint(s: number, h: number): void {
    const { A, K, y, u, total } = this;
    const n = this.ctx.n;
    for (let q = 0; q < n; q++) {
      let acc = 0;
      for (let j = 0; j < s; j++) acc += A[s * total + j] * K[j * n + q];
      u[q] = y[q] + h * acc;
    }
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
    const { ctx, A, B, C, K, y, u, ubar, kbar, kbarDense, pStage, total, stored } = this;
    const { n, np } = ctx;
    for (let q = 0; q < n; q++) y[q] = states[yo + q];
    for (let q = 0; q < stored * n; q++) K[q] = stages[ko + q];
    const dense = this.hasDense;
    // DOP853's extra dense stages, recomputed only when the interpolant was read
    const top = dense ? total : stored;
    for (let s = stored; s < top; s++) {
      this.stagePoint(s, h);
      ctx.deriv.rhs(t + C[s] * h, u, this.kViews[s]);
    }
    for (let s = top - 1; s >= 0; s--) {
      let any = false;
      for (let q = 0; q < n; q++) {
        let acc = B[s] * ybar[q];
        for (let j = s + 1; j < top; j++) acc += A[j * total + s] * ubar[j * n + q];
        let v = h * acc;
        if (dense) v += kbarDense[s * n + q];
        kbar[q] = v;
        if (v !== 0) any = true;
      }
      const us = this.ubarViews[s];
      if (!any) {
        us.fill(0);
        continue;
      }
      this.stagePoint(s, h);
      ctx.deriv.vjp(t + C[s] * h, u, kbar, us, pStage);
      this.vjps++;
      for (let j = 0; j < np; j++) pbar[j] += pStage[j];
    }
    for (let s = 0; s < top; s++) for (let q = 0; q < n; q++) ybar[q] += ubar[s * n + q];
    if (dense) {
      for (let q = 0; q < n; q++) ybar[q] += this.startBar[q];
      this.startBar.fill(0);
      kbarDense.fill(0);
      this.hasDense = false;
    }
  }
}
