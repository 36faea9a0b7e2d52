/**
 * Dense LU factorisation with partial pivoting for the small (n×n) stage matrices of the Rosenbrock
 * solves. Hand-written because @odeon/ode has no runtime dependencies and the matrices are tiny
 * (n ≤ a few hundred): a BLAS-backed library would cost more in call overhead than it saves.
 */
import { OdeonError } from '../../errors.ts';

/** An LU factorisation workspace for n×n row-major matrices, allocated once and refactored in place. */
export class DenseLu {
  readonly n: number;
  /** Row-major factors: unit lower L below the diagonal, U on and above. */
  readonly lu: Float64Array;
  readonly pivots: Int32Array;

  constructor(n: number) {
    this.n = n;
    this.lu = new Float64Array(n * n);
    this.pivots = new Int32Array(n);
  }

  /** Factorises the matrix currently stored in `this.lu` (fill it first). Throws `SingularMatrix`. */
  factorInPlace(t?: number): void {
    const { n, lu, pivots } = this;
    for (let k = 0; k < n; k++) {
      let piv = k;
      let best = Math.abs(lu[k * n + k]);
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(lu[i * n + k]);
        if (v > best) {
          best = v;
          piv = i;
        }
      }
      pivots[k] = piv;
      if (!(best > 0) || !Number.isFinite(best)) {
        throw new OdeonError('SingularMatrix', `The stage matrix is singular or not finite (pivot ${k}).`, {
          ...(t === undefined ? {} : { t }),
          component: k,
          hint: 'Check the Jacobian for NaN/Inf, or loosen the tolerances.',
        });
      }
      if (piv !== k) {
        for (let j = 0; j < n; j++) {
          const a = lu[k * n + j];
          lu[k * n + j] = lu[piv * n + j];
          lu[piv * n + j] = a;
        }
      }
      const inv = 1 / lu[k * n + k];
      for (let i = k + 1; i < n; i++) {
        const f = lu[i * n + k] * inv;
        lu[i * n + k] = f;
        if (f !== 0) for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
      }
    }
  }

  /** Solves A x = b in place (`x` holds b on entry). */
  solveInPlace(x: Float64Array, offset = 0): void {
    const { n, lu, pivots } = this;
    for (let k = 0; k < n; k++) {
      const p = pivots[k];
      if (p !== k) {
        const a = x[offset + k];
        x[offset + k] = x[offset + p];
        x[offset + p] = a;
      }
    }
    for (let i = 1; i < n; i++) {
      let s = x[offset + i];
      for (let j = 0; j < i; j++) s -= lu[i * n + j] * x[offset + j];
      x[offset + i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[offset + i];
      for (let j = i + 1; j < n; j++) s -= lu[i * n + j] * x[offset + j];
      x[offset + i] = s / lu[i * n + i];
    }
  }
}
