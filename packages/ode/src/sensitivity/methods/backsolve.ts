/**
 * `backsolve` (torchdiffeq's adjoint): after the forward solve, integrate the augmented state
 * [y, λ, μ] backward from t1 in s = t1 − t,
 *
 *     dy/ds = −f,   dλ/ds = Jᵀλ + ∂q/∂y,   dμ/ds = (∂f/∂p)ᵀλ,
 *
 * re-deriving y by running the ODE in reverse (at observation times y is reset to the stored forward
 * value, as torchdiffeq does). Memory is O(1) in the number of steps, but reversing a stiff ODE is
 * unstable: its fast decaying modes grow backward (Kim et al. 2021). With a Rosenbrock method
 * (`rodas5p`, `rodas4`) the augmented stage matrix is block lower triangular and is solved with two n×n
 * factorisations (cI + J and cI − Jᵀ) plus a diagonal block for μ; the couplings are central
 * differences of the vjp along x_y.
 * For a problem with `jacobianSparsity` the two blocks are sparse stage matrices (cI − Jᵀ by the
 * transposed solve of cI − J): no n×n array.
 */
import { isOdeonError, OdeonError } from '../../errors.ts';
import { emptyStats } from '../../internal/context.ts';
import { integrate } from '../../internal/integrate.ts';
import { luFactor, luSolveAt } from '../../internal/lu.ts';
import type { Stepper } from '../../internal/stepper.ts';
import { SparseStageMatrix } from '../../linalg/stage-matrix.ts';
import type { SolveStats, Vec } from '../../types.ts';
import type { GradientContext } from '../internal/context.ts';
import { directionStep } from '../internal/direction-step.ts';
import { addLossGradient, defaultAdjointAtol } from '../internal/loss-terms.ts';
import { solveForward } from '../internal/solve-forward.ts';
import {
  isStiff,
  type StiffGradientSystem,
  systemContext,
  systemSettings,
  systemStepper,
} from '../internal/system-stepper.ts';
import type { MethodResult } from './method-result.ts';

const CBRT_EPS = 6.055454452393343e-6;

class BacksolveSystem implements StiffGradientSystem {
  readonly size: number;
  readonly errSize: number;
  private readonly ctx: GradientContext;
  private readonly stats: SolveStats;
  private readonly luY: Float64Array;
  private readonly luL: Float64Array;
  private readonly pivY: Int32Array;
  private readonly pivL: Int32Array;
  private readonly cols: Int32Array;
  private readonly J: Vec;
  /** Sparse problems: cI + J and cI − J on the problem's pattern (the λ block solves the latter transposed). */
  private readonly sparseY: SparseStageMatrix | undefined;
  private readonly sparseL: SparseStageMatrix | undefined;
  private readonly f0: Float64Array;
  private readonly zb: Float64Array;
  private readonly qy: Vec;
  private readonly yPrep: Vec;
  private readonly lPrep: Vec;
  private readonly yPert: Vec;
  private readonly gY1: Vec;
  private readonly gP1: Vec;
  private readonly gY2: Vec;
  private readonly gP2: Vec;
  private readonly gP3: Vec;
  private readonly zy: Float64Array;
  private readonly zl: Float64Array;
  private readonly fy: Float64Array;
  private readonly fl: Float64Array;
  private readonly fp: Float64Array;
  private tPrep = 0;
  /** t = tBase − s. */
  tBase = 0;
  private cPrep = 1;

  constructor(ctx: GradientContext, stats: SolveStats) {
    const { n, np } = ctx;
    this.ctx = ctx;
    this.stats = stats;
    this.size = 2 * n + np;
    this.errSize = 2 * n;
    const pattern = ctx.deriv.pattern;
    const nn = pattern === undefined ? n * n : 0;
    this.luY = new Float64Array(nn);
    this.luL = new Float64Array(nn);
    this.pivY = new Int32Array(n);
    this.pivL = new Int32Array(n);
    this.cols = new Int32Array(n);
    this.J = new Float64Array(nn);
    this.f0 = new Float64Array(n);
    this.zb = new Float64Array(n);
    if (pattern !== undefined) {
      // the matrices count their work into a scratch record (this system counts its own)
      const sctx = {
        n,
        rhs: ctx.problem.rhs,
        p: ctx.p as Float64Array,
        jacobian: undefined,
        tgrad: undefined,
        rtol: ctx.rtol,
        atol: ctx.atol,
        stats: emptyStats(),
      };
      const source = { pattern, sparseJacobian: ctx.problem.sparseJacobian };
      this.sparseY = new SparseStageMatrix(sctx, source);
      this.sparseL = new SparseStageMatrix(sctx, source);
    }
    this.qy = new Float64Array(n);
    this.yPrep = new Float64Array(n);
    this.lPrep = new Float64Array(n);
    this.yPert = new Float64Array(n);
    this.gY1 = new Float64Array(n);
    this.gY2 = new Float64Array(n);
    this.gP1 = new Float64Array(np);
    this.gP2 = new Float64Array(np);
    this.gP3 = new Float64Array(np);
    this.zy = new Float64Array(n);
    this.zl = new Float64Array(n);
    this.fy = new Float64Array(n);
    this.fl = new Float64Array(n);
    this.fp = new Float64Array(np);
  }

  /** [Jᵀλ + q_y, Jpᵀλ] at (t, y). */
  private adjointRhs(t: number, y: Vec, lambda: Vec, outY: Vec, outP: Vec): void {
    const { ctx, qy } = this;
    ctx.deriv.vjp(t, y, lambda, outY, outP);
    if (ctx.integral) {
      ctx.integral.grad(t, y, qy);
      for (let i = 0; i < ctx.n; i++) outY[i] += qy[i];
    }
  }

  evaluate(s: number, Z: Float64Array, out: Float64Array): void {
    const { n, np } = this.ctx;
    const t = this.tBase - s;
    // through the system's own buffers (the stepper's vectors vary: no views allocated per call)
    const { zy, zl, fy, fl, fp } = this;
    for (let i = 0; i < n; i++) {
      zy[i] = Z[i];
      zl[i] = Z[n + i];
    }
    this.ctx.deriv.rhs(t, zy, fy);
    this.adjointRhs(t, zy, zl, fl, fp);
    for (let i = 0; i < n; i++) {
      out[i] = -fy[i];
      out[n + i] = fl[i];
    }
    for (let j = 0; j < np; j++) out[2 * n + j] = fp[j];
  }

  rhs(s: number, Z: Float64Array, out: Float64Array): void {
    this.evaluate(s, Z, out);
    this.stats.rhsEvals++;
  }

  prepare(s: number, Z: Float64Array, c: number): boolean {
    const { ctx, J } = this;
    const n = ctx.n;
    const t = this.tBase - s;
    this.tPrep = t;
    this.cPrep = c;
    for (let i = 0; i < n; i++) {
      this.yPrep[i] = Z[i];
      this.lPrep[i] = Z[n + i];
    }
    this.stats.jacobianEvals++;
    this.stats.luFactorizations += 2;
    const { sparseY, sparseL } = this;
    if (sparseY !== undefined && sparseL !== undefined) {
      ctx.problem.rhs(t, this.yPrep, ctx.p, this.f0);
      this.stats.rhsEvals++;
      sparseY.evaluate(t, this.yPrep as Float64Array, this.f0);
      sparseL.evaluate(t, this.yPrep as Float64Array, this.f0);
      return sparseY.factor(1, c) && sparseL.factor(-1, c);
    }
    ctx.deriv.jacobian(t, this.yPrep, J);
    const { luY, luL } = this;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        luY[i * n + j] = J[i * n + j] + (i === j ? c : 0);
        luL[i * n + j] = -J[j * n + i] + (i === j ? c : 0);
      }
    }
    return luFactor(luY, this.pivY, n, this.cols) !== null && luFactor(luL, this.pivL, n, this.cols) !== null;
  }

  solve(x: Float64Array): void {
    const { ctx, yPrep, lPrep, yPert, gY1, gY2, gP1, gP2, gP3 } = this;
    const { n, np } = ctx;
    const t = this.tPrep;
    this.stats.linearSolves++;
    this.solveBlock(x, 0);
    const eps = directionStep(CBRT_EPS, yPrep, x, 1);
    if (eps > 0) {
      for (let i = 0; i < n; i++) yPert[i] = yPrep[i] + eps * x[i];
      this.adjointRhs(t, yPert, lPrep, gY1, gP1);
      for (let i = 0; i < n; i++) yPert[i] = yPrep[i] - eps * x[i];
      this.adjointRhs(t, yPert, lPrep, gY2, gP2);
      const inv = 1 / (2 * eps);
      for (let i = 0; i < n; i++) x[n + i] += (gY1[i] - gY2[i]) * inv;
      for (let j = 0; j < np; j++) x[2 * n + j] += (gP1[j] - gP2[j]) * inv;
    }
    this.solveBlock(x, n);
    if (np > 0) {
      const zl = this.zl;
      for (let i = 0; i < n; i++) zl[i] = x[n + i];
      ctx.deriv.vjpParams(t, yPrep, zl, gP3);
      const ic = 1 / this.cPrep;
      for (let j = 0; j < np; j++) x[2 * n + j] = (x[2 * n + j] + gP3[j]) * ic;
    }
  }

  /** x[off, off + n) ← (cI + J)⁻¹ x (off = 0) or (cI − Jᵀ)⁻¹ x (off = n) with the current factors. */
  private solveBlock(x: Float64Array, off: number): void {
    const n = this.ctx.n;
    const sparse = off === 0 ? this.sparseY : this.sparseL;
    if (sparse === undefined) {
      luSolveAt(x, off === 0 ? this.luY : this.luL, off === 0 ? this.pivY : this.pivL, n, off);
      return;
    }
    const z = this.zb;
    for (let i = 0; i < n; i++) z[i] = x[off + i];
    if (off === 0) sparse.solve(z);
    else sparse.solveTranspose(z);
    for (let i = 0; i < n; i++) x[off + i] = z[i];
  }
}

export function backsolveGradient(ctx: GradientContext): MethodResult {
  const { n, np, obsT, t0, t1 } = ctx;
  // solve's forward pass (same steps and stats); y(t1) starts the backward solve
  const fwd = solveForward(ctx, obsT.length === 0 || obsT[obsT.length - 1] !== t1);
  const stats = emptyStats();
  const sys = new BacksolveSystem(ctx, stats);
  const atol = new Float64Array(2 * n);
  atol.set(ctx.atol, 0);
  atol.fill(defaultAdjointAtol(ctx, fwd.obsY), n, 2 * n);
  const sctx = systemContext(sys, ctx.rtol, atol, stats, ctx.p as Float64Array);
  const stepper: Stepper = systemStepper(ctx.method, sctx, sys);
  const Z = new Float64Array(sys.size);
  Z.set(fwd.yEnd);
  const lambda = Z.subarray(n, 2 * n);
  const work = new Float64Array(n);
  const yi = new Float64Array(n);
  let i = obsT.length - 1;
  const jumpsDownTo = (t: number) => {
    while (i >= 0 && obsT[i] >= t) {
      addLossGradient(ctx, i, fwd.obsY, lambda, work, yi);
      Z.set(yi, 0); // torchdiffeq: continue from the forward pass's y(t_i)
      i--;
    }
  };
  jumpsDownTo(t1);
  // the intervals between observation times, each one run of the driver in s = tHigh − t
  const stopT: number[] = [t1];
  for (let k = obsT.length - 1; k >= 0; k--) {
    if (obsT[k] > t0 && obsT[k] < stopT[stopT.length - 1]) stopT.push(obsT[k]);
  }
  stopT.push(t0);
  // the last two accepted steps: the next interval starts from the size reached, not the cut last step
  let hLast = Number.NaN;
  let hBefore = Number.NaN;
  const onStep = (_st: Stepper, _s: number, h: number) => {
    hBefore = hLast;
    hLast = h;
  };
  try {
    for (let k = 0; k + 1 < stopT.length; k++) {
      const hi = stopT[k];
      const lo = stopT[k + 1];
      sys.tBase = hi;
      const span = hi - lo;
      const hNext = Number.isNaN(hBefore) ? hLast : Math.max(hLast, hBefore);
      hLast = Number.NaN;
      hBefore = Number.NaN;
      const sol = integrate(
        sctx,
        stepper,
        systemSettings(0, span, Z, 2 * n, ctx.maxSteps, {
          dt0: Number.isNaN(hNext) ? Number.NaN : Math.min(hNext, span),
        }),
        { onStep },
      );
      Z.set(sol.y.subarray(sol.y.length - sys.size));
      jumpsDownTo(lo);
    }
  } catch (error) {
    if (
      isOdeonError(error, 'StepSizeTooSmall') ||
      isOdeonError(error, 'MaxStepsReached') ||
      isOdeonError(error, 'SingularMatrix') ||
      isOdeonError(error, 'NonFiniteState')
    ) {
      throw new OdeonError(
        'GradientFailed',
        `backsolve failed: reversing the ODE broke down (${error.code}).`,
        {
          ...(error.context.t === undefined ? {} : { t: sys.tBase - error.context.t }),
          cause: error,
          hint: "Reversing a stiff ODE is unstable (its decaying modes grow backward): use sensitivity 'quadrature' or 'interpolating'.",
        },
      );
    }
    throw error;
  }
  jumpsDownTo(t0);
  return {
    value: fwd.value,
    dp: Float64Array.from(Z.subarray(2 * n, 2 * n + np)),
    dy0: Float64Array.from(lambda),
    forward: fwd.stats,
    backward: stats,
    storedStates: 3 + obsT.length,
    maxLuSize: isStiff(ctx.method) ? n : 0,
    checkpoints: 0,
    forwardSteps: fwd.steps,
    quadratureError: 0,
  };
}
