/**
 * The contract between the discrete adjoint's driver (`methods/discrete.ts`) and one method's step
 * reversal: given the state y_n at the start of an accepted step, its size h and the stage vectors
 * the step computed (`Stepper.copyStages`), map ȳ_{n+1} = ∂L/∂y_{n+1} to ȳ_n and accumulate the step's
 * share of ∂L/∂p. Step sizes are constants (not differentiated), as in every discretise-then-optimise
 * adjoint (diffrax's RecursiveCheckpointAdjoint, CVODES' discrete variants).
 */
import type { Vec } from '../../types.ts';

export interface StepReverser {
  /**
   * ȳ ← ȳ_n from ȳ = ȳ_{n+1}; p̄ += the step's parameter contribution. y_n is read from `states` at
   * `yOffset`, the stages (as `copyStages` wrote them) from `stages` at `kOffset` (offsets, not views,
   * so the sweep allocates nothing per step).
   */
  reverse(
    ybar: Vec,
    pbar: Vec,
    t: number,
    h: number,
    states: Vec,
    yOffset: number,
    stages: Vec,
    kOffset: number,
  ): void;
  /**
   * For a step whose dense output was observed at θ ∈ [0, 1): adds the cotangent g of y(θ) to the next
   * `reverse`: its y_{n+1} part into `ybarNext` (the ȳ that `reverse` then takes), its stage and y_n
   * parts are applied by `reverse`.
   */
  addDenseCotangent(theta: number, h: number, g: Vec, ybarNext: Vec): void;
  /** Vector–Jacobian products spent (each a call of the problem's `vjp` or its fallback). */
  readonly vjps: number;
  /** Jacobians evaluated and factorised again during the reverse sweep. */
  readonly jacobians: number;
  /** Transposed stage solves. */
  readonly linearSolves: number;
}
