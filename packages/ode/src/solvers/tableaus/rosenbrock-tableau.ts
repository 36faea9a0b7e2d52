/**
 * A Rosenbrock method in the transformed ("W") form used by Hairer–Wanner's RODAS and OrdinaryDiffEq.jl,
 * as plain data. With W = I/(h·γ) − J and u_i = y + Σ_{j<i} a[i·s + j]·k_j, each stage solves
 *
 *   W·k_i = f(t + c_i·h, u_i) + Σ_{j<i} (C[i·s + j]/h)·k_j + h·d_i·∂f/∂t,
 *
 * and y1 = y + Σ b_i·k_i, error estimate Σ e_i·k_i. Dense output (`dense` rows, m×s):
 * D_r = Σ_j dense[r·s + j]·k_j and y(θ) = (1−θ)·y0 + θ·(y1 + (1−θ)·(D_0 + θ·(D_1 + θ·D_2 …))).
 */
export interface RosenbrockTableau {
  readonly name: string;
  readonly stages: number;
  readonly gamma: number;
  readonly a: Float64Array;
  readonly C: Float64Array;
  readonly c: Float64Array;
  readonly d: Float64Array;
  readonly b: Float64Array;
  readonly e: Float64Array;
  /** Row-major m×s dense-output weights. */
  readonly dense: Float64Array;
  readonly denseRows: number;
  readonly order: number;
  readonly embeddedOrder: number;
}

/**
 * Expands a stiffly accurate RODAS-type scheme given as its first `r` rows of a (the later stages use
 * u_{i} = u_{i−1} + k_{i−1}, y1 = u_s + k_s, error = k_s) into the full a, b, e.
 */
export function expandStifflyAccurate(
  s: number,
  aRows: readonly (readonly number[])[],
): { a: Float64Array; b: Float64Array; e: Float64Array } {
  const a = new Float64Array(s * s);
  for (let i = 0; i < aRows.length; i++) for (let j = 0; j < aRows[i].length; j++) a[i * s + j] = aRows[i][j];
  for (let i = aRows.length; i < s; i++) {
    for (let j = 0; j < i - 1; j++) a[i * s + j] = a[(i - 1) * s + j];
    a[i * s + i - 1] = 1;
  }
  const b = new Float64Array(s);
  for (let j = 0; j < s - 1; j++) b[j] = a[(s - 1) * s + j];
  b[s - 1] = 1;
  const e = new Float64Array(s);
  e[s - 1] = 1;
  return { a, b, e };
}

/** Row-major s×s lower-triangular matrix from rows (row i has up to i entries). */
export function lowerRows(s: number, rows: readonly (readonly number[])[]): Float64Array {
  const m = new Float64Array(s * s);
  for (let i = 0; i < rows.length; i++) for (let j = 0; j < rows[i].length; j++) m[i * s + j] = rows[i][j];
  return m;
}
