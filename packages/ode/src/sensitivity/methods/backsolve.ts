/**
 * `backsolve` (torchdiffeq's adjoint): after the forward solve, integrate the augmented state
 * [y, λ, μ] backward from t1 in s = t1 − t,
 *
 *     dy/ds = −f,   dλ/ds = Jᵀλ + ∂q/∂y,   dμ/ds = (∂f/∂p)ᵀλ,
 *
 * re-deriving y by running the ODE in reverse (at observation times y is reset to the stored forward
 * value, as torchdiffeq does). Memory is O(1) in the number of steps, but reversing a stiff ODE is
 * unstable: its fast decaying modes grow backward (Kim et al. 2021). With a Rosenbrock method (`rodas5p`, `rodas4`) the augmented
 * stage matrix is block lower triangular and is solved with two n×n factorisations (cI + J and
 * cI − Jᵀ) plus a diagonal block for μ; the couplings are central differences of the vjp along x_y.
 */
import { isOdeonError, OdeonError } from '../../errors.ts';
import type { Vec } from '../../types.ts';
import type { GradientContext } from '../internal/context.ts';
import { isStiff, makeStepper } from '../internal/context.ts';
import { directionStep } from '../internal/direction-step.ts';
import { addLossGradient, defaultAdjointAtol } from '../internal/forward-pass.ts';
import { integrate } from '../internal/integrate.ts';
import { DenseLu } from '../internal/lu.ts';
import { solveForward } from '../internal/solve-forward.ts';
import type { StiffSystem } from '../internal/system.ts';
import type { MethodResult } from './method-result.ts';

const CBRT_EPS = 6.055454452393343e-6;

class BacksolveSystem implements StiffSystem {
  readonly size: number;
  readonly errSize: number;
  private readonly ctx: GradientContext;
  private readonly luY: DenseLu;
  private readonly luL: DenseLu;
  private readonly J: Vec;
  private readonly qy: Vec;
  private readonly yPrep: Vec;
  private readonly lPrep: Vec;
  private readonly yPert: Vec;
  private readonly gY1: Vec;
  private readonly gP1: Vec;
  private readonly gY2: Vec;
  private readonly gP2: Vec;
  private readonly gP3: Vec;
  private tPrep = 0;
  /** t = tBase − s. */
  tBase = 0;
  private cPrep = 1;

  constructor(ctx: GradientContext) {
    const { n, np } = ctx;
    this.ctx = ctx;
    this.size = 2 * n + np;
    this.errSize = 2 * n;
    this.luY = new DenseLu(n);
    this.luL = new DenseLu(n);
    this.J = new Float64Array(n * n);
    this.qy = new Float64Array(n);
    this.yPrep = new Float64Array(n);
    this.lPrep = new Float64Array(n);
    this.yPert = new Float64Array(n);
    this.gY1 = new Float64Array(n);
    this.gY2 = new Float64Array(n);
    this.gP1 = new Float64Array(np);
    this.gP2 = new Float64Array(np);
    this.gP3 = new Float64Array(np);
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

  rhs(s: number, Z: Vec, out: Vec): void {
    const { n, np } = this.ctx;
    const t = this.tBase - s;
    const y = Z.subarray(0, n);
    this.ctx.deriv.rhs(t, y, out);
    for (let i = 0; i < n; i++) out[i] = -out[i];
    this.adjointRhs(t, y, Z.subarray(n, 2 * n), out.subarray(n, 2 * n), out.subarray(2 * n, 2 * n + np));
  }

  prepare(s: number, Z: Vec, c: number): boolean {
    const { ctx, J, luY, luL } = this;
    const n = ctx.n;
    const t = this.tBase - s;
    this.tPrep = t;
    this.cPrep = c;
    this.yPrep.set(Z.subarray(0, n));
    this.lPrep.set(Z.subarray(n, 2 * n));
    ctx.deriv.jacobian(t, this.yPrep, J);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        luY.lu[i * n + j] = J[i * n + j] + (i === j ? c : 0);
        luL.lu[i * n + j] = -J[j * n + i] + (i === j ? c : 0);
      }
    }
    luY.factorInPlace(t);
    luL.factorInPlace(t);
    return true;
  }

  solve(x: Vec): void {
    const { ctx, luY, luL, yPrep, lPrep, yPert, gY1, gY2, gP1, gP2, gP3 } = this;
    const { n, np } = ctx;
    const t = this.tPrep;
    luY.solveInPlace(x, 0);
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
    luL.solveInPlace(x, n);
    if (np > 0) {
      ctx.deriv.vjpParams(t, yPrep, x.subarray(n, 2 * n), gP3);
      const ic = 1 / this.cPrep;
      for (let j = 0; j < np; j++) x[2 * n + j] = (x[2 * n + j] + gP3[j]) * ic;
    }
  }
}

export function backsolveGradient(ctx: GradientContext): MethodResult {
  const { n, np, obsT, t0, t1 } = ctx;
  // solve's forward pass (same steps and stats); y(t1) starts the backward solve
  const fwd = solveForward(ctx, obsT.length === 0 || obsT[obsT.length - 1] !== t1);
  const sys = new BacksolveSystem(ctx);
  sys.tBase = t1;
  const stepper = makeStepper(ctx.integrator, sys);
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
  // stops in s = t1 − t, with their exact t (t1 − s need not round back to t_i)
  const stopT: number[] = [];
  for (let k = obsT.length - 1; k >= 0; k--) {
    if (obsT[k] > t0 && obsT[k] < t1 && (stopT.length === 0 || obsT[k] < stopT[stopT.length - 1]))
      stopT.push(obsT[k]);
  }
  stopT.push(t0);
  const stops = stopT.map((t) => t1 - t);
  const atol = new Float64Array(2 * n);
  atol.set(ctx.atol, 0);
  atol.fill(defaultAdjointAtol(ctx, fwd.obsY), n, 2 * n);
  try {
    integrate(
      stepper,
      0,
      Z,
      { rtol: ctx.rtol, atol, stops: Float64Array.from(stops), maxSteps: ctx.maxSteps },
      {
        onStop: (k) => {
          jumpsDownTo(stopT[k]);
          return true;
        },
      },
    );
  } catch (error) {
    if (
      isOdeonError(error, 'StepSizeTooSmall') ||
      isOdeonError(error, 'MaxStepsReached') ||
      isOdeonError(error, 'SingularMatrix')
    ) {
      throw new OdeonError(
        'GradientFailed',
        `backsolve failed: reversing the ODE broke down (${error.code}).`,
        {
          ...(error.context.t === undefined ? {} : { t: t1 - error.context.t }),
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
    backward: stepper.stats,
    storedStates: 3 + obsT.length,
    maxLuSize: isStiff(ctx.integrator) ? n : 0,
    checkpoints: 0,
    forwardSteps: fwd.steps,
    quadratureError: 0,
  };
}
