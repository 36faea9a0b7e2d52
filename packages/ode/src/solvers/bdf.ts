import { OdeonError } from '../errors.ts';
import type { SolverContext } from '../internal/context.ts';
import { weightedNorm } from '../internal/norm.ts';
import type { Stepper } from '../internal/stepper.ts';
import type { StageMatrixSystem } from '../internal/system.ts';

/** Highest order. */
export const BDF_MAX_ORDER = 5;
const NEWTON_MAXITER = 3;
/** Newton stops when its estimated remaining error is this fraction of the error test's allowance (CVODE: 0.1; 0.03 halves the rejected steps on chain-500). */
const NEWTON_COEF = 0.03;
/** Convergence-rate memory and divergence test of the Newton iteration (CVODE's CRDOWN, RDIV). */
const CRATE_DOWN = 0.3;
const DIVERGENCE_RATIO = 2;
/** W is refactorised when h/α changed by more than this fraction, or after LU_MAX_AGE steps (CVODE's DGMAX, MSBP). */
const MAX_GAMMA_CHANGE = 0.3;
const LU_MAX_AGE = 20;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;
/**
 * J is re-evaluated after this many steps even when Newton converges. With a cheap factorisation
 * (banded, chain-like, small dense) every JAC_REFRESH_AGE steps: a fresher J saves steps on stiff
 * kinetics (chain-500). With an expensive one (factorisation flops > EXPENSIVE_FACTOR × nnz(J), e.g. 2-D
 * grids) J older than JAC_REFRESH_AGE is refreshed only when W is refactorised anyway, and at the latest
 * after JAC_MAX_AGE steps (CVODE's msbj), which saves a third of the factorisations on bruss2d.
 */
const JAC_REFRESH_AGE = 10;
const JAC_MAX_AGE = 50;
const EXPENSIVE_FACTOR = 20;
/** NDF coefficients κ_k (Shampine & Reichelt 1997, ode15s / SciPy BDF); `kappa: 'bdf'` uses zeros. */
const NDF_KAPPA = [0, -0.185, -1 / 9, -0.0823, -0.0415, 0];

/** Options of the BDF stepper. */
export interface BdfOptions {
  /** `ndf` (default): the numerical differentiation formulas; `bdf`: the classical BDF. */
  readonly formula?: 'ndf' | 'bdf';
  /** Fix the order (1–5) instead of choosing it (convergence tests). */
  readonly fixedOrder?: number;
}

/**
 * Variable-order (1–5), variable-step BDF / NDF in the quasi-constant step-size form with modified
 * divided differences (Shampine & Reichelt 1997, "The MATLAB ODE Suite"; the method of MATLAB's ode15s,
 * SciPy's BDF and Julia's QNDF): the history is the difference array D (D₀ = y, D_k = ∇^k y·…), a step
 * change rescales D, and the order is chosen from the error estimates of orders k−1, k, k+1 after k+1
 * steps of equal size.
 *
 * Newton iterations on the stage equation reuse the iteration matrix W = I − (h/α_k)·J: J is kept until
 * Newton fails to converge (then re-evaluated at the predicted point, without extra RHS evaluations) or
 * has been used for `JAC_MAX_AGE` steps; W is refactorised only when h/α_k changes. The linear algebra is
 * the solve's `StageMatrix` (dense, sparse LU, banded, or GMRES).
 *
 * Dense output: the interpolating polynomial through the last k+1 points (from D after the step).
 */
export class BdfStepper implements Stepper {
  readonly name = 'bdf';
  readonly adaptive = true;
  /** Up to five difference vectors D₁…D₅ after the step (D₀ = y1). */
  readonly denseVectors = BDF_MAX_ORDER;
  readonly f0: Float64Array;
  order = 1;
  /** Set when W could not be factorised in the last attempt. */
  singular = false;
  private readonly ctx: SolverContext;
  private readonly sys: StageMatrixSystem;
  private readonly n: number;
  private readonly D: Float64Array;
  /** D₀ = y (a view, made once: no allocation per step). */
  private readonly D0: Float64Array;
  private readonly Dtmp: Float64Array;
  private readonly yPredict: Float64Array;
  private readonly psi: Float64Array;
  private readonly d: Float64Array;
  private readonly dy: Float64Array;
  private readonly f: Float64Array;
  private readonly fPred: Float64Array;
  private readonly errv: Float64Array;
  private readonly alpha: Float64Array;
  private readonly gamma: Float64Array;
  private readonly errorConst: Float64Array;
  private readonly R: Float64Array;
  private readonly U: Float64Array;
  private readonly RU: Float64Array;
  private readonly fixedOrder: number;
  /** The step size D is scaled for (signed); NaN before the first step. */
  private h = Number.NaN;
  private nEqual = 0;
  private fresh = true;
  private jacStale = true;
  private jacCurrent = false;
  private jacAge = 0;
  /** h/α of the current factorisation (NaN: none). */
  private cFactored = Number.NaN;
  private newtonFailed = false;
  private lastIter = 1;
  private lastErr = 0;
  private proposed = 1;
  private singularStreak = 0;
  /** The point of the current Jacobian. */
  private jT = Number.NaN;
  private readonly jY: Float64Array;
  private luAge = 0;
  private crate = 1;

  constructor(ctx: SolverContext, sys: StageMatrixSystem, options: BdfOptions = {}) {
    this.ctx = ctx;
    this.sys = sys;
    const n = ctx.n;
    this.n = n;
    this.f0 = new Float64Array(n);
    this.D = new Float64Array((BDF_MAX_ORDER + 3) * n);
    this.D0 = this.D.subarray(0, n);
    this.Dtmp = new Float64Array((BDF_MAX_ORDER + 1) * n);
    this.yPredict = new Float64Array(n);
    this.psi = new Float64Array(n);
    this.d = new Float64Array(n);
    this.dy = new Float64Array(n);
    this.f = new Float64Array(n);
    this.fPred = new Float64Array(n);
    this.jY = new Float64Array(n);
    this.errv = new Float64Array(n);
    const kappa = options.formula === 'bdf' ? [0, 0, 0, 0, 0, 0] : NDF_KAPPA;
    this.gamma = new Float64Array(BDF_MAX_ORDER + 2);
    for (let k = 1; k <= BDF_MAX_ORDER + 1; k++) this.gamma[k] = this.gamma[k - 1] + 1 / k;
    this.alpha = new Float64Array(BDF_MAX_ORDER + 1);
    this.errorConst = new Float64Array(BDF_MAX_ORDER + 2);
    for (let k = 0; k <= BDF_MAX_ORDER; k++) {
      this.alpha[k] = (1 - kappa[k]) * this.gamma[k];
      this.errorConst[k] = kappa[k] * this.gamma[k] + 1 / (k + 1);
    }
    this.errorConst[BDF_MAX_ORDER + 1] = 1 / (BDF_MAX_ORDER + 2);
    const m = BDF_MAX_ORDER + 1;
    this.R = new Float64Array(m * m);
    this.U = new Float64Array(m * m);
    this.RU = new Float64Array(m * m);
    const fixed = options.fixedOrder ?? 0;
    this.fixedOrder = fixed;
  }

  /** Order of the current formula. */
  get controlOrder(): number {
    return this.order + 1;
  }

  reset(t: number, y: Float64Array, f0?: Float64Array): void {
    if (f0 !== undefined) this.f0.set(f0);
    else this.sys.rhs(t, y, this.f0);
    this.sys.invalidate?.();
    this.D.fill(0);
    this.D.set(y);
    this.order = 1;
    this.nEqual = 0;
    this.fresh = true;
    this.jacStale = true;
    this.cFactored = Number.NaN;
    this.h = Number.NaN;
  }

  step(t: number, h: number, _y: Float64Array, yNew: Float64Array): number {
    const { n, D, ctx } = this;
    const { rtol, atol } = ctx;
    this.newtonFailed = false;
    this.singular = false;
    if (this.fresh) {
      this.fresh = false;
      this.h = h;
      for (let i = 0; i < n; i++) D[n + i] = h * this.f0[i];
    } else if (h !== this.h) {
      this.changeD(this.order, h / this.h);
      this.h = h;
      this.nEqual = 0;
    }
    const order = this.order;
    const tNew = t + h;
    const { yPredict, psi, d, dy, f, fPred } = this;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k <= order; k++) s += D[k * n + i];
      yPredict[i] = s;
    }
    const ak = this.alpha[order];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 1; k <= order; k++) s += D[k * n + i] * this.gamma[k];
      psi[i] = s / ak;
    }
    const c = h / ak;
    this.jacCurrent = false;
    let predEvaluated = false;
    let converged = false;
    let iters = 0;
    // Newton converges when its remaining error is a tenth of what the error test allows (CVODE)
    const tolDcon = NEWTON_COEF / this.errorConst[order];
    for (;;) {
      const luDue = !(Math.abs(c / this.cFactored - 1) <= MAX_GAMMA_CHANGE) || this.luAge >= LU_MAX_AGE;
      if (this.jacStale || (luDue && !this.jacCurrent && this.jacAge >= JAC_REFRESH_AGE && this.costly())) {
        this.sys.rhs(tNew, yPredict, fPred);
        predEvaluated = true;
        this.sys.invalidate?.();
        this.jT = tNew;
        this.jY.set(yPredict);
        this.jacStale = false;
        this.jacCurrent = true;
        this.jacAge = 0;
        this.cFactored = Number.NaN;
      }
      let ratio = c / this.cFactored;
      if (!(Math.abs(ratio - 1) <= MAX_GAMMA_CHANGE) || this.luAge >= LU_MAX_AGE) {
        // W' = I/c − J at the point of the Jacobian; (I − cJ)⁻¹ = W'⁻¹/c
        if (!this.sys.prepare(this.jT, this.jY, 1 / c, predEvaluated ? fPred : undefined)) {
          // h shrinks 4× per failure: after this many in a row W is singular for every h (a bad Jacobian)
          if (++this.singularStreak >= 12) throw this.singularError(t, h);
          this.singular = true;
          this.cFactored = Number.NaN;
          this.newtonFailed = true;
          return Number.POSITIVE_INFINITY;
        }
        this.cFactored = c;
        this.singularStreak = 0;
        this.luAge = 0;
        this.crate = 1;
        ratio = 1;
      }
      // with W factorised for c_old, the corrections of (I − cJ) are approximated by 2/(1 + c/c_old)·W⁻¹r
      const corr = (ratio === 1 ? 1 : 2 / (1 + ratio)) / this.cFactored;
      d.fill(0);
      yNew.set(yPredict);
      let delOld = Number.NaN;
      iters = 0;
      for (let k = 0; k < NEWTON_MAXITER; k++) {
        iters = k + 1;
        if (k === 0 && predEvaluated) f.set(fPred);
        else {
          ctx.rhs(tNew, yNew, ctx.p, f);
          ctx.stats.rhsEvals++;
        }
        let finite = true;
        for (let i = 0; i < n; i++) {
          const v = c * f[i] - psi[i] - d[i];
          if (!Number.isFinite(v)) finite = false;
          dy[i] = v;
        }
        if (!finite) break;
        this.sys.solve(dy);
        for (let i = 0; i < n; i++) dy[i] *= corr;
        const del = weightedNorm(dy, yPredict, rtol, atol, n);
        if (!Number.isFinite(del)) break;
        for (let i = 0; i < n; i++) {
          yNew[i] += dy[i];
          d[i] += dy[i];
        }
        if (k > 0) this.crate = Math.max(CRATE_DOWN * this.crate, del / delOld);
        if (del * Math.min(1, this.crate) <= tolDcon) {
          converged = true;
          break;
        }
        if (k > 0 && del > DIVERGENCE_RATIO * delOld) break;
        delOld = del;
      }
      if (converged) break;
      if (this.jacCurrent && ratio === 1) break;
      this.jacStale = true;
      predEvaluated = false;
    }
    if (!converged) {
      this.newtonFailed = true;
      return Number.POSITIVE_INFINITY;
    }
    this.lastIter = iters;
    const ec = this.errorConst[order];
    for (let i = 0; i < n; i++) this.errv[i] = ec * d[i];
    const err = weightedNorm(this.errv, yNew, rtol, atol, n);
    this.lastErr = err;
    return err;
  }

  accept(_tNew: number, yNew: Float64Array): void {
    const { n, D, d, ctx } = this;
    const order = this.order;
    this.nEqual++;
    this.jacAge++;
    this.luAge++;
    if (this.jacAge >= (this.costly() ? JAC_MAX_AGE : JAC_REFRESH_AGE)) this.jacStale = true;
    // D_{k+2} = d − D_{k+1}; D_{k+1} = d; D_i += D_{i+1} for i = k … 0
    const o1 = (order + 1) * n;
    const o2 = (order + 2) * n;
    for (let i = 0; i < n; i++) {
      D[o2 + i] = d[i] - D[o1 + i];
      D[o1 + i] = d[i];
    }
    for (let k = order; k >= 0; k--) {
      const a = k * n;
      const b = (k + 1) * n;
      for (let i = 0; i < n; i++) D[a + i] += D[b + i];
    }
    void yNew;
    const safety = (0.9 * (2 * NEWTON_MAXITER + 1)) / (2 * NEWTON_MAXITER + this.lastIter);
    this.proposed = 1;
    if (this.nEqual < order + 1 && !(this.fixedOrder > 0 && order < this.fixedOrder)) return;
    const { rtol, atol } = ctx;
    const y0 = this.D0;
    let errM = Number.POSITIVE_INFINITY;
    let errP = Number.POSITIVE_INFINITY;
    const allowChange = this.fixedOrder === 0;
    if (allowChange && order > 1) {
      const ec = this.errorConst[order - 1];
      for (let i = 0; i < n; i++) this.errv[i] = ec * D[order * n + i];
      errM = weightedNorm(this.errv, y0, rtol, atol, n);
    }
    if (allowChange && order < BDF_MAX_ORDER) {
      const ec = this.errorConst[order + 1];
      for (let i = 0; i < n; i++) this.errv[i] = ec * D[(order + 2) * n + i];
      errP = weightedNorm(this.errv, y0, rtol, atol, n);
    }
    const fM = errM === 0 ? Number.POSITIVE_INFINITY : errM ** (-1 / order);
    const f0 = this.lastErr === 0 ? Number.POSITIVE_INFINITY : this.lastErr ** (-1 / (order + 1));
    const fP = errP === 0 ? Number.POSITIVE_INFINITY : errP ** (-1 / (order + 2));
    let best = f0;
    let delta = 0;
    if (fM > best) {
      best = fM;
      delta = -1;
    }
    if (fP > best) {
      best = fP;
      delta = 1;
    }
    if (this.fixedOrder > 0) {
      // ramp up to the fixed order, then keep it
      delta = order < this.fixedOrder ? 1 : 0;
      best = f0;
    }
    this.order = order + delta;
    this.proposed = Math.min(MAX_FACTOR, safety * best);
  }

  reject(): void {}

  /** The next step size: the method's own choice (order and size), used by the driver instead of its controller. */
  nextStep(h: number, err: number, accepted: boolean): number {
    if (accepted) return h * this.proposed;
    if (this.newtonFailed) return h * 0.25;
    const safety = (0.9 * (2 * NEWTON_MAXITER + 1)) / (2 * NEWTON_MAXITER + this.lastIter);
    return h * Math.max(MIN_FACTOR, safety * err ** (-1 / (this.order + 1)));
  }

  /** The system's factorisation is expensive against a Jacobian evaluation (see JAC_MAX_AGE). */
  private costly(): boolean {
    const cost = (this.sys as Partial<{ readonly factorCost: number }>).factorCost;
    return cost !== undefined && cost > EXPENSIVE_FACTOR;
  }

  /** The system this stepper advances. */
  get system(): StageMatrixSystem {
    return this.sys;
  }

  private singularError(t: number, h: number): OdeonError {
    const s = this.sys as Partial<{ singularError(t: number, dt: number): OdeonError }>;
    if (s.singularError !== undefined) return s.singularError(t, h);
    return new OdeonError(
      'SingularMatrix',
      `The iteration matrix I − hγJ is singular at t = ${t} for every step size tried.`,
      {
        t,
        dt: h,
        hint: 'Check the Jacobian (NaN or infinite entries?).',
      },
    );
  }

  denseData(
    out: Float64Array,
    off: number,
    _t: number,
    _h: number,
    _y: Float64Array,
    _yNew: Float64Array,
  ): void {
    // D after the step (not yet applied): D'_{k+1} = d, D'_i = D_i + D'_{i+1}
    const { n, D, d } = this;
    const order = this.order;
    out.fill(0, off, off + BDF_MAX_ORDER * n);
    for (let i = 0; i < n; i++) {
      let acc = d[i];
      for (let k = order; k >= 1; k--) {
        acc += D[k * n + i];
        out[off + (k - 1) * n + i] = acc;
      }
    }
  }

  interpolate(
    out: Float64Array,
    theta: number,
    _h: number,
    _y0: Float64Array,
    y1: Float64Array,
    data: Float64Array,
    off: number,
  ): Float64Array {
    const n = this.n;
    // y(t) = D'_0 + Σ_j D'_j Π_{m<j} (θ − 1 + m)/(m + 1), D'_0 = y1
    for (let i = 0; i < n; i++) out[i] = y1[i];
    let p = 1;
    for (let j = 1; j <= BDF_MAX_ORDER; j++) {
      p *= (theta - 1 + (j - 1)) / j;
      const o = off + (j - 1) * n;
      for (let i = 0; i < n; i++) out[i] += data[o + i] * p;
    }
    return out;
  }

  /** Rescales D[0..order] from step h to factor·h (Shampine & Reichelt's R·U transformation). */
  private changeD(order: number, factor: number): void {
    const { R, U, RU, D, Dtmp, n } = this;
    const m = BDF_MAX_ORDER + 1;
    computeR(R, order, factor, m);
    computeR(U, order, 1, m);
    for (let i = 0; i <= order; i++)
      for (let j = 0; j <= order; j++) {
        let s = 0;
        for (let k = 0; k <= order; k++) s += R[i * m + k] * U[k * m + j];
        RU[i * m + j] = s;
      }
    // D_new[j] = Σ_k RU[k][j] D[k]
    for (let j = 0; j <= order; j++) {
      const o = j * n;
      for (let i = 0; i < n; i++) Dtmp[o + i] = 0;
      for (let k = 0; k <= order; k++) {
        const r = RU[k * m + j];
        if (r === 0) continue;
        const ok = k * n;
        for (let i = 0; i < n; i++) Dtmp[o + i] += r * D[ok + i];
      }
    }
    for (let i = 0, m = (order + 1) * n; i < m; i++) D[i] = Dtmp[i];
  }
}

/** R = cumprod of M with M₀ⱼ = 1, Mᵢ₀ = 0, Mᵢⱼ = (i − 1 − factor·j)/i (row-major, stride m). */
function computeR(out: Float64Array, order: number, factor: number, m: number): void {
  for (let j = 0; j <= order; j++) out[j] = 1;
  for (let i = 1; i <= order; i++)
    for (let j = 0; j <= order; j++) {
      const mij = j === 0 ? 0 : (i - 1 - factor * j) / i;
      out[i * m + j] = out[(i - 1) * m + j] * mij;
    }
}
