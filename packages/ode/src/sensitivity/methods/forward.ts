/**
 * `forward`: forward sensitivity equations on `solve`'s own driver and stepper. The state is augmented
 * with S = ∂y/∂(p, y0) (n·(np + n) extra components): S' = J S + [∂f/∂p | 0], S(t0) = [0 | I]. The y
 * rows are computed exactly as `solve` computes them (its right-hand side, its Jacobian and stage
 * matrix, its `saveAt` interpolation) and only they enter the error norm (CVODES' errconS = false), so
 * the steps and `stats.forward` are `solve`'s. With a Rosenbrock method the augmented stage matrix is
 * block lower triangular (staggered),
 *
 *     W = [ cI − J        0      ]
 *         [ −H(S)     I ⊗ (cI − J) ]    (H_j x = ∂(J s_j + ∂f/∂p_j)/∂y · x),
 *
 * so every stage solve reuses solve's own factorisation of cI − J for y and for every sensitivity
 * column; the coupling H_j x_y is a central difference of J s_j + ∂f/∂p_j along x_y. Cost grows like
 * np·n² per stage: the right choice for few parameters.
 */

import { emptyStats, type SolverContext } from '../../internal/context.ts';
import { integrate } from '../../internal/integrate.ts';
import type { StageMatrixSystem } from '../../internal/system.ts';
import { createProblemSystem } from '../../linalg/stage-matrix-system.ts';
import { prepareSolve } from '../../solve.ts';
import type { Vec } from '../../types.ts';
import type { GradientContext } from '../internal/context.ts';
import { directionStep } from '../internal/direction-step.ts';
import { checkLossGradient } from '../internal/loss-terms.ts';
import { problemOf, solveOptionsOf } from '../internal/solve-forward.ts';
import {
  isStiff,
  type StiffGradientSystem,
  systemContext,
  systemStepper,
} from '../internal/system-stepper.ts';
import type { MethodResult } from './method-result.ts';

const CBRT_EPS = 6.055454452393343e-6;
const SQRT_EPS = Math.sqrt(Number.EPSILON);

class SensitivitySystem implements StiffGradientSystem {
  readonly size: number;
  readonly errSize: number;
  /** Sensitivity columns: np parameters then n initial values. */
  readonly m: number;
  private readonly ctx: GradientContext;
  private readonly pctx: SolverContext;
  /** solve's own system of the problem (its stage matrix), for the stiff methods. */
  private readonly inner: StageMatrixSystem | undefined;
  private readonly J: Vec;
  private readonly Jp: Vec;
  private readonly J2: Vec;
  private readonly Jp2: Vec;
  private readonly yb: Float64Array;
  private readonly fb: Float64Array;
  private readonly xb: Float64Array;
  private readonly yPert: Vec;
  private readonly yPrep: Float64Array;
  private readonly fPrep: Float64Array;
  private readonly sPrep: Vec;
  private readonly sA: Float64Array;
  private readonly sB: Float64Array;
  private tPrep = 0;
  readonly tgrad?: (t: number, x: Float64Array, out: Float64Array) => void;

  constructor(ctx: GradientContext, pctx: SolverContext, inner: StageMatrixSystem | undefined) {
    const { n, np } = ctx;
    this.ctx = ctx;
    this.pctx = pctx;
    this.inner = inner;
    this.m = np + n;
    this.size = n * (1 + this.m);
    this.errSize = n;
    this.J = new Float64Array(n * n);
    this.Jp = new Float64Array(n * np);
    this.J2 = new Float64Array(n * n);
    this.Jp2 = new Float64Array(n * np);
    this.yb = new Float64Array(n);
    this.fb = new Float64Array(n);
    this.xb = new Float64Array(n);
    this.yPert = new Float64Array(n);
    this.yPrep = new Float64Array(n);
    this.fPrep = new Float64Array(n);
    this.sPrep = new Float64Array(n * this.m);
    this.sA = new Float64Array(n * this.m);
    this.sB = new Float64Array(n * this.m);
    const tg = pctx.tgrad;
    if (tg !== undefined) {
      // y rows: the problem's ∂f/∂t (as solve's stepper uses it); S rows: a forward difference in t
      this.tgrad = (t, x, out) => {
        const { yb, fb, sA, sB } = this;
        for (let i = 0; i < n; i++) yb[i] = x[i];
        tg(t, yb, pctx.p, fb);
        for (let i = 0; i < n; i++) out[i] = fb[i];
        let dt = SQRT_EPS * Math.max(Math.abs(t), 1e-10);
        dt = t + dt - t;
        this.sensitivityRhs(t + dt, x, sB);
        this.sensitivityRhs(t, x, sA);
        for (let q = 0; q < n * this.m; q++) out[n + q] = (sB[q] - sA[q]) / dt;
      };
    }
  }

  /** J(t, y) S + [∂f/∂p | 0] (y = x's first n entries) into out[0, n·m). */
  private sensitivityRhs(t: number, x: Float64Array, out: Float64Array, off = 0): void {
    const { ctx, J, Jp, m, yb } = this;
    const { n, np } = ctx;
    for (let i = 0; i < n; i++) yb[i] = x[i];
    ctx.deriv.jacobian(t, yb, J);
    if (np > 0) ctx.deriv.paramJacobian(t, yb, Jp);
    for (let j = 0; j < m; j++) {
      const o = n + j * n;
      for (let i = 0; i < n; i++) {
        let acc = j < np ? Jp[i * np + j] : 0;
        for (let k = 0; k < n; k++) acc += J[i * n + k] * x[o + k];
        out[off + j * n + i] = acc;
      }
    }
  }

  evaluate(t: number, x: Float64Array, out: Float64Array): void {
    const { pctx, yb, fb } = this;
    const n = this.ctx.n;
    for (let i = 0; i < n; i++) yb[i] = x[i];
    pctx.rhs(t, yb, pctx.p, fb);
    for (let i = 0; i < n; i++) out[i] = fb[i];
    this.sensitivityRhs(t, x, out, n);
  }

  rhs(t: number, x: Float64Array, out: Float64Array): void {
    this.evaluate(t, x, out);
    this.pctx.stats.rhsEvals++;
  }

  prepare(t: number, x: Float64Array, invHGamma: number, f0?: Float64Array): boolean {
    const n = this.ctx.n;
    this.tPrep = t;
    for (let i = 0; i < n; i++) this.yPrep[i] = x[i];
    for (let q = 0; q < n * this.m; q++) this.sPrep[q] = x[n + q];
    if (f0 !== undefined) for (let i = 0; i < n; i++) this.fPrep[i] = f0[i];
    return this.inner!.prepare(t, this.yPrep, invHGamma, f0 === undefined ? undefined : this.fPrep);
  }

  invalidate(): void {
    this.inner?.invalidate?.();
  }

  solve(x: Float64Array): void {
    const { ctx, m, J, Jp, J2, Jp2, yPert, yPrep, sPrep, xb } = this;
    const inner = this.inner!;
    const { n, np } = ctx;
    for (let i = 0; i < n; i++) xb[i] = x[i];
    inner.solve(xb);
    for (let i = 0; i < n; i++) x[i] = xb[i];
    const eps = directionStep(CBRT_EPS, yPrep, xb, 1);
    if (eps > 0) {
      // (J(y + εx) − J(y − εx)) / 2ε, and the same for ∂f/∂p: the coupling H_j x_y.
      for (let i = 0; i < n; i++) yPert[i] = yPrep[i] + eps * xb[i];
      ctx.deriv.jacobian(this.tPrep, yPert, J);
      if (np > 0) ctx.deriv.paramJacobian(this.tPrep, yPert, Jp);
      for (let i = 0; i < n; i++) yPert[i] = yPrep[i] - eps * xb[i];
      ctx.deriv.jacobian(this.tPrep, yPert, J2);
      if (np > 0) ctx.deriv.paramJacobian(this.tPrep, yPert, Jp2);
      const inv = 1 / (2 * eps);
      for (let j = 0; j < m; j++) {
        const o = n + j * n;
        for (let i = 0; i < n; i++) {
          let acc = j < np ? Jp[i * np + j] - Jp2[i * np + j] : 0;
          for (let k = 0; k < n; k++) acc += (J[i * n + k] - J2[i * n + k]) * sPrep[j * n + k];
          x[o + i] += acc * inv;
        }
      }
    }
    // the sensitivity columns reuse the factorisation (not counted as solve's linear solves)
    for (let j = 0; j < m; j++) {
      const o = n + j * n;
      for (let i = 0; i < n; i++) xb[i] = x[o + i];
      inner.solve(xb);
      for (let i = 0; i < n; i++) x[o + i] = xb[i];
    }
    this.pctx.stats.linearSolves -= m;
  }
}

export function forwardGradient(ctx: GradientContext): MethodResult {
  const { n, np, obsT, loss } = ctx;
  // solve's context, stage matrix and settings for the gradient's options (saveAt = obsT)
  const prepared = prepareSolve(problemOf(ctx), solveOptionsOf(ctx, false));
  const pctx = prepared.ctx;
  const stiff = isStiff(ctx.method);
  const sys = new SensitivitySystem(ctx, pctx, stiff ? createProblemSystem(pctx) : undefined);
  const m = sys.m;
  const sctx = systemContext(sys, ctx.rtol, ctx.atol, pctx.stats, pctx.p);
  const stepper = systemStepper(ctx.method, sctx, sys);
  const Y = new Float64Array(sys.size);
  Y.set(ctx.y0);
  for (let k = 0; k < n; k++) Y[n + (np + k) * n + k] = 1;
  const sol = integrate(sctx, stepper, {
    ...prepared.settings,
    y0: Y,
    dense: false,
    errSize: n,
    ...(ctx.fixedSteps === undefined ? {} : { steps: ctx.fixedSteps }),
  });
  const dp = new Float64Array(np);
  const dy0 = new Float64Array(n);
  const gy = new Float64Array(n);
  const yi = new Float64Array(n);
  const size = sys.size;
  let value = 0;
  for (let i = 0; i < obsT.length; i++) {
    const o = i * size;
    for (let q = 0; q < n; q++) yi[q] = sol.y[o + q];
    value += loss.value(i, obsT[i], yi);
    gy.fill(0);
    loss.grad(i, obsT[i], yi, gy);
    checkLossGradient(gy, i);
    for (let j = 0; j < m; j++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += gy[k] * sol.y[o + n + j * n + k];
      if (j < np) dp[j] += acc;
      else dy0[j - np] += acc;
    }
  }
  const forward = { ...sol.stats };
  return {
    value,
    dp,
    dy0,
    forward,
    backward: emptyStats(),
    storedStates: 1 + m,
    maxLuSize: stiff ? n : 0,
    checkpoints: 0,
    forwardSteps: sol.stats.acceptedSteps,
    quadratureError: 0,
  };
}
