import type { SparsityPattern } from '../linalg/sparsity.ts';
import type {
  JacobianFunction,
  JvpFunction,
  JvpTimeFunction,
  RhsFunction,
  SolveStats,
  SparseJacobianFunction,
  StagePreconditioner,
} from '../types.ts';

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
  /** ∂f/∂y's sparsity (validated), its values, J·v, and the linear solver of the implicit methods. */
  readonly sparsity?: SparsityPattern | undefined;
  readonly sparseJacobian?: SparseJacobianFunction | undefined;
  readonly jvp?: JvpFunction | undefined;
  readonly linearSolver?: 'auto' | 'dense' | 'sparse' | 'banded' | 'gmres';
  readonly preconditioner?: StagePreconditioner | undefined;
  /** Initial point (pattern detection probes near it). */
  readonly t0?: number;
  readonly y0?: Float64Array;
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
