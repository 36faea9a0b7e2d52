/**
 * The integrator-facing view of an ODE: a right-hand side on a flat state vector, plus (for the
 * stiff method) the stage-matrix factorisation W = I/(hγ) − ∂F/∂y and its solve. The gradient
 * methods build such systems for y, for the adjoint λ, and for augmented states whose stage
 * matrices they solve blockwise with n×n factorisations only.
 */
import type { SolveStats, Vec } from '../../types.ts';

export interface IntegrationSystem {
  /** Length of the integrated state vector. */
  readonly size: number;
  /** The first `errSize` components enter the error norm (the rest ride along). */
  readonly errSize: number;
  /** F(t, y) written into `out`. */
  rhs(t: number, y: Vec, out: Vec): void;
}

export interface StiffSystem extends IntegrationSystem {
  /** Forms and factorises W = I·invHGamma − ∂F/∂y at (t, y) (counts into `stats`). */
  prepare(t: number, y: Vec, invHGamma: number): void;
  /** Solves W x = r in place (`x` holds r on entry). */
  solve(x: Vec): void;
  /** ∂F/∂t into `out`, when known (else the stepper takes a forward difference). */
  tgrad?(t: number, y: Vec, out: Vec): void;
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
