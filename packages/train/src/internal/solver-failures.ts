import { isOdeonError, type OdeonError } from '@odeon/ode';

/** Error codes that mean "the model cannot be integrated at these parameters". */
const SOLVER_FAILURES: ReadonlySet<string> = new Set([
  'MaxStepsReached',
  'StepSizeTooSmall',
  'NonFiniteState',
  'SingularMatrix',
  'GradientFailed',
]);

/** Whether `e` says the model could not be integrated (a fit treats it as an infinite loss, training as divergence). */
export function isSolverFailure(e: unknown): e is OdeonError {
  return isOdeonError(e) && SOLVER_FAILURES.has(e.code);
}
