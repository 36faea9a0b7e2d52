/**
 * `forward`: forward sensitivity equations. The state is augmented with S = ∂y/∂(p, y0)
 * (n·(np + n) extra components): S' = J S + [∂f/∂p | 0], S(t0) = [0 | I]. With a Rosenbrock method (`rodas5p`, `rodas4`), the
 * Rosenbrock stage matrix of the augmented system is block lower triangular,
 *
 *     W = [ cI − J        0      ]
 *         [ −H(S)     I ⊗ (cI − J) ]    (H_j x = ∂(J s_j + ∂f/∂p_j)/∂y · x),
 *
 * so every stage solve reuses the single n×n LU of cI − J (the stiff method's own factorisation)
 * for y and for every sensitivity column; the coupling H_j x_y is a central difference of J s_j +
 * ∂f/∂p_j along x_y. Error control is on y (CVODES' errconS = false), so the sensitivities follow the
 * state's step sequence. Cost grows like np·n² per stage: the right choice for few parameters.
 */
import type { Vec } from '../../types.ts';
import { forwardStops, type GradientContext, isStiff, makeStepper } from '../internal/context.ts';
import { directionStep } from '../internal/direction-step.ts';
import { checkLossGradient } from '../internal/forward-pass.ts';
import { integrate } from '../internal/integrate.ts';
import { DenseLu } from '../internal/lu.ts';
import { evalDense } from '../internal/stepper.ts';
import type { StiffSystem } from '../internal/system.ts';
import type { MethodResult } from './method-result.ts';

const CBRT_EPS = 6.055454452393343e-6;

class SensitivitySystem implements StiffSystem {
  readonly size: number;
  readonly errSize: number;
  /** Sensitivity columns: np parameters then n initial values. */
  readonly m: number;
  private readonly ctx: GradientContext;
  private readonly lu: DenseLu;
  private readonly J: Vec;
  private readonly Jp: Vec;
  private readonly J2: Vec;
  private readonly Jp2: Vec;
  private readonly yPert: Vec;
  private readonly yPrep: Vec;
  private readonly sPrep: Vec;
  private tPrep = 0;

  constructor(ctx: GradientContext) {
    const { n, np } = ctx;
    this.ctx = ctx;
    this.m = np + n;
    this.size = n * (1 + this.m);
    this.errSize = n;
    this.lu = new DenseLu(n);
    this.J = new Float64Array(n * n);
    this.Jp = new Float64Array(n * np);
    this.J2 = new Float64Array(n * n);
    this.Jp2 = new Float64Array(n * np);
    this.yPert = new Float64Array(n);
    this.yPrep = new Float64Array(n);
    this.sPrep = new Float64Array(n * this.m);
  }

  rhs(t: number, Y: Vec, out: Vec): void {
    const { ctx, J, Jp, m } = this;
    const { n, np } = ctx;
    const y = Y.subarray(0, n);
    ctx.deriv.rhs(t, y, out);
    ctx.deriv.jacobian(t, y, J);
    if (np > 0) ctx.deriv.paramJacobian(t, y, Jp);
    for (let j = 0; j < m; j++) {
      const o = n + j * n;
      for (let i = 0; i < n; i++) {
        let acc = j < np ? Jp[i * np + j] : 0;
        for (let k = 0; k < n; k++) acc += J[i * n + k] * Y[o + k];
        out[o + i] = acc;
      }
    }
  }

  prepare(t: number, Y: Vec, c: number): boolean {
    const { ctx, J } = this;
    const n = ctx.n;
    this.tPrep = t;
    this.yPrep.set(Y.subarray(0, n));
    this.sPrep.set(Y.subarray(n));
    ctx.deriv.jacobian(t, this.yPrep, J);
    const a = this.lu.lu;
    for (let i = 0; i < n * n; i++) a[i] = -J[i];
    for (let i = 0; i < n; i++) a[i * n + i] += c;
    this.lu.factorInPlace(t);
    return true;
  }

  solve(x: Vec): void {
    const { ctx, lu, m, J, Jp, J2, Jp2, yPert, yPrep, sPrep } = this;
    const { n, np } = ctx;
    lu.solveInPlace(x, 0);
    const eps = directionStep(CBRT_EPS, yPrep, x, 1);
    if (eps > 0) {
      // (J(y + εx) − J(y − εx)) / 2ε, and the same for ∂f/∂p: the coupling H_j x_y.
      for (let i = 0; i < n; i++) yPert[i] = yPrep[i] + eps * x[i];
      ctx.deriv.jacobian(this.tPrep, yPert, J);
      if (np > 0) ctx.deriv.paramJacobian(this.tPrep, yPert, Jp);
      for (let i = 0; i < n; i++) yPert[i] = yPrep[i] - eps * x[i];
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
    for (let j = 0; j < m; j++) lu.solveInPlace(x, n + j * n);
  }
}

export function forwardGradient(ctx: GradientContext): MethodResult {
  const { n, np, obsT, loss } = ctx;
  const sys = new SensitivitySystem(ctx);
  const m = sys.m;
  const stepper = makeStepper(ctx.integrator, sys);
  const Y = new Float64Array(sys.size);
  Y.set(ctx.y0);
  for (let k = 0; k < n; k++) Y[n + (np + k) * n + k] = 1;
  const dp = new Float64Array(np);
  const dy0 = new Float64Array(n);
  const gy = new Float64Array(n);
  const yi = new Float64Array(n);
  let value = 0;
  let i = 0;
  const observe = (t: number, state: Vec) => {
    while (i < obsT.length && obsT[i] <= t) {
      yi.set(state.subarray(0, n));
      value += loss.value(i, obsT[i], yi);
      gy.fill(0);
      loss.grad(i, obsT[i], yi, gy);
      checkLossGradient(gy, i);
      for (let j = 0; j < m; j++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += gy[k] * state[n + j * n + k];
        if (j < np) dp[j] += acc;
        else dy0[j - np] += acc;
      }
      i++;
    }
  };
  observe(ctx.t0, Y);
  // step across the observation times and interpolate [y, S] there (as `solve` does for saveAt)
  const interp = ctx.fixedSteps === undefined;
  const Yi = new Float64Array(sys.size);
  const kind = stepper.kind;
  integrate(
    stepper,
    ctx.t0,
    Y,
    {
      rtol: ctx.rtol,
      atol: ctx.atol,
      stops: interp ? Float64Array.of(ctx.t1) : forwardStops(ctx),
      maxSteps: ctx.maxSteps,
      dtMax: ctx.dtMax,
      ...(Number.isNaN(ctx.dt0) ? {} : { h0: Math.min(ctx.dt0, ctx.t1 - ctx.t0) }),
    },
    {
      dense: interp,
      onStep: (t, h, _y, _yNew, block) => {
        if (!interp) return;
        // observations strictly inside the step (one at its end is the next step's start, or t1's stop)
        while (i < obsT.length && obsT[i] < t + h) {
          evalDense(Yi, kind, block!, 0, sys.size, Math.max(0, (obsT[i] - t) / h));
          observe(obsT[i], Yi);
        }
      },
      onStop: (_k, t, state) => {
        observe(t, state);
        return false;
      },
    },
  );
  return {
    value,
    dp,
    dy0,
    forward: stepper.stats,
    backward: makeStepper(ctx.integrator, sys).stats,
    storedStates: 1 + m,
    maxLuSize: isStiff(ctx.integrator) ? n : 0,
    checkpoints: 0,
    forwardSteps: stepper.stats.acceptedSteps,
    quadratureError: 0,
  };
}
