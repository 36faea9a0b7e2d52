/**
 * In-place dense LU factorisation with partial pivoting (row-major n×n) and the matching solve.
 * Hand-written because `@odeon/ode` has no dependencies; the stiff solvers call these once per step
 * (factorise) and once per stage (solve), so they are plain loops over a flat Float64Array.
 */

/**
 * Factorises `lu` (row-major n×n, overwritten with L below the diagonal and U on and above it) and
 * writes the pivot rows into `piv`. Returns `lu`, or `null` when a pivot is exactly zero or non-finite.
 * Zeros are skipped (rows with a zero multiplier, columns where the pivot row is zero), so the sparse
 * iteration matrices of reaction networks factorise much faster than n³/3; `cols` (length n) is scratch.
 */
export function luFactor(
  lu: Float64Array,
  piv: Int32Array,
  n: number,
  cols: Int32Array = new Int32Array(n),
): Float64Array | null {
  for (let k = 0; k < n; k++) {
    let p = k;
    let max = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > max) {
        max = v;
        p = i;
      }
    }
    piv[k] = p;
    if (!(max > 0) || max === Number.POSITIVE_INFINITY) return null;
    const rk = k * n;
    if (p !== k) {
      const rp = p * n;
      for (let j = 0; j < n; j++) {
        const tmp = lu[rk + j];
        lu[rk + j] = lu[rp + j];
        lu[rp + j] = tmp;
      }
    }
    // the nonzero columns of the pivot row right of the diagonal
    let nc = 0;
    for (let j = k + 1; j < n; j++) if (lu[rk + j] !== 0) cols[nc++] = j;
    const inv = 1 / lu[rk + k];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const a = lu[ri + k];
      if (a === 0) continue;
      const l = a * inv;
      lu[ri + k] = l;
      for (let c = 0; c < nc; c++) {
        const j = cols[c];
        lu[ri + j] -= l * lu[rk + j];
      }
    }
  }
  return lu;
}

/** Solves (LU) x = b in place: `x` holds b on entry and the solution on return. */
export function luSolve(x: Float64Array, lu: Float64Array, piv: Int32Array, n: number): Float64Array {
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) {
      const tmp = x[k];
      x[k] = x[p];
      x[p] = tmp;
    }
  }
  // two partial sums per row break the floating-point dependency chain (about 2× faster)
  for (let i = 1; i < n; i++) {
    const ri = i * n;
    let s0 = x[i];
    let s1 = 0;
    let j = 0;
    for (; j + 1 < i; j += 2) {
      s0 -= lu[ri + j] * x[j];
      s1 -= lu[ri + j + 1] * x[j + 1];
    }
    if (j < i) s0 -= lu[ri + j] * x[j];
    x[i] = s0 + s1;
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    let s0 = x[i];
    let s1 = 0;
    let j = i + 1;
    for (; j + 1 < n; j += 2) {
      s0 -= lu[ri + j] * x[j];
      s1 -= lu[ri + j + 1] * x[j + 1];
    }
    if (j < n) s0 -= lu[ri + j] * x[j];
    x[i] = (s0 + s1) / lu[ri + i];
  }
  return x;
}
