/**
 * @odeon/ode: float64 solvers for ODEs, mass-matrix DAEs and DDEs, with dense output, events and
 * gradients. Zero dependencies.
 *
 * Layout (see `internal/system.ts`): steppers in `solvers/`, the one step loop in
 * `internal/integrate.ts`, linear algebra in `linalg/` and `internal/lu.ts`, gradients in
 * `sensitivity/`, DAEs in `dae/`, DDEs in `dde/`.
 */

export {
  type ConsistentInitialValuesOptions,
  consistentInitialValues,
} from './dae/consistent-initial-values.ts';
export { DenseHistory, type HistorySegment } from './dde/dense-history.ts';
export { type DdeOptions, type DdeProblem, type DdeSolution, solveDde } from './dde/solve-dde.ts';
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
export { BandedLu } from './linalg/banded-lu.ts';
export { type ColumnColoring, colorColumns } from './linalg/coloring.ts';
export { detectPattern } from './linalg/detect-pattern.ts';
export { ColoredFdJacobian } from './linalg/fd-jacobian.ts';
export {
  type GmresOptions,
  type GmresResult,
  GmresWorkspace,
  gmres,
  type MatVec,
  type Preconditioner,
} from './linalg/gmres.ts';
export { minimumDegreeOrder } from './linalg/ordering.ts';
export { SparseLu, type SparseLuOptions } from './linalg/sparse-lu.ts';
export {
  entryIndex,
  patternFromEntries,
  patternNnz,
  type SparsityPattern,
  transposePattern,
  validatePattern,
} from './linalg/sparsity.ts';
export type { DerivativeReport, DerivativeSource } from './sensitivity/derivatives.ts';
export { G7_WEIGHTS, GK15, GK15_NODES, GK15_WEIGHTS, gaussKronrod15 } from './sensitivity/gauss-kronrod.ts';
export { GRADIENT_DEFAULTS, GRADIENT_METHODS, gradient, SENSITIVITY_KINDS } from './sensitivity/gradient.ts';
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
export {
  auto,
  bs3,
  dop853,
  dopri5,
  explicitRk,
  rodas4,
  rodas5p,
  rosenbrock,
  rosenbrock23,
  type Solver,
  tsit5,
} from './solvers/solver-values.ts';
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
  SparseJacobianFunction,
  StagePreconditioner,
  Vec,
  VjpFunction,
  VjpStateFunction,
} from './types.ts';
export { closestName, didYouMean, rejectUnknownKeys } from './unknown-keys.ts';
