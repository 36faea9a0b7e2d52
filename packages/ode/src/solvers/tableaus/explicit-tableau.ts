/**
 * An explicit Runge–Kutta tableau as plain data (the discrete adjoint needs the exact coefficients).
 *
 * Stage i (0-based) is K_i = f(t + c_i·h, y + h·Σ_{j<i} a[i·s + j]·K_j); the step is
 * y1 = y + h·Σ b_i·K_i and the local error estimate h·Σ e_i·K_i (e = b − b̂). With `fsal`, the last
 * stage is evaluated at (t + h, y1) (its row of `a` equals `b`), so it is f of the next step.
 */
export interface ExplicitTableau {
  readonly name: string;
  /** Number of stages s. */
  readonly stages: number;
  readonly c: Float64Array;
  /** Row-major s×s, strictly lower triangular. */
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** Error weights b − b̂ (absent for fixed-step methods). */
  readonly e?: Float64Array;
  /** Second error estimator (DOP853's 3rd-order one), combined as in Hairer's DOP853. */
  readonly e3?: Float64Array;
  readonly order: number;
  /** Order of the embedded solution (absent for fixed-step methods). */
  readonly embeddedOrder?: number;
  readonly fsal: boolean;
}

/** Builds a row-major s×s matrix from its nonzero lower rows (row i has i entries). */
export function lowerTriangular(rows: readonly (readonly number[])[]): Float64Array {
  const s = rows.length;
  const a = new Float64Array(s * s);
  for (let i = 0; i < s; i++) {
    const row = rows[i];
    for (let j = 0; j < row.length; j++) a[i * s + j] = row[j];
  }
  return a;
}
