/**
 * @odeon/ode: float64 ODE solvers with dense output and events. Zero dependencies.
 *
 * Internals the gradient code may import (inside this package): `solvers/tableaus/*` (exact explicit
 * RK and Rosenbrock tableaus as data, also exported below), `solvers/explicit-rk.ts`
 * (`ExplicitRkStepper`), `solvers/rosenbrock.ts` (`RosenbrockStepper`, `JacobianWorkspace`),
 * `internal/lu.ts` (`luFactor`, `luSolve`), `internal/jacobian.ts` (`fdJacobian`) and
 * `internal/integrate.ts` (the driver). Interpolating/quadrature adjoints should use
 * `solve(problem, { dense: true })` and `sol.interpolate`.
 */
export {
  invalidOption,
  isOdeonError,
  type OdeErrorCode,
  OdeonError,
  type OdeonErrorCode,
  type OdeonErrorContext,
  type OdeonErrorContextBase,
  type OdeonErrorContexts,
} from './errors.ts';
export { luFactor, luSolve, luSolveTranspose } from './internal/lu.ts';
export type { DerivativeReport, DerivativeSource } from './sensitivity/derivatives.ts';
export { G7_WEIGHTS, GK15, GK15_NODES, GK15_WEIGHTS, gaussKronrod15 } from './sensitivity/gauss-kronrod.ts';
export { GRADIENT_DEFAULTS, gradient } from './sensitivity/gradient.ts';
export type {
  GradientLoss,
  GradientMethod,
  GradientOptions,
  GradientResult,
  GradientStats,
  IntegralLoss,
  SensitivityKind,
  SensitivityOptions,
} from './sensitivity/types.ts';
export { solve } from './solve.ts';
export {
  FIXED_STEP_METHODS,
  METHODS,
  type MethodName,
  SOLVE_DEFAULTS,
  type SolveOptions,
} from './solve-options.ts';
export { BS3_TABLEAU } from './solvers/tableaus/bs3.ts';
export { DOP853_TABLEAU } from './solvers/tableaus/dop853.ts';
export { DOPRI5_TABLEAU } from './solvers/tableaus/dopri5.ts';
export type { ExplicitTableau } from './solvers/tableaus/explicit-tableau.ts';
export { EULER_TABLEAU, MIDPOINT_TABLEAU, RK4_TABLEAU } from './solvers/tableaus/fixed.ts';
export { RODAS4_TABLEAU } from './solvers/tableaus/rodas4.ts';
export { RODAS5P_TABLEAU } from './solvers/tableaus/rodas5p.ts';
export type { RosenbrockTableau } from './solvers/tableaus/rosenbrock-tableau.ts';
export { TSIT5_INTERPOLANT, TSIT5_TABLEAU } from './solvers/tableaus/tsit5.ts';
export type {
  FiredEvent,
  JacobianFunction,
  JvpFunction,
  JvpTimeFunction,
  OdeEvent,
  OdeProblem,
  ParamJacobianFunction,
  RhsFunction,
  Solution,
  SolveStats,
  Vec,
  VjpFunction,
  VjpStateFunction,
} from './types.ts';
export { closestName, didYouMean, rejectUnknownKeys } from './unknown-keys.ts';
