/** The validated inputs every gradient method works from (built once by `gradient()`). */

import { OdeonError } from '../../errors.ts';
import { emptyStats } from '../../internal/context.ts';
import { JacobianWorkspace } from '../../internal/jacobian-workspace.ts';
import { RODAS4_TABLEAU } from '../../solvers/tableaus/rodas4.ts';
import { RODAS5P_TABLEAU } from '../../solvers/tableaus/rodas5p.ts';
import type { OdeProblem, Vec } from '../../types.ts';
import type { Derivatives } from '../derivatives.ts';
import type { GradientLoss, GradientMethod, IntegralLoss } from '../types.ts';

/**
 * The methods with a stepper of their own in the gradient code (backward sweeps, forward sensitivities,
 * the discrete adjoint's reversal): every other adaptive method maps to one of them for the backward
 * solve (explicit → dopri5, stiff and auto → rodas5p, rosenbrock23 → rodas4).
 */
export type Integrator = 'rodas5p' | 'rodas4' | 'dopri5';

/** The gradient code's own integrator for a method (the forward pass of `quadrature` and `backsolve` is solve's). */
export function integratorOf(method: GradientMethod): Integrator {
  switch (method) {
    case 'rodas4':
    case 'rosenbrock23':
      return 'rodas4';
    case 'dopri5':
    case 'tsit5':
    case 'bs3':
    case 'dop853':
      return 'dopri5';
    default:
      return 'rodas5p';
  }
}

import { Dopri5Stepper } from './dopri5.ts';
import { RosenbrockStepper } from './rosenbrock.ts';
import type { DenseKind, Stepper } from './stepper.ts';
import type { IntegrationSystem, StiffSystem } from './system.ts';

export interface GradientContext {
  readonly problem: OdeProblem;
  readonly n: number;
  readonly np: number;
  readonly p: Vec;
  readonly y0: Vec;
  readonly t0: number;
  readonly t1: number;
  /** Observation times, non-decreasing, in [t0, t1]. */
  readonly obsT: Float64Array;
  readonly loss: GradientLoss;
  readonly integral: IntegralLoss | undefined;
  readonly method: GradientMethod;
  /** The gradient code's stepper for `method` (see `integratorOf`). */
  readonly integrator: Integrator;
  readonly rtol: number;
  /** Per-component absolute tolerance (length n). */
  readonly atol: Float64Array;
  readonly adjointRtol: number;
  /** Undefined: `defaultAdjointAtol`. */
  readonly adjointAtol: number | undefined;
  readonly maxSteps: number;
  /** Initial step (NaN: Hairer's selection) and largest step of the forward solve. */
  readonly dt0: number;
  readonly dtMax: number;
  readonly checkpoints: number | undefined;
  readonly checkpointEvery?: number | undefined;
  readonly deriv: Derivatives;
  /** Replay this step sequence without error control (checks of the discrete adjoint). */
  readonly fixedSteps?: Float64Array;
}

/** Distinct observation times > t0, followed by t1: where the forward integration must land. */
export function forwardStops(ctx: GradientContext): Float64Array {
  const out: number[] = [];
  for (const t of ctx.obsT) if (t > ctx.t0 && (out.length === 0 || t > out[out.length - 1])) out.push(t);
  if (out.length === 0 || out[out.length - 1] < ctx.t1) out.push(ctx.t1);
  return Float64Array.from(out);
}

export function makeStepper(method: Integrator, sys: IntegrationSystem | StiffSystem): Stepper {
  if (method === 'dopri5') return new Dopri5Stepper(sys);
  return new RosenbrockStepper(sys as StiffSystem, method === 'rodas4' ? RODAS4_TABLEAU : RODAS5P_TABLEAU);
}

/** True for the Rosenbrock (stiff) methods, whose stage matrices the systems factorise. */
export function isStiff(method: Integrator): boolean {
  return method !== 'dopri5';
}

/** The dense-output family of a method. */
export function denseKind(method: Integrator): DenseKind {
  return method === 'dopri5' ? 'dopri5' : method === 'rodas4' ? 'rosenbrock2' : 'rosenbrock3';
}

/** Vectors per step of the method's dense output. */
export function denseWidth(method: Integrator): number {
  return method === 'dopri5' ? 5 : method === 'rodas4' ? 4 : 5;
}

/**
 * y' = f(t, y, p) as an integration system with an n×n stage matrix I/(hγ) − J, factorised by the
 * solver's own `JacobianWorkspace` (sparse LU on a minimum-degree order for reaction networks, dense
 * partial pivoting otherwise), so the gradient's forward pass costs what `solve` costs per step.
 */
export class ProblemSystem implements StiffSystem {
  readonly size: number;
  readonly errSize: number;
  private readonly ctx: GradientContext;
  private readonly ws: JacobianWorkspace;

  constructor(ctx: GradientContext) {
    this.ctx = ctx;
    this.size = ctx.n;
    this.errSize = ctx.n;
    // the workspace only factorises and solves here: J comes from `ctx.deriv`, and the gradient
    // steppers count their own work
    this.ws = new JacobianWorkspace({
      n: ctx.n,
      rhs: ctx.problem.rhs,
      p: ctx.p,
      jacobian: undefined,
      tgrad: undefined,
      rtol: ctx.rtol,
      atol: ctx.atol,
      stats: emptyStats(),
    });
    const { tgrad } = ctx.problem;
    if (tgrad) this.tgrad = (t, y, out) => tgrad(t, y, ctx.p, out);
  }

  rhs(t: number, y: Vec, out: Vec): void {
    this.ctx.deriv.rhs(t, y, out);
  }

  prepare(t: number, y: Vec, c: number): boolean {
    this.ctx.deriv.jacobian(t, y, this.ws.J);
    this.ws.loadJacobian();
    if (!this.ws.factor(1 / c)) {
      throw new OdeonError('SingularMatrix', 'The stage matrix is singular or not finite.', {
        t,
        hint: 'Check the Jacobian for NaN/Inf, or loosen the tolerances.',
      });
    }
    return true;
  }

  solve(x: Vec): void {
    this.ws.solve(x);
  }

  /** Solves Wᵀ x = b in place with the last factorisation (the discrete Rosenbrock adjoint). */
  solveTranspose(x: Vec): void {
    this.ws.solveTranspose(x);
  }

  readonly tgrad?: (t: number, y: Vec, out: Vec) => void;
}
