/**
 * The gradient code's systems (forward sensitivities, the adjoint λ, backsolve's [y, λ, μ]) run on
 * `solve`'s own steppers and driver (`internal/integrate.ts`): this builds a `SolverContext` of the
 * system's size and the stepper of a gradient method on it.
 */
import { OdeonError } from '../../errors.ts';
import type { SolverContext } from '../../internal/context.ts';
import type { IntegrateSettings } from '../../internal/integrate.ts';
import type { Stepper } from '../../internal/stepper.ts';
import type { OdeSystem, StageMatrixSystem } from '../../internal/system.ts';
import { ExplicitRkStepper } from '../../solvers/explicit-rk.ts';
import { RosenbrockStepper } from '../../solvers/rosenbrock.ts';
import { BS3_TABLEAU } from '../../solvers/tableaus/bs3.ts';
import { DOP853_TABLEAU } from '../../solvers/tableaus/dop853.ts';
import { DOPRI5_TABLEAU } from '../../solvers/tableaus/dopri5.ts';
import { RODAS4_TABLEAU } from '../../solvers/tableaus/rodas4.ts';
import { RODAS5P_TABLEAU } from '../../solvers/tableaus/rodas5p.ts';
import { TSIT5_TABLEAU } from '../../solvers/tableaus/tsit5.ts';
import type { SolveStats } from '../../types.ts';
import type { GradientMethod } from '../types.ts';

/** A gradient system: `rhs` counts one evaluation into its stats, `evaluate` does not. */
export interface GradientSystem extends OdeSystem {
  evaluate(t: number, x: Float64Array, out: Float64Array): void;
}

/** A stiff gradient system (the Rosenbrock methods factorise its stage matrix blockwise). */
export type StiffGradientSystem = GradientSystem & StageMatrixSystem;

/** True for the methods whose steppers factorise a stage matrix. */
export function isStiff(method: GradientMethod): boolean {
  return method === 'rodas5p' || method === 'rodas4' || method === 'rosenbrock23' || method === 'auto';
}

/**
 * A context of the system's size for `solve`'s steppers and driver: tolerances on the first
 * `errSize` components (`atol` has one entry per component; the rest are never read by the norms).
 */
export function systemContext(
  sys: GradientSystem,
  rtol: number,
  atol: Float64Array,
  stats: SolveStats,
  p: Float64Array,
): SolverContext {
  const full = new Float64Array(sys.size).fill(1);
  full.set(atol.subarray(0, Math.min(atol.length, sys.size)));
  return {
    n: sys.size,
    rhs: (t, x, _p, out) => sys.evaluate(t, x, out),
    p,
    jacobian: undefined,
    tgrad: undefined,
    rtol,
    atol: full,
    stats,
  };
}

/**
 * `solve`'s stepper of a gradient method on a system: the method's own tableau for the explicit
 * methods and Rodas5P / Rodas4, Rodas4 for rosenbrock23 (whose stepper has no system) and Rodas5P
 * for auto (the backward solves of stiff problems).
 */
export function systemStepper(
  method: GradientMethod,
  ctx: SolverContext,
  sys: GradientSystem | StiffGradientSystem,
): Stepper {
  switch (method) {
    case 'dopri5':
      return new ExplicitRkStepper(ctx, DOPRI5_TABLEAU, 'dopri5', false, sys);
    case 'tsit5':
      return new ExplicitRkStepper(ctx, TSIT5_TABLEAU, 'tsit5', false, sys);
    case 'bs3':
      return new ExplicitRkStepper(ctx, BS3_TABLEAU, 'hermite', false, sys);
    case 'dop853':
      return new ExplicitRkStepper(ctx, DOP853_TABLEAU, 'dop853', false, sys);
    case 'rodas4':
    case 'rosenbrock23':
      return new RosenbrockStepper(ctx, RODAS4_TABLEAU, sys as StiffGradientSystem);
    case 'rodas5p':
    case 'auto':
      return new RosenbrockStepper(ctx, RODAS5P_TABLEAU, sys as StiffGradientSystem);
    default:
      throw new OdeonError('InvalidOption', `No gradient stepper for method "${method}".`, {
        option: 'method',
        value: method,
      });
  }
}

/** Driver settings of one integration of a gradient system from t0 to t1 (t1 < t0: backward). */
export function systemSettings(
  t0: number,
  t1: number,
  y0: Float64Array,
  errSize: number,
  maxSteps: number,
  extra: { dt0?: number; dtMax?: number; saveAt?: Float64Array; dense?: boolean; steps?: Float64Array } = {},
): IntegrateSettings {
  return {
    t0,
    t1,
    y0,
    dt: Number.NaN,
    dt0: extra.dt0 ?? Number.NaN,
    dtMax: extra.dtMax ?? Number.POSITIVE_INFINITY,
    maxSteps,
    saveAt: extra.saveAt ?? Float64Array.of(t1),
    tstops: new Float64Array(0),
    events: [],
    dense: extra.dense ?? false,
    names: undefined,
    errSize,
    ...(extra.steps === undefined ? {} : { steps: extra.steps }),
  };
}

/** Zeroes every counter (the mutation rule: `out` first). */
export function zeroStats(out: SolveStats): SolveStats {
  out.rhsEvals = 0;
  out.jacobianEvals = 0;
  out.luFactorizations = 0;
  out.linearSolves = 0;
  out.steps = 0;
  out.acceptedSteps = 0;
  out.rejectedSteps = 0;
  out.stiffnessSwitches = 0;
  return out;
}
