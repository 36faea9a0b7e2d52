/**
 * The one stepping core of `@odeon/ode`:
 *
 *     stepper ──advances──▶ system ◀──owns── driver (integrate.ts) ──calls──▶ hooks
 *
 * - A **system** is what a stepper advances: F(t, x) on a flat state of `size` components (the first
 *   `errSize` enter the error norm) and, for implicit methods, the stage matrix W = I·c − ∂F/∂x with
 *   c = 1/(hγ): `prepare` forms and factorises it, `solve` / `solveTranspose` apply W⁻¹ / W⁻ᵀ. A plain
 *   problem gets `ProblemSystem` (dense or sparse LU of n×n); forward sensitivities, adjoints and large
 *   sparse or matrix-free systems plug in their own (they may factorise n×n blocks only).
 * - A **stepper** (`stepper.ts`) is one method on a system: `step` returns the scaled error, and the
 *   stages and dense-output data of the last step stay readable until `accept`.
 * - The **driver** (`integrate.ts`) is the only step loop: step-size controller, initial step, `tstops`,
 *   `saveAt`, events and stats. `solve` and every gradient run it.
 * - **Hooks** let a caller observe each accepted step (its stages, for the discrete adjoint; its dense
 *   output, for the continuous adjoints) and each event (the pre/post states and parameters, for the
 *   jump conditions) without a second loop.
 */
import type { SolveStats, Vec } from '../types.ts';

export interface OdeSystem {
  /** Length of the integrated state vector. */
  readonly size: number;
  /** The first `errSize` components enter the error norm (the rest ride along). */
  readonly errSize: number;
  /** F(t, x) written into `out`. */
  rhs(t: number, x: Vec, out: Vec): void;
}

export interface StageMatrixSystem extends OdeSystem {
  /**
   * Forms and factorises W = I·invHGamma − ∂F/∂x at (t, x); false when W is singular (the driver then
   * rejects the step). `f0` = F(t, x) when the stepper has it (saves a finite-difference Jacobian one
   * evaluation). A system may reuse its ∂F/∂x while `invalidate` has not been called since (a rejected
   * step retries at the same point with a new h).
   */
  prepare(t: number, x: Vec, invHGamma: number, f0?: Vec): boolean;
  /** Solves W x = r in place (`x` holds r on entry). */
  solve(x: Vec): void;
  /** Solves Wᵀ x = r in place with the last factorisation (discrete adjoints; augmented systems may omit it). */
  solveTranspose?(x: Vec): void;
  /** The state moved (accepted step, restart): the next `prepare` evaluates ∂F/∂x again. */
  invalidate?(): void;
  /** x ← M·x in place, for a system `M x′ = F` with a constant mass matrix (absent: M = I). */
  applyMass?(x: Vec): void;
  /** ∂F/∂t into `out`, when known (else the stepper takes a forward difference). */
  tgrad?(t: number, x: Vec, out: Vec): void;
}

/** out += other (the mutation rule: `out` first). */
export function addStats(out: SolveStats, other: SolveStats): SolveStats {
  out.rhsEvals += other.rhsEvals;
  out.jacobianEvals += other.jacobianEvals;
  out.luFactorizations += other.luFactorizations;
  out.linearSolves += other.linearSolves;
  out.steps += other.steps;
  out.acceptedSteps += other.acceptedSteps;
  out.rejectedSteps += other.rejectedSteps;
  out.stiffnessSwitches += other.stiffnessSwitches;
  return out;
}
