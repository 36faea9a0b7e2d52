import type { OdeProblem } from '../types.ts';

/** Names of the bundled reference problems (those of shared/reference and the peers' benchmarks). */
export const STANDARD_PROBLEM_NAMES = [
  'rober',
  'pollu',
  'hires',
  'orego',
  'vdpol',
  'lotka',
  'pleiades',
  'arenstorf',
] as const;

/** A bundled reference problem name. */
export type StandardProblemName = (typeof STANDARD_PROBLEM_NAMES)[number];

/** A reference problem: RHS, analytic Jacobian (and ∂f/∂p, vjp where cheap) and metadata. */
export interface StandardProblem extends OdeProblem {
  readonly name: StandardProblemName;
  readonly description: string;
  readonly stiff: boolean;
  /** Benchmarks use atol = rtol · atolFactor; errors use it as the floor. */
  readonly atolFactor: number;
  readonly p: Float64Array;
  readonly y0: Float64Array;
  readonly names: readonly string[];
  readonly paramNames: readonly string[];
}

/** ∂f/∂t = 0: the time derivative of an autonomous right-hand side (saves the Rosenbrock methods a difference). */
export function autonomousTgrad(_t: number, _y: Float64Array, _p: Float64Array, out: Float64Array): void {
  out.fill(0);
}
