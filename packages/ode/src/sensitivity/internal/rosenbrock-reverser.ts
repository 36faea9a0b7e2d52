/**
 * Reverse mode through one Rosenbrock step (Rodas5P, Rodas4) of `rosenbrock.ts`, with W = I/(hγ) − J:
 *
 *     u_i = y + Σ_{j<i} a_ij k_j,   W k_i = f(t + c_i h, u_i) + Σ_{j<i} (C_ij/h) k_j + h d_i f_t,
 *     y_{n+1} = y + Σ b_i k_i.
 *
 * Backward: k̄_i = b_i ȳ_{n+1}; for i = s−1 … 0, r_i = W⁻ᵀ k̄_i flows to f at u_i (a VJP), to k̄_j via
 * C_ij/h and a_ij, and to f̄_t via h d_i. The J inside W adds ∇_{y,p} Σ_i r_iᵀ J k_i, taken as
 * differences of VJPs, ∇_y(mᵀ J v) = D_v[Jᵀ m], over min(n, s) directions. Step sizes are fixed: this is
 * the derivative of the computed solution up to the difference error (≈ √ε; none when f is quadratic
 * in y).
 */

import { OdeonError } from '../../errors.ts';
import { emptyStats } from '../../internal/context.ts';
import type { RosenbrockTableau } from '../../solvers/tableaus/rosenbrock-tableau.ts';
import type { Vec } from '../../types.ts';
import type { GradientContext } from './context.ts';
import { directionStep } from './direction-step.ts';
import type { StepReverser } from './step-reverser.ts';
import { createTransposedStage, type TransposedStage } from './transposed-stage.ts';

const SQRT_EPS = 1.4901161193847656e-8;

/** The time increment of solve's Rosenbrock forward-difference ∂F/∂t (when the problem has no `tgrad`). */
function tgradIncrement(t: number, h: number): number {
  const dt = SQRT_EPS * Math.max(Math.abs(t), Math.abs(h), 1e-10);
  return t + dt - t;
}
/** ε^(1/4): the central-difference increment when the VJP itself comes from finite differences. */
const QUARTIC_EPS = 1.220703125e-4;

export class RosenbrockReverser implements StepReverser {
  vjps = 0;
  jacobians = 0;
  linearSolves = 0;
  private readonly ctx: GradientContext;
  private readonly tab: RosenbrockTableau;
  /** The step's W = I/(hγ) − J again (dense, sparse LU for reaction networks, or the sparse stage matrix). */
  private readonly ws: TransposedStage;
  /** The largest typical magnitude of a state component: the floor of the second-difference scale. */
  private readonly yTypMax: number;
  /** All ones: the direction whose step `directionStep` scales like a coordinate step. */
  private readonly ones: Vec;
  private readonly kbar: Vec;
  private readonly r: Vec;
  private readonly rStage: Vec[];
  private readonly Jbar: Vec;
  private readonly ftBar: Vec;
  private readonly u: Vec;
  private readonly ubar: Vec;
  private readonly pStage: Vec;
  private readonly m: Vec;
  private readonly yShift: Vec;
  private readonly gPlus: Vec;
  private readonly pPlus: Vec;
  /** Stage cotangents from observations of this step's dense output (`addDenseCotangent`). */
  private readonly kbarDense: Vec;
  private hasDense = false;
  /** The y_n part of the dense cotangents, added after the step's reversal. */
  private readonly startBar: Vec;
  /** Σ of the cotangents whose unshifted VJP the forward differences subtract (scaled by 1/δ). */
  private readonly base: Vec;
  /**
   * The VJP is itself a finite difference (no analytic `vjp`, `jacobian` or `paramJacobian`): its error
   * (≈ ε^(2/3)) would swamp a √ε forward difference, so the second derivatives take central differences
   * with an ε^(1/4) increment instead (error ≈ ε^(1/2)).
   */
  private readonly central: boolean;
  private readonly gMinus: Vec;
  private readonly pMinus: Vec;
  /** This step's y_n and stages, copied out of the caller's buffers. */
  private readonly y: Vec;
  private readonly stages: Vec;
  /** Stage directions along which J is differenced when n > s (copied out of the stage buffer). */
  private readonly dir: Vec;

  constructor(ctx: GradientContext, tab: RosenbrockTableau, yTyp: Vec) {
    const { n, np } = ctx;
    const s = tab.stages;
    this.ctx = ctx;
    this.tab = tab;
    this.ws = createTransposedStage(ctx, emptyStats());
    this.yTypMax = yTyp.reduce((a, b) => Math.max(a, b), 0);
    this.ones = new Float64Array(n).fill(1);
    this.kbar = new Float64Array(s * n);
    this.r = new Float64Array(s * n);
    this.rStage = Array.from({ length: s }, (_, i) => this.r.subarray(i * n, (i + 1) * n));
    this.dir = new Float64Array(n);
    this.y = new Float64Array(n);
    this.stages = new Float64Array(s * n);
    // J̄ is only formed when n ≤ s (coordinate directions)
    this.Jbar = new Float64Array(n <= s ? n * n : 0);
    this.ftBar = new Float64Array(n);
    this.u = new Float64Array(n);
    this.ubar = new Float64Array(n);
    this.pStage = new Float64Array(np);
    this.m = new Float64Array(n);
    this.yShift = new Float64Array(n);
    this.gPlus = new Float64Array(n);
    this.pPlus = new Float64Array(np);
    this.base = new Float64Array(n);
    const report = ctx.deriv.report;
    this.central =
      report.vjp !== 'analytic' &&
      (report.jacobian === 'finite-difference' || report.paramJacobian === 'finite-difference');
    this.gMinus = new Float64Array(n);
    this.pMinus = new Float64Array(np);
    this.kbarDense = new Float64Array(s * n);
    this.startBar = new Float64Array(n);
  }

  addDenseCotangent(theta: number, _h: number, g: Vec, ybarNext: Vec): void {
    const n0 = this.ctx.n;
    for (let q = 0; q < n0; q++) {
      ybarNext[q] += theta * g[q];
      this.startBar[q] += (1 - theta) * g[q];
    }
    // y(θ) = (1−θ)y0 + θ(y1 + (1−θ)(D_0 + θ(D_1 + θD_2))), D_r = Σ_j H_rj k_j: ∂y(θ)/∂k_j = θ(1−θ)Σ_r θ^r H_rj
    const { tab, kbarDense } = this;
    const n = this.ctx.n;
    const s = tab.stages;
    for (let j = 0; j < s; j++) {
      let w = 0;
      let pw = 1;
      for (let r = 0; r < tab.denseRows; r++) {
        w += pw * tab.dense[r * s + j];
        pw *= theta;
      }
      w *= theta * (1 - theta);
      if (w === 0) continue;
      for (let q = 0; q < n; q++) kbarDense[j * n + q] += w * g[q];
    }
    this.hasDense = true;
  }

  reverse(ybar: Vec, pbar: Vec, t: number, h: number, states: Vec, yo: number, all: Vec, ko: number): void {
    const { ctx, tab, ws, kbar, Jbar, ftBar, u, ubar, pStage, y, stages } = this;
    const { n, np } = ctx;
    const s = tab.stages;
    const { a, C, c, d, b } = tab;
    for (let q = 0; q < n; q++) y[q] = states[yo + q];
    for (let q = 0; q < s * n; q++) stages[q] = all[ko + q];
    // the step's Jacobian and W again (cheaper than storing n² factors per step: sparse for networks)
    ws.load(t, y);
    if (!ws.factor(h * tab.gamma)) {
      throw new OdeonError(
        'SingularMatrix',
        'The stage matrix of a reversed step is singular or not finite.',
        {
          t,
          hint: 'Check the Jacobian for NaN/Inf, or loosen the tolerances.',
        },
      );
    }
    this.jacobians++;
    for (let i = 0; i < s; i++) for (let q = 0; q < n; q++) kbar[i * n + q] = b[i] * ybar[q];
    const dense = this.hasDense;
    if (dense) {
      for (let q = 0; q < s * n; q++) kbar[q] += this.kbarDense[q];
      this.kbarDense.fill(0);
      this.hasDense = false;
    }
    Jbar.fill(0);
    ftBar.fill(0);
    const invH = 1 / h;
    for (let i = s - 1; i >= 0; i--) {
      const ri = this.rStage[i];
      for (let q = 0; q < n; q++) ri[q] = kbar[i * n + q];
      ws.solveTranspose(ri);
      if (n <= s) {
        for (let p = 0; p < n; p++) {
          const rp = ri[p];
          if (rp === 0) continue;
          for (let q = 0; q < n; q++) Jbar[p * n + q] += rp * stages[i * n + q];
        }
      }
      const row = i * s;
      const hd = h * d[i];
      for (let q = 0; q < n; q++) ftBar[q] += hd * ri[q];
      for (let j = 0; j < i; j++) {
        const w = C[row + j] * invH;
        for (let q = 0; q < n; q++) kbar[j * n + q] += w * ri[q];
      }
      // stage 0 is f at (t, y) itself; its VJP is taken below together with the other terms at y
      if (i === 0) continue;
      for (let q = 0; q < n; q++) {
        let acc = y[q];
        for (let j = 0; j < i; j++) acc += a[row + j] * stages[j * n + q];
        u[q] = acc;
      }
      ctx.deriv.vjp(t + c[i] * h, u, ri, ubar, pStage);
      this.vjps++;
      for (let q = 0; q < n; q++) ybar[q] += ubar[q];
      for (let j = 0; j < np; j++) pbar[j] += pStage[j];
      for (let j = 0; j < i; j++) {
        const w = a[row + j];
        for (let q = 0; q < n; q++) kbar[j * n + q] += w * ubar[q];
      }
    }
    this.linearSolves += s;
    // the second-derivative terms as forward differences D_v g ≈ (g(y + δv) − g(y))/δ of VJPs g: each
    // adds its shifted VJP scaled by 1/δ here, and all the unshifted ones share one VJP at (t, y) with
    // stage 0's (f at (t, y) itself): cotangent r_0 − Σ m/δ
    const base = this.base;
    base.fill(0);
    this.timeDerivativeTerm(ybar, pbar, t, y, h);
    this.jacobianTerm(ybar, pbar, t, y, stages);
    const r0 = this.rStage[0];
    for (let q = 0; q < n; q++) base[q] = r0[q] - base[q];
    ctx.deriv.vjp(t, y, base, ubar, pStage);
    this.vjps++;
    for (let q = 0; q < n; q++) ybar[q] += ubar[q];
    for (let j = 0; j < np; j++) pbar[j] += pStage[j];
    if (dense) {
      for (let q = 0; q < n; q++) ybar[q] += this.startBar[q];
      this.startBar.fill(0);
    }
  }

  /**
   * f̄_tᵀ f_t: f_t is the problem's `tgrad` (its y- and p-derivatives are ∂/∂t of the VJP) or the
   * forward difference (f(t + δ, y) − f(t, y))/δ the forward step took; either way a difference in t.
   */
  private timeDerivativeTerm(ybar: Vec, pbar: Vec, t: number, y: Vec, h: number): void {
    const { ctx, ftBar, gPlus, pPlus, base } = this;
    const { n, np } = ctx;
    let any = false;
    for (let q = 0; q < n; q++) if (ftBar[q] !== 0) any = true;
    if (!any) return;
    // the forward step divides by this very increment (not by the rounded (t + δ) − t)
    const dt = tgradIncrement(t, h);
    ctx.deriv.vjp(t + dt, y, ftBar, gPlus, pPlus);
    this.vjps++;
    const inv = 1 / dt;
    for (let q = 0; q < n; q++) {
      ybar[q] += gPlus[q] * inv;
      base[q] += ftBar[q] * inv;
    }
    for (let j = 0; j < np; j++) pbar[j] += pPlus[j] * inv;
  }

  /** ∇_{y,p} tr(J̄ᵀ J(y, p)) with J̄ = Σ_i r_i k_iᵀ, over min(n, s) directional differences of VJPs. */
  private jacobianTerm(ybar: Vec, pbar: Vec, t: number, y: Vec, stages: Vec): void {
    const { ctx, tab, Jbar, m, dir } = this;
    const n = ctx.n;
    if (n <= tab.stages) {
      // tr(J̄ᵀJ) = Σ_b J̄[:, b]ᵀ J e_b: direction e_b, cotangent column b of J̄
      for (let col = 0; col < n; col++) {
        let nz = false;
        for (let q = 0; q < n; q++) {
          m[q] = Jbar[q * n + col];
          if (m[q] !== 0) nz = true;
        }
        if (!nz) continue;
        this.directional(ybar, pbar, t, y, m, col, undefined);
      }
    } else {
      for (let i = 0; i < tab.stages; i++) {
        for (let q = 0; q < n; q++) dir[q] = stages[i * n + q];
        this.directional(ybar, pbar, t, y, this.rStage[i], -1, dir);
      }
    }
  }

  /**
   * ȳ += J(y + δv)ᵀ m / δ, p̄ += (∂f/∂p)(y + δv)ᵀ m / δ and base += m/δ (the caller subtracts the VJP of
   * `base` at y): the forward difference of D_v[Jᵀ m] and D_v[(∂f/∂p)ᵀ m]. v is the coordinate
   * direction `coord` (≥ 0) or the vector `dir`. The increment is the Jacobian-free Newton–Krylov
   * choice δ·‖v‖∞ = √ε·max(‖y‖∞, typical ‖y‖∞): scaled by the whole state, not by the component that
   * moves (for species near zero a per-component δ leaves only rounding).
   */
  private directional(
    ybar: Vec,
    pbar: Vec,
    t: number,
    y: Vec,
    m: Vec,
    coord: number,
    dir: Vec | undefined,
  ): void {
    const { ctx, gPlus, pPlus, base } = this;
    const { n, np } = ctx;
    const rel = this.central ? QUARTIC_EPS : SQRT_EPS;
    let delta: number;
    if (dir === undefined) {
      const h = directionStep(rel, y, this.ones, this.yTypMax);
      // the increment actually applied (y + δ rounded), so the quotient matches the point evaluated
      delta = y[coord] + h - y[coord];
    } else {
      delta = directionStep(rel, y, dir, this.yTypMax);
      if (delta === 0) return;
    }
    this.shifted(gPlus, pPlus, t, y, m, coord, dir, delta);
    if (this.central) {
      const { gMinus, pMinus } = this;
      this.shifted(gMinus, pMinus, t, y, m, coord, dir, -delta);
      this.vjps += 2;
      const inv = 1 / (2 * delta);
      for (let q = 0; q < n; q++) ybar[q] += (gPlus[q] - gMinus[q]) * inv;
      for (let j = 0; j < np; j++) pbar[j] += (pPlus[j] - pMinus[j]) * inv;
      return;
    }
    const inv = 1 / delta;
    this.vjps++;
    for (let q = 0; q < n; q++) {
      ybar[q] += gPlus[q] * inv;
      base[q] += m[q] * inv;
    }
    for (let j = 0; j < np; j++) pbar[j] += pPlus[j] * inv;
  }

  /** gOut, pOut = the VJP with cotangent m at y + δ·v (v: coordinate `coord` or `dir`). */
  private shifted(
    gOut: Vec,
    pOut: Vec,
    t: number,
    y: Vec,
    m: Vec,
    coord: number,
    dir: Vec | undefined,
    delta: number,
  ): void {
    const { yShift, ctx } = this;
    yShift.set(y);
    if (dir === undefined) yShift[coord] = y[coord] + delta;
    else for (let q = 0; q < ctx.n; q++) yShift[q] = y[q] + delta * dir[q];
    ctx.deriv.vjp(t, yShift, m, gOut, pOut);
  }
}
