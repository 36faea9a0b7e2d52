import type { JacobianFunction, JvpTimeFunction, RhsFunction, SolveStats } from '../types.ts';

/** What every stepper of one solve shares: the problem, tolerances and work counters. */
export interface SolverContext {
  readonly n: number;
  readonly rhs: RhsFunction;
  /** Parameters; events may change them in place. */
  readonly p: Float64Array;
  readonly jacobian: JacobianFunction | undefined;
  readonly tgrad: JvpTimeFunction | undefined;
  readonly rtol: number;
  /** Per-component absolute tolerance (length n). */
  readonly atol: Float64Array;
  readonly stats: SolveStats;
}

/** A fresh zeroed stats object. */
export function emptyStats(): SolveStats {
  return {
    rhsEvals: 0,
    jacobianEvals: 0,
    luFactorizations: 0,
    linearSolves: 0,
    steps: 0,
    acceptedSteps: 0,
    rejectedSteps: 0,
    stiffnessSwitches: 0,
  };
}
