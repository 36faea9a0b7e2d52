/**
 * The increment of a finite difference along a direction v at y, by the Jacobian-free Newton–Krylov
 * rule: δ·‖v‖∞ = rel·max(floor, ‖y‖∞), so the step is scaled by the whole state (not by the components
 * that move) and never shrinks below rel·floor. Only v's first y.length entries are read (v may be a
 * longer augmented vector). Returns 0 when v = 0 (no difference to take). Shared by
 * the forward-sensitivity and backsolve stage couplings and the discrete Rosenbrock adjoint.
 */
import type { Vec } from '../../types.ts';

export function directionStep(rel: number, y: Vec, v: Vec, floor: number): number {
  let vMax = 0;
  let yMax = floor;
  for (let i = 0; i < y.length; i++) {
    vMax = Math.max(vMax, Math.abs(v[i]));
    yMax = Math.max(yMax, Math.abs(y[i]));
  }
  return vMax > 0 ? (rel * yMax) / vMax : 0;
}
