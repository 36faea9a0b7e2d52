/**
 * In-place LU factorisation with partial pivoting (row-major n×n), the matching dense and sparse
 * triangular solves, and a fill-reducing ordering. Hand-written because `@odeon/ode` has no
 * dependencies and the matrices are small (n ≤ a few hundred): the stiff solvers factorise once per step
 * and solve once per stage, so these are plain loops over flat typed arrays. The iteration matrices of
 * reaction networks are sparse; the factorisation skips exact zeros, a minimum-degree ordering
 * (`minimumDegreeOrder`) keeps the factors sparse, and `luCompress` + `luSolveSparse` solve with the
 * nonzeros only.
 */

/**
 * Factorises `lu` (row-major n×n, overwritten with L below the diagonal and U on and above it) and
 * writes the pivot rows into `piv`. Returns `lu`, or `null` when a pivot is exactly zero or non-finite.
 * Rows with a zero multiplier are skipped, and a pivot row with few nonzeros right of the diagonal is
 * applied through the list of its nonzero columns (`cols`, length n, scratch).
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
    // a contiguous loop beats the indexed one unless the pivot row is mostly zeros (measured)
    const indexed = 3 * nc < n - k - 1;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const a = lu[ri + k];
      if (a === 0) continue;
      const l = a * inv;
      lu[ri + k] = l;
      if (nc === 0) continue;
      if (indexed) {
        for (let c = 0; c < nc; c++) {
          const j = cols[c];
          lu[ri + j] -= l * lu[rk + j];
        }
      } else {
        for (let j = k + 1; j < n; j++) lu[ri + j] -= l * lu[rk + j];
      }
    }
  }
  return lu;
}

/** Applies `luFactor`'s row exchanges to the n entries of `x` from offset `o` (P·b), in place. */
function exchangeRows(x: Float64Array, piv: Int32Array, n: number, o: number): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) {
      const tmp = x[o + k];
      x[o + k] = x[o + p];
      x[o + p] = tmp;
    }
  }
}

/** Undoes `luFactor`'s row exchanges on `x` (Pᵀ·w: the same swaps in reverse order), in place. */
function unexchangeRows(x: Float64Array, piv: Int32Array, n: number): void {
  for (let k = n - 1; k >= 0; k--) {
    const p = piv[k];
    if (p !== k) {
      const tmp = x[k];
      x[k] = x[p];
      x[p] = tmp;
    }
  }
}

/** Solves (LU) x = b in place with the dense factors of `luFactor`: `x` holds b on entry and the solution on return. */
export function luSolve(x: Float64Array, lu: Float64Array, piv: Int32Array, n: number): Float64Array {
  exchangeRows(x, piv, n, 0);
  // two partial sums per row break the floating-point dependency chain
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

/**
 * Solves (LU)ᵀ x = Aᵀ x = b in place with the dense factors of `luFactor` (PA = LU, so Aᵀ = Uᵀ Lᵀ P):
 * Uᵀ z = b by forward substitution, Lᵀ w = z by back substitution (unit diagonal), then x = Pᵀ w by
 * undoing the row exchanges in reverse order. The discrete adjoint of a Rosenbrock step needs it.
 */
export function luSolveTranspose(
  x: Float64Array,
  lu: Float64Array,
  piv: Int32Array,
  n: number,
): Float64Array {
  // column-oriented substitutions, so both sweeps read rows of the row-major factors contiguously
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    const xj = x[j] / lu[rj + j];
    x[j] = xj;
    if (xj === 0) continue;
    for (let i = j + 1; i < n; i++) x[i] -= lu[rj + i] * xj;
  }
  for (let j = n - 1; j > 0; j--) {
    const rj = j * n;
    const xj = x[j];
    if (xj === 0) continue;
    for (let i = 0; i < j; i++) x[i] -= lu[rj + i] * xj;
  }
  unexchangeRows(x, piv, n);
  return x;
}

/** `luSolve` on the n entries of `x` from offset `o` (the rest of `x` is untouched). */
export function luSolveAt(
  x: Float64Array,
  lu: Float64Array,
  piv: Int32Array,
  n: number,
  o: number,
): Float64Array {
  exchangeRows(x, piv, n, o);
  for (let i = 1; i < n; i++) {
    const ri = i * n;
    let s = x[o + i];
    for (let j = 0; j < i; j++) s -= lu[ri + j] * x[o + j];
    x[o + i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    let s = x[o + i];
    for (let j = i + 1; j < n; j++) s -= lu[ri + j] * x[o + j];
    x[o + i] = s / lu[ri + i];
  }
  return x;
}

/**
 * The nonzeros of LU factors in compressed rows: the strictly lower part (unit L) in `lStart`/`lCol`/
 * `lVal`, the strictly upper part of U in `uStart`/`uCol`/`uVal`, and 1/U_ii in `invDiag`. Allocated once
 * for n (capacity n(n−1)/2 per triangle) and refilled by `luCompress` after each factorisation.
 */
export class LuCompressed {
  readonly n: number;
  readonly lStart: Int32Array;
  readonly lCol: Int32Array;
  readonly lVal: Float64Array;
  readonly uStart: Int32Array;
  readonly uCol: Int32Array;
  readonly uVal: Float64Array;
  readonly invDiag: Float64Array;
  /** Stored off-diagonal nonzeros (L and U together). */
  nnz = 0;

  constructor(n: number) {
    const cap = Math.max(1, (n * (n - 1)) >> 1);
    this.n = n;
    this.lStart = new Int32Array(n + 1);
    this.lCol = new Int32Array(cap);
    this.lVal = new Float64Array(cap);
    this.uStart = new Int32Array(n + 1);
    this.uCol = new Int32Array(cap);
    this.uVal = new Float64Array(cap);
    this.invDiag = new Float64Array(n);
  }
}

/**
 * Fills `out` with the nonzeros of the dense factors `lu` (from `luFactor`, n×n) and returns it; no
 * allocation. `out.nnz / (n·(n−1))` is the off-diagonal fill fraction.
 */
export function luCompress(out: LuCompressed, lu: Float64Array, n: number): LuCompressed {
  const { lStart, lCol, lVal, uStart, uCol, uVal, invDiag } = out;
  let nl = 0;
  let nu = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    lStart[i] = nl;
    for (let j = 0; j < i; j++) {
      const v = lu[ri + j];
      if (v !== 0) {
        lCol[nl] = j;
        lVal[nl++] = v;
      }
    }
    uStart[i] = nu;
    for (let j = i + 1; j < n; j++) {
      const v = lu[ri + j];
      if (v !== 0) {
        uCol[nu] = j;
        uVal[nu++] = v;
      }
    }
    invDiag[i] = 1 / lu[ri + i];
  }
  lStart[n] = nl;
  uStart[n] = nu;
  out.nnz = nl + nu;
  return out;
}

/**
 * Solves (LU) x = b in place with the compressed factors of `luCompress` and the pivots of `luFactor`:
 * `x` holds b on entry and the solution on return. Same result as `luSolve` up to the order of the sums.
 */
export function luSolveSparse(x: Float64Array, f: LuCompressed, piv: Int32Array, n: number): Float64Array {
  exchangeRows(x, piv, n, 0);
  const { lStart, lCol, lVal, uStart, uCol, uVal, invDiag } = f;
  for (let i = 1; i < n; i++) {
    let s = x[i];
    const end = lStart[i + 1];
    for (let q = lStart[i]; q < end; q++) s -= lVal[q] * x[lCol[q]];
    x[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    const end = uStart[i + 1];
    for (let q = uStart[i]; q < end; q++) s -= uVal[q] * x[uCol[q]];
    x[i] = s * invDiag[i];
  }
  return x;
}

/**
 * Writes into `out` (length n) a minimum-degree elimination order of the symmetrised nonzero pattern
 * `pattern` (row-major n×n, nonzero = structurally nonzero) and returns it: factorising the symmetrically
 * permuted matrix A[out[i], out[j]] creates far less fill than the natural order for reaction networks
 * (POLLU: 89 instead of 240 off-diagonal nonzeros). `adj` (n×n) and `done` (n) are scratch. O(n³) worst
 * case; meant to run when the pattern changes, not per step.
 */
export function minimumDegreeOrder(
  out: Int32Array,
  pattern: Uint8Array,
  n: number,
  adj: Uint8Array = new Uint8Array(n * n),
  done: Uint8Array = new Uint8Array(n),
): Int32Array {
  for (let i = 0; i < n; i++) {
    done[i] = 0;
    for (let j = 0; j < n; j++) adj[i * n + j] = pattern[i * n + j] !== 0 || pattern[j * n + i] !== 0 ? 1 : 0;
  }
  for (let step = 0; step < n; step++) {
    let best = -1;
    let bestDeg = n + 1;
    for (let v = 0; v < n; v++) {
      if (done[v] === 1) continue;
      let d = 0;
      const rv = v * n;
      for (let w = 0; w < n; w++) if (w !== v && done[w] === 0 && adj[rv + w] === 1) d++;
      if (d < bestDeg) {
        bestDeg = d;
        best = v;
      }
    }
    out[step] = best;
    done[best] = 1;
    // eliminating `best` connects all its remaining neighbours (the fill of the elimination graph)
    const rb = best * n;
    for (let a = 0; a < n; a++) {
      if (done[a] === 1 || adj[rb + a] === 0 || a === best) continue;
      const ra = a * n;
      for (let b = 0; b < n; b++)
        if (done[b] === 0 && adj[rb + b] === 1 && b !== a && b !== best) adj[ra + b] = 1;
    }
  }
  return out;
}

/**
 * A sparse LU of a matrix with a fixed nonzero pattern, symmetrically permuted by a fill-reducing order
 * and factorised without row exchanges on the precomputed fill pattern (compressed rows: L left of the
 * diagonal, U right of it, 1/U_ii apart). `factor` accepts the factorisation only when every multiplier
 * satisfies |l_ik| ≤ 1, i.e. exactly when partial pivoting would not have exchanged rows either (so the
 * factors are those of `luFactor` up to round-off); otherwise it returns false and the caller falls back
 * to the dense pivoting path. The stiff solvers' W = I/(hγ) − J is diagonally dominant for all but the
 * largest steps, so the fallback is rare. Allocated once for n; `analyse` refills it when the pattern changes.
 */
export class SparseLu {
  readonly n: number;
  /** The order: the factorised matrix is A[perm[i], perm[j]]. */
  readonly perm: Int32Array;
  /** Row i of the factors occupies [rowStart[i], rowStart[i+1]); its diagonal sits at diagPos[i]. */
  readonly rowStart: Int32Array;
  readonly diagPos: Int32Array;
  readonly col: Int32Array;
  readonly val: Float64Array;
  /** Index into the (unpermuted, row-major) input matrix of each stored entry, −1 for fill. */
  readonly src: Int32Array;
  readonly invDiag: Float64Array;
  /** Stored entries including the diagonal and the fill. */
  nnz = 0;
  private readonly fill: Uint8Array;
  private readonly work: Float64Array;
  private readonly xtmp: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.perm = new Int32Array(n);
    this.rowStart = new Int32Array(n + 1);
    this.diagPos = new Int32Array(n);
    this.col = new Int32Array(n * n);
    this.val = new Float64Array(n * n);
    this.src = new Int32Array(n * n);
    this.invDiag = new Float64Array(n);
    this.fill = new Uint8Array(n * n);
    this.work = new Float64Array(n);
    this.xtmp = new Float64Array(n);
  }

  /**
   * Symbolic factorisation: the fill pattern of the matrices with nonzero `pattern` (n×n, plus the
   * diagonal) in the order `perm`, without row exchanges. Returns the number of stored entries. O(n³)
   * bit operations at worst; run it when the pattern or the order changes, not per step.
   */
  analyse(pattern: Uint8Array, perm: Int32Array): number {
    const { n, fill, rowStart, diagPos, col, src } = this;
    this.perm.set(perm);
    for (let i = 0; i < n; i++) {
      const pi = perm[i] * n;
      for (let j = 0; j < n; j++) fill[i * n + j] = i === j || pattern[pi + perm[j]] !== 0 ? 1 : 0;
    }
    for (let k = 0; k < n; k++) {
      const rk = k * n;
      for (let i = k + 1; i < n; i++) {
        if (fill[i * n + k] === 0) continue;
        const ri = i * n;
        for (let j = k + 1; j < n; j++) if (fill[rk + j] !== 0) fill[ri + j] = 1;
      }
    }
    let q = 0;
    for (let i = 0; i < n; i++) {
      rowStart[i] = q;
      const ri = i * n;
      const pi = perm[i] * n;
      for (let j = 0; j < n; j++) {
        if (fill[ri + j] === 0) continue;
        if (j === i) diagPos[i] = q;
        col[q] = j;
        src[q] = i === j || pattern[pi + perm[j]] !== 0 ? pi + perm[j] : -1;
        q++;
      }
    }
    rowStart[n] = q;
    this.nnz = q;
    return q;
  }

  /**
   * Numeric factorisation of scale·A + shift·I (A row-major n×n, unpermuted) on the analysed pattern.
   * Returns false when a pivot is zero or non-finite or a multiplier exceeds 1 in magnitude (partial
   * pivoting would exchange rows): use the dense path then.
   */
  factor(a: Float64Array, scale: number, shift: number): boolean {
    const { n, rowStart, diagPos, col, val, src, invDiag, work } = this;
    for (let i = 0; i < n; i++) {
      const end = rowStart[i + 1];
      for (let q = rowStart[i]; q < end; q++) {
        const s = src[q];
        work[col[q]] = s < 0 ? 0 : scale * a[s];
      }
      work[i] += shift;
      const dp = diagPos[i];
      for (let q = rowStart[i]; q < dp; q++) {
        const k = col[q];
        const l = work[k] * invDiag[k];
        if (!(Math.abs(l) <= 1)) return false;
        work[k] = l;
        if (l === 0) continue;
        const ke = rowStart[k + 1];
        for (let r = diagPos[k] + 1; r < ke; r++) work[col[r]] -= l * val[r];
      }
      for (let q = rowStart[i]; q < end; q++) val[q] = work[col[q]];
      const d = val[dp];
      if (!(Math.abs(d) > 0) || Math.abs(d) === Number.POSITIVE_INFINITY) return false;
      invDiag[i] = 1 / d;
    }
    return true;
  }

  /**
   * Solves Aᵀ x = b in place with the last successful `factor` (`x` holds b on entry): with
   * P A Pᵀ = L U, Uᵀ z = P b then Lᵀ w = z by column sweeps over the stored rows, x = Pᵀ w.
   */
  solveTranspose(x: Float64Array): Float64Array {
    const { n, perm, rowStart, diagPos, col, val, invDiag, xtmp } = this;
    for (let i = 0; i < n; i++) xtmp[i] = x[perm[i]];
    for (let i = 0; i < n; i++) {
      const zi = xtmp[i] * invDiag[i];
      xtmp[i] = zi;
      if (zi === 0) continue;
      const end = rowStart[i + 1];
      for (let q = diagPos[i] + 1; q < end; q++) xtmp[col[q]] -= val[q] * zi;
    }
    for (let i = n - 1; i >= 0; i--) {
      const wi = xtmp[i];
      x[perm[i]] = wi;
      if (wi === 0) continue;
      const dp = diagPos[i];
      for (let q = rowStart[i]; q < dp; q++) xtmp[col[q]] -= val[q] * wi;
    }
    return x;
  }

  /** Solves A x = b in place with the last successful `factor` (`x` holds b on entry). */
  solve(x: Float64Array): Float64Array {
    const { n, perm, rowStart, diagPos, col, val, invDiag, xtmp } = this;
    for (let i = 0; i < n; i++) {
      let s = x[perm[i]];
      const dp = diagPos[i];
      for (let q = rowStart[i]; q < dp; q++) s -= val[q] * xtmp[col[q]];
      xtmp[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = xtmp[i];
      const end = rowStart[i + 1];
      for (let q = diagPos[i] + 1; q < end; q++) s -= val[q] * xtmp[col[q]];
      s *= invDiag[i];
      xtmp[i] = s;
      x[perm[i]] = s;
    }
    return x;
  }
}
