/**
 * The backward half of the `quadrature` and `interpolating` adjoints. On a stored forward trajectory
 * y(t) it integrates, in s = −t,
 *
 *     dλ/ds = J(t, y(t))ᵀ λ + ∂q/∂y        (n states only; the stage matrix is I/(hγ) − Jᵀ, n×n)
 *
 * and on every accepted backward step integrates dL/dp += ∫ λᵀ ∂f/∂p dt by nested Gauss / Kronrod rules
 * (G3, else K7, else G7K15: the smallest whose estimate is within adjointRtol of the integral's scale),
 * using λ's own dense output and y's. Each sweep runs in s = tHigh − t (not −t), so a stiff adjoint
 * transient right after a jump at a large t keeps full floating-point precision. Parameters never enter
 * the implicit solve: O(n³) per factorisation plus O(np) per quadrature node (Kim et al. 2021).
 */
import { emptyStats } from '../../internal/context.ts';
import { integrate } from '../../internal/integrate.ts';
import type { Stepper } from '../../internal/stepper.ts';
import { addStats } from '../../internal/system.ts';
import type { SolveStats, Vec } from '../../types.ts';
import { GK7, GK15, type GkRule } from '../gauss-kronrod.ts';
import type { GradientContext } from './context.ts';
import type { Trajectory } from './solve-forward.ts';
import {
  type StiffGradientSystem,
  systemContext,
  systemSettings,
  systemStepper,
  zeroStats,
} from './system-stepper.ts';
import { createTransposedStage, type TransposedStage } from './transposed-stage.ts';

/** Indices into GK7's nodes: the 3-point Gauss nodes, and the 4 the Kronrod extension adds. */
const GAUSS3 = [1, 3, 5] as const;
const KRONROD7_NEW = [0, 2, 4, 6] as const;

/**
 * λ' = J(t, y(t))ᵀλ (+ ∂q/∂y) in s = tBase − t along a stored forward trajectory. Its stage matrix
 * cI − Jᵀ is the transpose of the forward one: J is factorised as cI − J (`TransposedStage`: dense, or
 * the sparse stage matrix for a problem with a pattern) and solved transposed.
 */
class AdjointSystem implements StiffGradientSystem {
  readonly size: number;
  readonly errSize: number;
  traj: Trajectory | undefined;
  /** t = tBase − s. */
  tBase = 0;
  private readonly ctx: GradientContext;
  private readonly stats: SolveStats;
  private readonly y: Vec;
  private readonly yStage: Vec;
  private readonly qy: Vec;
  private readonly ws: TransposedStage;
  /** y(t) and J(t, y(t)) at `cachedT`: the last `prepare` time (a step's start, also its first stage). */
  private cachedT = Number.NaN;

  constructor(ctx: GradientContext, stats: SolveStats) {
    this.ctx = ctx;
    this.stats = stats;
    this.size = ctx.n;
    this.errSize = ctx.n;
    this.y = new Float64Array(ctx.n);
    this.yStage = new Float64Array(ctx.n);
    this.qy = new Float64Array(ctx.n);
    this.ws = createTransposedStage(ctx, stats);
  }

  /** y(t) and J at t into this.y / ws.J (cached for repeated t). */
  private jacobianAt(t: number): void {
    if (t === this.cachedT) return;
    this.traj!.evaluate(this.y, t);
    this.ws.load(t, this.y);
    this.cachedT = t;
  }

  /** Forgets the cache (a new trajectory or time origin). */
  reset(): void {
    this.cachedT = Number.NaN;
  }

  /**
   * J(t)ᵀλ (+ ∂q/∂y). At the step start (the time `prepare` factorised, whose Jacobian is cached) a
   * matrix–vector product; at the other stage times a state-only VJP, so no stage needs a Jacobian.
   */
  evaluate(s: number, lambda: Vec, out: Vec): void {
    const { ctx, qy } = this;
    const n = this.size;
    const t = this.tBase - s;
    // y(t): the cached step-start state, or the stage's own (never overwriting the cache, which a
    // retried step at the same start reuses)
    let y = this.y;
    if (t === this.cachedT) {
      this.ws.transposeProduct(out, lambda);
    } else {
      y = this.traj!.evaluate(this.yStage, t);
      ctx.deriv.vjpState(t, y, lambda, out);
    }
    if (ctx.integral) {
      ctx.integral.grad(t, y, qy);
      for (let j = 0; j < n; j++) out[j] += qy[j];
    }
  }

  rhs(s: number, lambda: Float64Array, out: Float64Array): void {
    this.evaluate(s, lambda, out);
    this.stats.rhsEvals++;
  }

  prepare(s: number, _lambda: Float64Array, invHGamma: number): boolean {
    this.jacobianAt(this.tBase - s);
    return this.ws.factor(1 / invHGamma);
  }

  solve(x: Float64Array): void {
    this.ws.solveTranspose(x);
  }
}

/** Backward integrator state reused across segments. */
export class AdjointSweeper {
  readonly stepper: Stepper;
  /** Accumulated dL/dp. */
  readonly dp: Vec;
  /** Work of every sweep so far. */
  readonly stats = emptyStats();
  quadratureError = 0;
  private readonly ctx: GradientContext;
  private readonly sys: AdjointSystem;
  /** The context the stepper and driver run on (its stats count one sweep). */
  private readonly sweepStats = emptyStats();
  private readonly sctx: ReturnType<typeof systemContext>;
  private readonly lam: Vec;
  private readonly y: Vec;
  private readonly vp: Vec;
  private readonly errP: Vec;
  /** One step's parameter integral, and Σ over steps of its magnitude (the scale of the K7 test). */
  private readonly accP: Vec;
  private readonly absP: Vec;
  /** vᵀ∂f/∂p at the 7 K7 nodes of the current step (node-major). */
  private readonly nodeVals: Vec;
  /** The dense data of the backward step being integrated. */
  private readonly block: Float64Array;
  /** Backward steps whose K7 estimate failed, integrated with K15 instead. */
  k15Steps = 0;
  /** The last two accepted step sizes of the sweep (its last step is cut to the interval's end). */
  private hLast = Number.NaN;
  private hBefore = Number.NaN;
  private traj: Trajectory | undefined;
  private tHigh = 0;
  private readonly onStep: (
    stepper: Stepper,
    s: number,
    h: number,
    l: Float64Array,
    ln: Float64Array,
  ) => void;

  constructor(ctx: GradientContext, atol: number) {
    this.ctx = ctx;
    this.sys = new AdjointSystem(ctx, this.sweepStats);
    this.sctx = systemContext(
      this.sys,
      ctx.adjointRtol,
      new Float64Array(ctx.n).fill(atol),
      this.sweepStats,
      ctx.p as Float64Array,
    );
    this.stepper = systemStepper(ctx.method, this.sctx, this.sys);
    this.dp = new Float64Array(ctx.np);
    this.lam = new Float64Array(ctx.n);
    this.y = new Float64Array(ctx.n);
    this.vp = new Float64Array(ctx.np);
    this.errP = new Float64Array(ctx.np);
    this.accP = new Float64Array(ctx.np);
    this.absP = new Float64Array(ctx.np);
    this.nodeVals = new Float64Array(7 * ctx.np);
    this.block = new Float64Array(Math.max(1, this.stepper.denseVectors) * ctx.n);
    this.onStep = (stepper, s, h, l, ln) => {
      this.hBefore = this.hLast;
      this.hLast = h;
      const np = this.ctx.np;
      if (np === 0) return;
      stepper.denseData(this.block, 0, s, h, l, ln);
      this.integrateNested(stepper, s, h, l, ln);
      let e = 0;
      const { dp, accP, absP, errP } = this;
      for (let j = 0; j < np; j++) {
        dp[j] += accP[j];
        absP[j] += Math.abs(accP[j]);
        e = Math.max(e, Math.abs(errP[j]));
      }
      this.quadratureError += e;
    };
  }

  /**
   * Integrates λ from tHigh down to tLow (tLow < tHigh) on `traj`, updating `lambda` in place and
   * accumulating the parameter integral into `this.dp`: one run of the solver's driver in s = tHigh − t.
   */
  sweep(traj: Trajectory, tHigh: number, tLow: number, lambda: Vec): void {
    if (!(tHigh > tLow)) return;
    const { ctx, sys } = this;
    const n = ctx.n;
    sys.traj = traj;
    sys.tBase = tHigh;
    sys.reset();
    this.traj = traj;
    this.tHigh = tHigh;
    const span = tHigh - tLow;
    // the next sweep starts from the step size the last one reached, not from its cut last step
    const hNext = Number.isNaN(this.hBefore) ? this.hLast : Math.max(this.hLast, this.hBefore);
    this.hLast = Number.NaN;
    this.hBefore = Number.NaN;
    const sol = integrate(
      this.sctx,
      this.stepper,
      systemSettings(0, span, lambda as Float64Array, n, ctx.maxSteps, {
        dt0: Number.isNaN(hNext) ? Number.NaN : Math.min(hNext, span),
      }),
      { onStep: this.onStep },
    );
    lambda.set(sol.y.subarray(sol.y.length - n));
    addStats(this.stats, this.sweepStats);
    zeroStats(this.sweepStats);
  }

  /** True when every component of `errP` is within adjointRtol of the integral's scale. */
  private accurate(): boolean {
    const { errP, accP, absP } = this;
    const tol = this.ctx.adjointRtol;
    for (let j = 0; j < errP.length; j++) {
      if (Math.abs(errP[j]) > tol * (Math.abs(accP[j]) + absP[j])) return false;
    }
    return true;
  }

  /**
   * One backward step's ∫ λᵀ∂f/∂p dt into `accP` (error estimate in `errP`) by nested rules: the
   * 3-point Gauss rule, accepted if |G3 − G1| (G1 = its midpoint node) is within tolerance; else the
   * Kronrod extension K7 (4 more nodes), accepted if |K7 − G3| is; else G7K15 (15 new nodes). Each
   * estimate bounds the error of the lower rule, so it is pessimistic for the accepted one.
   */
  private integrateNested(st: Stepper, s: number, h: number, l: Float64Array, ln: Float64Array): void {
    const { ctx, accP, errP, vp, nodeVals } = this;
    const np = ctx.np;
    const { x, wk } = GK7;
    const half = 0.5 * h;
    for (const q of GAUSS3) {
      this.nodeVjp(st, s, h, l, ln, 0.5 * (x[q] + 1));
      nodeVals.set(vp, q * np);
    }
    const w1 = (5 / 9) * half;
    const w3 = (8 / 9) * half;
    const mid = 3 * np;
    for (let j = 0; j < np; j++) {
      const g3 = w1 * (nodeVals[np + j] + nodeVals[5 * np + j]) + w3 * nodeVals[mid + j];
      accP[j] = g3;
      errP[j] = g3 - 2 * half * nodeVals[mid + j];
    }
    if (this.accurate()) return;
    for (const q of KRONROD7_NEW) {
      this.nodeVjp(st, s, h, l, ln, 0.5 * (x[q] + 1));
      nodeVals.set(vp, q * np);
    }
    for (let j = 0; j < np; j++) {
      let k7 = 0;
      for (let q = 0; q < 7; q++) k7 += wk[q] * nodeVals[q * np + j];
      k7 *= half;
      errP[j] = k7 - accP[j];
      accP[j] = k7;
    }
    if (this.accurate()) return;
    this.integrateStep(GK15, st, s, h, l, ln);
    this.k15Steps++;
  }

  /** vᵀ∂f/∂p at θ of the backward step (λ from its dense output, y from the trajectory) into `vp`. */
  private nodeVjp(st: Stepper, s: number, h: number, l: Float64Array, ln: Float64Array, theta: number): void {
    const { ctx, lam, y, vp } = this;
    st.interpolate(lam as Float64Array, theta, h, l, ln, this.block, 0);
    const t = this.tHigh - (s + theta * h);
    this.traj!.evaluate(y, t);
    ctx.deriv.vjpParams(t, y, lam, vp);
  }

  /**
   * ∫ λᵀ∂f/∂p dt over one backward step (s, s + h) by the Kronrod rule into `accP`, and the
   * Kronrod − Gauss difference into `errP`.
   */
  private integrateStep(
    rule: GkRule,
    st: Stepper,
    s: number,
    h: number,
    l: Float64Array,
    ln: Float64Array,
  ): void {
    const { ctx, vp, errP, accP } = this;
    const np = ctx.np;
    const { x, wk, wg } = rule;
    accP.fill(0);
    errP.fill(0);
    const half = 0.5 * h;
    for (let q = 0; q < x.length; q++) {
      this.nodeVjp(st, s, h, l, ln, 0.5 * (x[q] + 1));
      const a = wk[q] * half;
      const b = (wk[q] - wg[q]) * half;
      for (let j = 0; j < np; j++) {
        accP[j] += a * vp[j];
        errP[j] += b * vp[j];
      }
    }
  }
}
