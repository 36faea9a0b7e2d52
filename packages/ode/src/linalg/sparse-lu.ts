import { OdeonError } from '../errors.ts';
import { minimumDegreeOrder } from './ordering.ts';
import type { SparsityPattern } from './sparsity.ts';

/** Options of `SparseLu`. */
export interface SparseLuOptions {
  /**
   * Threshold partial pivoting: the diagonal entry stays the pivot while |a_kk| ≥ tol·max_i |a_ik|
   * (KLU's default 0.001); a refactorisation whose pivot falls below this is redone with fresh pivoting.
   */
  readonly pivotTolerance?: number;
  /** A fill-reducing column order; default: `minimumDegreeOrder` of A + Aᵀ. */
  readonly order?: Int32Array;
}

const SPARSE_LU_DEFAULTS = { pivotTolerance: 1e-3 } as const;

/**
 * A sparse LU factorisation in the style of KLU (Davis & Palamadai Natarajan 2010), for a matrix A
 * given in compressed sparse columns (`SparsityPattern` read column-wise: `rowPtr` = column pointers,
 * `colIdx` = row indices; a CSR pattern passed here therefore describes Aᵀ, see `solveTranspose`).
 *
 * - `constructor`: the fill-reducing column order (approximate minimum degree of A + Aᵀ), workspaces.
 * - `factor(values)`: first the diagonal pivots on the symbolic (elimination-tree) structure of
 *   Q(A + Aᵀ)Qᵀ; when a diagonal pivot fails the threshold test, a left-looking Gilbert–Peierls
 *   factorisation P·A·Q = L·U with threshold partial pivoting (the diagonal preferred, so the
 *   symmetric fill-reducing order survives).
 * - `refactor(values)`: numeric refactorisation on the pivot sequence and the L/U patterns of the last
 *   `factor` (no graph search, no allocation). Supernodal: columns of L with nested patterns form
 *   supernodes, and each run of U(:, k) inside one is applied eight or four columns at a time on contiguous
 *   rows. Returns false when a pivot fails the threshold test; the caller calls `factor` then.
 * - `solve(x)` (A x = b) and `solveTranspose(x)` (Aᵀ x = b), in place.
 *
 * Singular matrices raise `SingularMatrix` with the column (and the row) at fault.
 */
export class SparseLu {
  readonly n: number;
  /** The column order Q: column k of the factors is column `q[k]` of A. */
  readonly q: Int32Array;
  /** Row permutation: row i of A is row `pinv[i]` of the factors. */
  readonly pinv: Int32Array;
  private readonly colPtr: Int32Array;
  private readonly rowIdx: Int32Array;
  private readonly tol: number;
  // factors (CSC): L unit lower with its diagonal first in each column, U with its diagonal last
  private lp: Int32Array;
  private li: Int32Array;
  private lx: Float64Array;
  private up: Int32Array;
  private ui: Int32Array;
  private ux: Float64Array;
  private readonly x: Float64Array;
  private readonly xi: Int32Array;
  private readonly stack: Int32Array;
  private readonly pstack: Int32Array;
  private readonly mark: Int32Array;
  private stamp = 0;
  // supernodal plan of `refactor` (built by `factor`): the last column of each column's supernode, and
  // per column k the runs of U(:, k) inside one supernode (first row, last row, offset in ux)
  private readonly snEnd: Int32Array;
  private readonly snStart: Int32Array;
  private readonly segPtr: Int32Array;
  private segF: Int32Array;
  private segE: Int32Array;
  private segU: Int32Array;
  /** A factorisation is available. */
  factored = false;

  constructor(pattern: SparsityPattern, options: SparseLuOptions = {}) {
    const n = pattern.n;
    this.n = n;
    this.colPtr = pattern.rowPtr;
    this.rowIdx = pattern.colIdx;
    this.tol = options.pivotTolerance ?? SPARSE_LU_DEFAULTS.pivotTolerance;
    this.q = options.order ?? minimumDegreeOrder(pattern);
    this.pinv = new Int32Array(n);
    const cap = Math.max(4 * pattern.rowPtr[n], n) + n;
    this.lp = new Int32Array(n + 1);
    this.li = new Int32Array(cap);
    this.lx = new Float64Array(cap);
    this.up = new Int32Array(n + 1);
    this.ui = new Int32Array(cap);
    this.ux = new Float64Array(cap);
    this.x = new Float64Array(n);
    this.xi = new Int32Array(n);
    this.stack = new Int32Array(n);
    this.pstack = new Int32Array(n);
    this.mark = new Int32Array(n).fill(-1);
    this.snEnd = new Int32Array(n);
    this.snStart = new Int32Array(n);
    this.segPtr = new Int32Array(n + 1);
    this.segF = new Int32Array(n);
    this.segE = new Int32Array(n);
    this.segU = new Int32Array(n);
  }

  /** Flops of one (re)factorisation with the current patterns (multiply-adds count two). */
  flops = 0;

  /** Stored entries of L and U (with both diagonals). */
  get factorNnz(): number {
    return this.lp[this.n] + this.up[this.n];
  }

  /**
   * Full numeric factorisation with threshold partial pivoting; `values` are A's entries in the
   * pattern's order. Throws `SingularMatrix` when a column has no usable pivot.
   */
  factor(values: Float64Array): void {
    // first the diagonal pivots on the symbolic structure of A + Aᵀ (no search); partial pivoting
    // only when a diagonal pivot fails the threshold test
    this.symbolicDiagonal();
    if (this.refactor(values)) return;
    this.factorPivoting(values);
  }

  /**
   * The structure of L and U for diagonal pivots: the Cholesky pattern of Q(A + Aᵀ)Qᵀ from its
   * elimination tree (row k of L, = column k of U, is the union of the tree paths from the entries of
   * row k), a superset of the LU pattern of QᵀAQ without row exchanges. O(nnz(L)), no numerics.
   */
  private symbolicDiagonal(): void {
    const { n, colPtr, rowIdx, q, pinv, mark } = this;
    const qinv = this.xi;
    for (let k = 0; k < n; k++) qinv[q[k]] = k;
    // the lower triangle of Q(A + Aᵀ)Qᵀ by rows: entries (k, j), j < k (duplicates are harmless)
    const cnt = this.stack;
    cnt.fill(0);
    for (let c = 0; c < n; c++)
      for (let p = colPtr[c]; p < colPtr[c + 1]; p++) {
        const i = qinv[rowIdx[p]];
        const k = qinv[c];
        if (i !== k) cnt[Math.max(i, k)]++;
      }
    const rp = this.segPtr;
    rp[0] = 0;
    for (let k = 0; k < n; k++) rp[k + 1] = rp[k] + cnt[k];
    if (this.segF.length < rp[n]) this.growSegments(rp[n]);
    const rj = this.segF;
    for (let k = 0; k < n; k++) cnt[k] = rp[k];
    for (let c = 0; c < n; c++)
      for (let p = colPtr[c]; p < colPtr[c + 1]; p++) {
        const i = qinv[rowIdx[p]];
        const k = qinv[c];
        if (i > k) rj[cnt[i]++] = k;
        else if (k > i) rj[cnt[k]++] = i;
      }
    // elimination tree (Liu, with path compression through `ancestor`)
    const parent = this.pstack;
    const ancestor = cnt;
    for (let k = 0; k < n; k++) {
      parent[k] = -1;
      ancestor[k] = -1;
      for (let p = rp[k]; p < rp[k + 1]; p++) {
        let j = rj[p];
        while (j !== -1 && j < k) {
          const next = ancestor[j];
          ancestor[j] = k;
          if (next === -1) parent[j] = k;
          j = next;
        }
      }
    }
    // U(:, k) = row k of L: the tree paths from each j up to k; L's column counts on the way
    const lcount = ancestor;
    lcount.fill(1);
    let unz = 0;
    mark.fill(-1);
    for (let k = 0; k < n; k++) {
      this.up[k] = unz;
      mark[k] = k;
      for (let p = rp[k]; p < rp[k + 1]; p++)
        for (let j = rj[p]; mark[j] !== k; j = parent[j]) {
          mark[j] = k;
          if (unz === this.ui.length) this.growU(unz + n);
          this.ui[unz++] = j;
          lcount[j]++;
        }
      sortIndices(this.ui, this.up[k], unz);
      if (unz === this.ui.length) this.growU(unz + n);
      this.ui[unz++] = k;
    }
    this.up[n] = unz;
    let lnz = 0;
    for (let j = 0; j < n; j++) {
      this.lp[j] = lnz;
      lnz += lcount[j];
    }
    this.lp[n] = lnz;
    if (lnz > this.li.length) this.growL(lnz);
    const { lp, li, up, ui } = this;
    const fillPos = lcount;
    for (let j = 0; j < n; j++) {
      li[lp[j]] = j;
      fillPos[j] = lp[j] + 1;
    }
    // column k of U lists the columns j whose L(:, j) has row k; k ascending keeps L's rows sorted
    for (let k = 0; k < n; k++) for (let p = up[k]; p < up[k + 1] - 1; p++) li[fillPos[ui[p]]++] = k;
    for (let k = 0; k < n; k++) pinv[q[k]] = k;
    mark.fill(-1);
    this.stamp = 0;
    this.plan();
    this.factored = true;
  }

  /** The full factorisation with threshold partial pivoting (Gilbert–Peierls with a DFS per column). */
  private factorPivoting(values: Float64Array): void {
    const { n, colPtr, rowIdx, q, pinv, x, xi, tol } = this;
    pinv.fill(-1);
    let lnz = 0;
    let unz = 0;
    this.factored = false;
    for (let k = 0; k < n; k++) {
      this.lp[k] = lnz;
      this.up[k] = unz;
      if (lnz + n > this.li.length) this.growL(lnz + n);
      if (unz + n > this.ui.length) this.growU(unz + n);
      const { lp, li, lx, ui, ux } = this;
      const col = q[k];
      // x = L \ A(:, col) on the reach of A(:, col) in the graph of L
      const top = this.reach(col, lp, li, k);
      for (let p = top; p < n; p++) x[xi[p]] = 0;
      for (let p = colPtr[col]; p < colPtr[col + 1]; p++) x[rowIdx[p]] = values[p];
      for (let p = top; p < n; p++) {
        const j = xi[p];
        const jj = pinv[j];
        if (jj < 0) continue;
        const xj = x[j];
        const end = jj === k ? lnz : lp[jj + 1];
        for (let r = lp[jj] + 1; r < end; r++) x[li[r]] -= lx[r] * xj;
      }
      // pivot: the largest candidate, but the diagonal (row col) when it passes the threshold
      let ipiv = -1;
      let amax = -1;
      for (let p = top; p < n; p++) {
        const i = xi[p];
        // a NaN or infinity enters in this column (earlier columns were finite): report it here
        if (!Number.isFinite(x[i])) {
          for (let r = top; r < n; r++) x[xi[r]] = 0;
          throw this.singular(k, col, i);
        }
        if (pinv[i] < 0) {
          const a = Math.abs(x[i]);
          if (a > amax) {
            amax = a;
            ipiv = i;
          }
        } else {
          ui[unz] = pinv[i];
          ux[unz++] = x[i];
        }
      }
      if (ipiv < 0 || !(amax > 0)) {
        for (let r = top; r < n; r++) x[xi[r]] = 0;
        throw this.singular(k, col, -1);
      }
      if (pinv[col] < 0 && Math.abs(x[col]) >= tol * amax && x[col] !== 0) ipiv = col;
      const pivot = x[ipiv];
      ui[unz] = k;
      ux[unz++] = pivot;
      pinv[ipiv] = k;
      li[lnz] = ipiv;
      lx[lnz++] = 1;
      for (let p = top; p < n; p++) {
        const i = xi[p];
        if (pinv[i] < 0) {
          li[lnz] = i;
          lx[lnz++] = x[i] / pivot;
        }
        x[i] = 0;
      }
    }
    this.lp[n] = lnz;
    this.up[n] = unz;
    // L's row indices in pivot order, so that refactor and the solves work in factor coordinates
    for (let p = 0; p < lnz; p++) this.li[p] = pinv[this.li[p]];
    this.plan();
    this.factored = true;
  }

  /**
   * Sorts the rows of every column of L and U and finds the supernodes: maximal runs of columns j..s
   * with L(:, j) = {j+1} ∪ L(:, j+1), so each column of a supernode holds the rows up to its end
   * contiguously, then the supernode's common rows below. Then splits each U(:, k) into runs of
   * consecutive rows of one supernode, which `refactor` applies eight or four columns at a time.
   */
  private plan(): void {
    const { n, lp, li, lx, up, ui, ux, snEnd, segPtr } = this;
    for (let k = 0; k < n; k++) {
      sortColumn(li, lx, lp[k] + 1, lp[k + 1], this.x);
      sortColumn(ui, ux, up[k], up[k + 1] - 1, this.x);
    }
    snEnd[n - 1] = n - 1;
    for (let k = n - 2; k >= 0; k--) {
      const a = lp[k];
      const b = lp[k + 1];
      let same = b - a === lp[k + 2] - b + 1 && li[a + 1] === k + 1;
      for (let t = 2; same && a + t < b; t++) if (li[a + t] !== li[b + t - 1]) same = false;
      snEnd[k] = same ? snEnd[k + 1] : k;
    }
    for (let k = 0; k < n; k++)
      this.snStart[k] = k > 0 && snEnd[k - 1] === snEnd[k] ? this.snStart[k - 1] : k;
    let ns = 0;
    for (let k = 0; k < n; k++) {
      segPtr[k] = ns;
      const end = up[k + 1] - 1;
      for (let p = up[k]; p < end; p++) {
        const i = ui[p];
        if (p > up[k] && i === ui[p - 1] + 1 && snEnd[i] === snEnd[i - 1]) {
          this.segE[ns - 1] = i;
          continue;
        }
        if (ns === this.segF.length) this.growSegments(2 * ns);
        this.segF[ns] = i;
        this.segE[ns] = i;
        this.segU[ns++] = p;
      }
    }
    segPtr[n] = ns;
    let flops = 0;
    for (let k = 0; k < n; k++)
      for (let p = up[k]; p < up[k + 1] - 1; p++) flops += 2 * (lp[ui[p] + 1] - lp[ui[p]] - 1);
    this.flops = flops + lp[n] - n;
  }

  /** Grows segF, segE and segU together to at least `cap` entries. */
  private growSegments(cap: number): void {
    for (const key of ['segF', 'segE', 'segU'] as const) {
      const a = new Int32Array(cap);
      a.set(this[key]);
      this[key] = a;
    }
  }

  /**
   * Numeric refactorisation on the pivot sequence and patterns of the last `factor` (no allocation).
   * Returns false (factors invalid) when a pivot is zero, non-finite or fails the threshold test against
   * its column; call `factor` then.
   */
  refactor(values: Float64Array): boolean {
    if (!this.factored) return false;
    const { n, colPtr, rowIdx, q, pinv, x, lp, li, lx, up, ux, tol, snEnd, segPtr, segF, segE, segU } = this;
    for (let k = 0; k < n; k++) {
      const col = q[k];
      for (let p = colPtr[col]; p < colPtr[col + 1]; p++) x[pinv[rowIdx[p]]] = values[p];
      const uEnd = up[k + 1] - 1;
      // U(:, k) run by run: rows f..e of one supernode ending at s (column j of it holds rows
      // j+1..s at lp[j]+1.., then the supernode's common rows below s)
      for (let g = segPtr[k]; g < segPtr[k + 1]; g++) {
        const f = segF[g];
        const e = segE[g];
        const s = snEnd[f];
        let j = f;
        for (; j + 7 <= e; j += 8) {
          const p0 = lp[j];
          const p1 = lp[j + 1];
          const p2 = lp[j + 2];
          const p3 = lp[j + 3];
          const p4 = lp[j + 4];
          const p5 = lp[j + 5];
          const p6 = lp[j + 6];
          const p7 = lp[j + 7];
          const a0 = x[j];
          const a1 = x[j + 1] - lx[p0 + 1] * a0;
          const a2 = x[j + 2] - lx[p0 + 2] * a0 - lx[p1 + 1] * a1;
          const a3 = x[j + 3] - lx[p0 + 3] * a0 - lx[p1 + 2] * a1 - lx[p2 + 1] * a2;
          const a4 = x[j + 4] - lx[p0 + 4] * a0 - lx[p1 + 3] * a1 - lx[p2 + 2] * a2 - lx[p3 + 1] * a3;
          const a5 =
            x[j + 5] -
            lx[p0 + 5] * a0 -
            lx[p1 + 4] * a1 -
            lx[p2 + 3] * a2 -
            lx[p3 + 2] * a3 -
            lx[p4 + 1] * a4;
          const a6 =
            x[j + 6] -
            lx[p0 + 6] * a0 -
            lx[p1 + 5] * a1 -
            lx[p2 + 4] * a2 -
            lx[p3 + 3] * a3 -
            lx[p4 + 2] * a4 -
            lx[p5 + 1] * a5;
          const a7 =
            x[j + 7] -
            lx[p0 + 7] * a0 -
            lx[p1 + 6] * a1 -
            lx[p2 + 5] * a2 -
            lx[p3 + 4] * a3 -
            lx[p4 + 3] * a4 -
            lx[p5 + 2] * a5 -
            lx[p6 + 1] * a6;
          x[j + 1] = a1;
          x[j + 2] = a2;
          x[j + 3] = a3;
          x[j + 4] = a4;
          x[j + 5] = a5;
          x[j + 6] = a6;
          x[j + 7] = a7;
          const m = s - j - 7;
          const b0 = p0 + 8;
          const b1 = p1 + 7;
          const b2 = p2 + 6;
          const b3 = p3 + 5;
          const b4 = p4 + 4;
          const b5 = p5 + 3;
          const b6 = p6 + 2;
          const b7 = p7 + 1;
          const r = j + 8;
          for (let t = 0; t < m; t++)
            x[r + t] -=
              lx[b0 + t] * a0 +
              lx[b1 + t] * a1 +
              lx[b2 + t] * a2 +
              lx[b3 + t] * a3 +
              lx[b4 + t] * a4 +
              lx[b5 + t] * a5 +
              lx[b6 + t] * a6 +
              lx[b7 + t] * a7;
          const c0 = b0 + m;
          const c1 = b1 + m;
          const c2 = b2 + m;
          const c3 = b3 + m;
          const c4 = b4 + m;
          const c5 = b5 + m;
          const c6 = b6 + m;
          const c7 = b7 + m;
          const cn = p1 - c0;
          for (let t = 0; t < cn; t++) {
            const i = li[c0 + t];
            x[i] -=
              lx[c0 + t] * a0 +
              lx[c1 + t] * a1 +
              lx[c2 + t] * a2 +
              lx[c3 + t] * a3 +
              lx[c4 + t] * a4 +
              lx[c5 + t] * a5 +
              lx[c6 + t] * a6 +
              lx[c7 + t] * a7;
          }
        }
        for (; j + 3 <= e; j += 4) {
          const p0 = lp[j];
          const p1 = lp[j + 1];
          const p2 = lp[j + 2];
          const p3 = lp[j + 3];
          const a0 = x[j];
          const a1 = x[j + 1] - lx[p0 + 1] * a0;
          const a2 = x[j + 2] - lx[p0 + 2] * a0 - lx[p1 + 1] * a1;
          const a3 = x[j + 3] - lx[p0 + 3] * a0 - lx[p1 + 2] * a1 - lx[p2 + 1] * a2;
          x[j + 1] = a1;
          x[j + 2] = a2;
          x[j + 3] = a3;
          // rows j+4..s (contiguous), then the common rows
          const m = s - j - 3;
          const b0 = p0 + 4;
          const b1 = p1 + 3;
          const b2 = p2 + 2;
          const b3 = p3 + 1;
          const r = j + 4;
          for (let t = 0; t < m; t++)
            x[r + t] -= lx[b0 + t] * a0 + lx[b1 + t] * a1 + lx[b2 + t] * a2 + lx[b3 + t] * a3;
          const c0 = b0 + m;
          const c1 = b1 + m;
          const c2 = b2 + m;
          const c3 = b3 + m;
          const cn = p1 - c0;
          for (let t = 0; t < cn; t++) {
            const i = li[c0 + t];
            x[i] -= lx[c0 + t] * a0 + lx[c1 + t] * a1 + lx[c2 + t] * a2 + lx[c3 + t] * a3;
          }
        }
        for (; j <= e; j++) {
          const xj = x[j];
          if (xj === 0) continue;
          const end = lp[j + 1];
          for (let r = lp[j] + 1; r < end; r++) x[li[r]] -= lx[r] * xj;
        }
        const u = segU[g] - f;
        for (let i = f; i <= e; i++) {
          ux[u + i] = x[i];
          x[i] = 0;
        }
      }
      const pivot = x[k];
      x[k] = 0;
      ux[uEnd] = pivot;
      const lEnd = lp[k + 1];
      // scale the column of L and test the pivot against it in one pass (KLU's threshold test)
      const inv = 1 / pivot;
      let amax = 0;
      let sum = 0; // NaN or ∞ anywhere in the column shows here
      for (let r = lp[k] + 1; r < lEnd; r++) {
        const i = li[r];
        const v = x[i];
        const a = v < 0 ? -v : v;
        if (a > amax) amax = a;
        sum += a;
        lx[r] = v * inv;
        x[i] = 0;
      }
      if (!(Math.abs(pivot) >= tol * amax) || pivot === 0 || !Number.isFinite(sum)) {
        this.factored = false;
        return false;
      }
    }
    return true;
  }

  /** Solves A x = b in place (`x` holds b on entry). */
  solve(x: Float64Array): Float64Array {
    const { n, q, pinv, lp, li, lx, up, ui, ux } = this;
    const w = this.x;
    for (let i = 0; i < n; i++) w[pinv[i]] = x[i];
    for (let k = 0; k < n; k++) {
      const wk = w[k];
      if (wk === 0) continue;
      const end = lp[k + 1];
      for (let r = lp[k] + 1; r < end; r++) w[li[r]] -= lx[r] * wk;
    }
    for (let k = n - 1; k >= 0; k--) {
      const end = up[k + 1] - 1;
      const wk = w[k] / ux[end];
      w[k] = wk;
      if (wk === 0) continue;
      for (let r = up[k]; r < end; r++) w[ui[r]] -= ux[r] * wk;
    }
    for (let k = 0; k < n; k++) {
      x[q[k]] = w[k];
      w[k] = 0;
    }
    return x;
  }

  /** Solves Aᵀ x = b in place (`x` holds b on entry). */
  solveTranspose(x: Float64Array): Float64Array {
    const { n, q, pinv, lp, li, lx, up, ux, snStart, segPtr, segF, segE, segU } = this;
    const w = this.x;
    for (let k = 0; k < n; k++) w[k] = x[q[k]];
    // Uᵀ forward, U(:, k) run by run (contiguous rows of w)
    for (let k = 0; k < n; k++) {
      let s = w[k];
      for (let g = segPtr[k]; g < segPtr[k + 1]; g++) {
        const e = segE[g];
        const u = segU[g] - segF[g];
        for (let i = segF[g]; i <= e; i++) s -= ux[u + i] * w[i];
      }
      w[k] = s / ux[up[k + 1] - 1];
    }
    // Lᵀ backward, supernode by supernode: the common rows below (gathered once for four columns),
    // then the triangle inside
    for (let s1 = n - 1; s1 >= 0; ) {
      const s0 = snStart[s1];
      const rs = lp[s1] + 1;
      const m = lp[s1 + 1] - rs;
      let j = s1;
      for (; j - 3 >= s0; j -= 4) {
        const c0 = lp[j] + 1;
        const c1 = lp[j - 1] + 2;
        const c2 = lp[j - 2] + 3;
        const c3 = lp[j - 3] + 4;
        const o = s1 - j;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let t = 0; t < m; t++) {
          const v = w[li[rs + t]];
          a0 += lx[c0 + o + t] * v;
          a1 += lx[c1 + o + t] * v;
          a2 += lx[c2 + o + t] * v;
          a3 += lx[c3 + o + t] * v;
        }
        w[j] -= a0;
        w[j - 1] -= a1;
        w[j - 2] -= a2;
        w[j - 3] -= a3;
      }
      for (; j >= s0; j--) {
        const c = lp[j] + (s1 - j) + 1;
        let a = 0;
        for (let t = 0; t < m; t++) a += lx[c + t] * w[li[rs + t]];
        w[j] -= a;
      }
      for (let jj = s1 - 1; jj >= s0; jj--) {
        const p = lp[jj] - jj;
        let a = 0;
        for (let i = jj + 1; i <= s1; i++) a += lx[p + i] * w[i];
        w[jj] -= a;
      }
      s1 = s0 - 1;
    }
    for (let i = 0; i < n; i++) x[i] = w[pinv[i]];
    w.fill(0);
    return x;
  }

  /** Depth-first reach of the rows of A(:, col) through the columns of L done so far; returns top. */
  private reach(col: number, lp: Int32Array, li: Int32Array, k: number): number {
    const { n, colPtr, rowIdx, pinv, xi, stack, pstack, mark } = this;
    const stamp = ++this.stamp;
    let top = n;
    for (let p0 = colPtr[col]; p0 < colPtr[col + 1]; p0++) {
      const start = rowIdx[p0];
      if (mark[start] === stamp) continue;
      let head = 0;
      stack[0] = start;
      while (head >= 0) {
        const j = stack[head];
        const jj = pinv[j];
        if (mark[j] !== stamp) {
          mark[j] = stamp;
          pstack[head] = jj < 0 ? 0 : lp[jj] + 1;
        }
        let done = true;
        const end = jj < 0 ? 0 : jj === k ? pstack[head] : lp[jj + 1];
        for (let p = pstack[head]; p < end; p++) {
          const i = li[p];
          if (mark[i] === stamp) continue;
          pstack[head] = p + 1;
          stack[++head] = i;
          done = false;
          break;
        }
        if (done) {
          head--;
          xi[--top] = j;
        }
      }
    }
    return top;
  }

  private singular(k: number, col: number, row: number): OdeonError {
    this.factored = false;
    return new OdeonError(
      'SingularMatrix',
      row >= 0
        ? `The sparse matrix has a non-finite entry in column ${col}, row ${row} (elimination step ${k}).`
        : `The sparse matrix is singular: column ${col} has no nonzero pivot at elimination step ${k}.`,
      {
        column: col,
        ...(row >= 0 ? { row } : {}),
        hint: 'Check the Jacobian and its sparsity pattern (a missing entry or a structurally empty row/column makes the iteration matrix singular).',
      },
    );
  }

  private growL(min: number): void {
    const cap = Math.max(min, 2 * this.li.length);
    const li = new Int32Array(cap);
    li.set(this.li);
    const lx = new Float64Array(cap);
    lx.set(this.lx);
    this.li = li;
    this.lx = lx;
  }

  private growU(min: number): void {
    const cap = Math.max(min, 2 * this.ui.length);
    const ui = new Int32Array(cap);
    ui.set(this.ui);
    const ux = new Float64Array(cap);
    ux.set(this.ux);
    this.ui = ui;
    this.ux = ux;
  }
}

/**
 * Sorts idx[from..to) ascending, carrying val along; `work` is a zeroed scratch vector indexed by idx
 * (left zeroed). Insertion sort for short runs, a typed-array sort for long ones.
 */
function sortColumn(idx: Int32Array, val: Float64Array, from: number, to: number, work: Float64Array): void {
  if (to - from > 32) {
    for (let a = from; a < to; a++) work[idx[a]] = val[a];
    idx.subarray(from, to).sort();
    for (let a = from; a < to; a++) {
      val[a] = work[idx[a]];
      work[idx[a]] = 0;
    }
    return;
  }
  for (let a = from + 1; a < to; a++) {
    const i = idx[a];
    const v = val[a];
    let b = a - 1;
    while (b >= from && idx[b] > i) {
      idx[b + 1] = idx[b];
      val[b + 1] = val[b];
      b--;
    }
    idx[b + 1] = i;
    val[b + 1] = v;
  }
}

/** Sorts idx[from..to) ascending in place (insertion sort for short runs; no allocation then). */
function sortIndices(idx: Int32Array, from: number, to: number): void {
  if (to - from > 32) {
    idx.subarray(from, to).sort();
    return;
  }
  for (let a = from + 1; a < to; a++) {
    const i = idx[a];
    let b = a - 1;
    while (b >= from && idx[b] > i) {
      idx[b + 1] = idx[b];
      b--;
    }
    idx[b + 1] = i;
  }
}
