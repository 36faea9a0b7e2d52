import type { OdeEvent, StagePreconditioner } from './types.ts';

export { METHODS, type MethodName } from './solvers/method-name.ts';

import type { MethodName } from './solvers/method-name.ts';
import type { Solver } from './solvers/solver-values.ts';

/** Fixed-step methods: they need `dt` and do no error control. */
export const FIXED_STEP_METHODS: readonly MethodName[] = ['euler', 'midpoint', 'rk4'];

/** Options of `solve`. Every field is optional; defaults are in `SOLVE_DEFAULTS`. */
export interface SolveOptions {
  /**
   * Integration method, by name or as a value (`rodas5p()`, `rosenbrock(tableau)`, `explicitRk(tableau)`);
   * `auto` switches between Tsit5 and Rodas5P on stiffness. Default `auto`.
   */
  readonly method?: MethodName | Solver;
  /** Relative tolerance. Default 1e-6. */
  readonly rtol?: number;
  /** Absolute tolerance, scalar or per component. Default 1e-9. */
  readonly atol?: number | ArrayLike<number>;
  /** Times at which to report the solution (served by interpolation), sorted in the direction of time. */
  readonly saveAt?: ArrayLike<number>;
  /** Keep the dense output of every step so that `sol.interpolate(t)` works. Default false. */
  readonly dense?: boolean;
  /** Step size of the fixed-step methods (`euler`, `midpoint`, `rk4`). */
  readonly dt?: number;
  /** Initial step size of adaptive methods (default: Hairer's selection). */
  readonly dt0?: number;
  /** Largest allowed |step|. Default: the whole interval. */
  readonly dtMax?: number;
  /** Maximum number of attempted steps. Default 100 000. */
  readonly maxSteps?: number;
  /** Times the integrator must step to exactly (discontinuities, dosing times). */
  readonly tstops?: ArrayLike<number>;
  /** Events located by root finding on the dense output. */
  readonly events?: readonly OdeEvent[];
  /**
   * Linear algebra of the implicit method `bdf`: `auto` (default: sparse LU when the problem has a
   * `jacobianSparsity` or is large and sparse, dense otherwise), `dense`, `sparse`, `banded`, or `gmres`
   * (matrix-free Newton–Krylov with `jvp` or difference products and `preconditioner`).
   */
  readonly linearSolver?: 'auto' | 'dense' | 'sparse' | 'banded' | 'gmres';
  /** Preconditioner of `linearSolver: 'gmres'`: out ≈ P⁻¹v for P ≈ shift·I + scale·J at (t, y). */
  readonly preconditioner?: StagePreconditioner;
}

/** Default option values. */
export const SOLVE_DEFAULTS = {
  method: 'auto',
  rtol: 1e-6,
  atol: 1e-9,
  dense: false,
  maxSteps: 100_000,
} as const satisfies Partial<Required<SolveOptions>>;
