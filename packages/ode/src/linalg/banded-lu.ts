import { OdeonError } from '../errors.ts';

/**
 * LU factorisation with partial pivoting of an n×n band matrix with `ml` sub- and `mu` super-diagonals
 * (LAPACK's dgbtrf scheme): row-exchanges widen U to ml + mu super-diagonals, so each row stores
 * columns i − ml … i + ml + mu: entry (i, j) sits at `ab[i·width + j − i + ml]`, width = 2·ml + mu + 1.
 * Fill `ab` with `set` (or `clear` + `set`), then `factor`, then `solve` / `solveTranspose` in place.
 */
export class BandedLu {
  readonly n: number;
  readonly ml: number;
  readonly mu: number;
  readonly width: number;
  readonly ab: Float64Array;
  readonly piv: Int32Array;

  constructor(n: number, ml: number, mu: number) {
    this.n = n;
    this.ml = ml;
    this.mu = mu;
    this.width = 2 * ml + mu + 1;
    this.ab = new Float64Array(n * this.width);
    this.piv = new Int32Array(n);
  }

  /** Zeroes the matrix. */
  clear(): void {
    this.ab.fill(0);
  }

  /** Whether (i, j) is inside the band of A (|i − j| within ml below, mu above). */
  inBand(i: number, j: number): boolean {
    return j - i <= this.mu && i - j <= this.ml;
  }

  /** Sets A(i, j) (must be inside the band). */
  set(i: number, j: number, v: number): void {
    this.ab[i * this.width + j - i + this.ml] = v;
  }

  /** Factorises in place; throws `SingularMatrix` (column) when a pivot column is zero. */
  factor(): void {
    const { n, ml, mu, width, ab, piv } = this;
    const ku = ml + mu;
    for (let k = 0; k < n; k++) {
      const last = Math.min(n - 1, k + ml);
      let p = k;
      let amax = Math.abs(ab[k * width + ml]);
      for (let i = k + 1; i <= last; i++) {
        const a = Math.abs(ab[i * width + k - i + ml]);
        if (a > amax) {
          amax = a;
          p = i;
        }
      }
      piv[k] = p;
      if (!(amax > 0) || !Number.isFinite(amax)) {
        throw new OdeonError('SingularMatrix', `The band matrix is singular at column ${k}.`, {
          column: k,
          hint: 'Check the Jacobian (a zero or non-finite column) and the bandwidths.',
        });
      }
      const jEnd = Math.min(n - 1, k + ku);
      if (p !== k) {
        for (let j = k; j <= jEnd; j++) {
          const a = k * width + j - k + ml;
          const b = p * width + j - p + ml;
          const t = ab[a];
          ab[a] = ab[b];
          ab[b] = t;
        }
      }
      const inv = 1 / ab[k * width + ml];
      for (let i = k + 1; i <= last; i++) {
        const ri = i * width - i + ml;
        const l = ab[ri + k] * inv;
        ab[ri + k] = l;
        if (l === 0) continue;
        const rk = k * width - k + ml;
        for (let j = k + 1; j <= jEnd; j++) ab[ri + j] -= l * ab[rk + j];
      }
    }
  }

  /** Solves A x = b in place. */
  solve(x: Float64Array): Float64Array {
    const { n, ml, mu, width, ab, piv } = this;
    const ku = ml + mu;
    for (let k = 0; k < n; k++) {
      const p = piv[k];
      if (p !== k) {
        const t = x[k];
        x[k] = x[p];
        x[p] = t;
      }
      const xk = x[k];
      if (xk === 0) continue;
      const last = Math.min(n - 1, k + ml);
      for (let i = k + 1; i <= last; i++) x[i] -= ab[i * width + k - i + ml] * xk;
    }
    for (let i = n - 1; i >= 0; i--) {
      const ri = i * width - i + ml;
      let s = x[i];
      const jEnd = Math.min(n - 1, i + ku);
      for (let j = i + 1; j <= jEnd; j++) s -= ab[ri + j] * x[j];
      x[i] = s / ab[ri + i];
    }
    return x;
  }

  /** Solves Aᵀ x = b in place. */
  solveTranspose(x: Float64Array): Float64Array {
    const { n, ml, mu, width, ab, piv } = this;
    const ku = ml + mu;
    // Uᵀ z = b (forward), by columns of Uᵀ = rows of U
    for (let i = 0; i < n; i++) {
      const ri = i * width - i + ml;
      const zi = x[i] / ab[ri + i];
      x[i] = zi;
      if (zi === 0) continue;
      const jEnd = Math.min(n - 1, i + ku);
      for (let j = i + 1; j <= jEnd; j++) x[j] -= ab[ri + j] * zi;
    }
    // Lᵀ w = z, then undo the exchanges in reverse
    for (let k = n - 1; k >= 0; k--) {
      const last = Math.min(n - 1, k + ml);
      let s = x[k];
      for (let i = k + 1; i <= last; i++) s -= ab[i * width + k - i + ml] * x[i];
      x[k] = s;
      const p = piv[k];
      if (p !== k) {
        const t = x[k];
        x[k] = x[p];
        x[p] = t;
      }
    }
    return x;
  }
}
