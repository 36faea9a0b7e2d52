/**
 * The contract between the integration driver (`integrate.ts`) and one method. A stepper owns its
 * workspaces (allocated once in its constructor) and never allocates while stepping.
 */
export interface Stepper {
  readonly name: string;
  /** Order of the propagated solution. */
  readonly order: number;
  /** Step-size control exponent is 1/`controlOrder` (lower order of the embedded pair + 1). */
  readonly controlOrder: number;
  readonly adaptive: boolean;
  /** Number of n-vectors the dense output of one step needs (`denseData` writes that many). */
  readonly denseVectors: number;
  /** (Re)starts at (t, y): evaluates f(t, y) (or copies `f0` when given), drops cached Jacobians. */
  reset(t: number, y: Float64Array, f0?: Float64Array): void;
  /** Attempts a step of size h from (t, y); writes y(t+h) into yNew; returns the scaled RMS error. */
  step(t: number, h: number, y: Float64Array, yNew: Float64Array): number;
  /** Called once a step is accepted, before the next `step`. */
  accept(tNew: number, yNew: Float64Array): void;
  /** Called when a step is rejected. */
  reject(): void;
  /**
   * Optional: the method chooses its next step size itself (multistep methods pick order and size
   * together). Called after `accept` / `reject` with the attempted h and the error `step` returned; the
   * driver then uses the result instead of its own controller.
   */
  nextStep?(h: number, err: number, accepted: boolean): number;
  /** f(t, y) at the current point (valid after `reset`/`accept`). */
  readonly f0: Float64Array;
  /**
   * Writes the dense-output data of the step just attempted (accepted) from (t, y) to (t+h, yNew) into
   * out[off, off + denseVectors·n). May evaluate extra stages. Call before `accept`.
   */
  denseData(out: Float64Array, off: number, t: number, h: number, y: Float64Array, yNew: Float64Array): void;
  /** Evaluates the interpolant at θ ∈ [0, 1] of a step (y0 → y1, size h, data at `off`) into `out`. */
  interpolate(
    out: Float64Array,
    theta: number,
    h: number,
    y0: Float64Array,
    y1: Float64Array,
    data: Float64Array,
    off: number,
  ): Float64Array;
}
