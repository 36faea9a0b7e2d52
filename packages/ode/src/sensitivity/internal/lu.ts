/**
 * The LU workspace of the gradient code (adjoint and forward-sensitivity stage solves): a thin class
 * around the one LU implementation of `@odeon/ode` (`internal/lu.ts`: partial pivoting, zero skipping),
 * which reports a singular matrix as an `OdeonError` instead of `null`.
 */
import { OdeonError } from '../../errors.ts';
import { luFactor, luSolveAt } from '../../internal/lu.ts';

/** An LU factorisation workspace for n×n row-major matrices, allocated once and refactored in place. */
export class DenseLu {
  readonly n: number;
  /** Row-major factors: unit lower L below the diagonal, U on and above. */
  readonly lu: Float64Array;
  readonly pivots: Int32Array;
  private readonly cols: Int32Array;

  constructor(n: number) {
    this.n = n;
    this.lu = new Float64Array(n * n);
    this.pivots = new Int32Array(n);
    this.cols = new Int32Array(n);
  }

  /** Factorises the matrix currently stored in `this.lu` (fill it first). Throws `SingularMatrix`. */
  factorInPlace(t?: number): void {
    const { n, lu, pivots } = this;
    if (luFactor(lu, pivots, n, this.cols) !== null) return;
    // luFactor returned at the first column whose pivot candidates (rows ≥ k) are all zero or
    // non-finite, leaving that column as it found it: the same scan finds it
    let k = 0;
    for (; k < n; k++) {
      let best = Math.abs(lu[k * n + k]);
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(lu[i * n + k]);
        if (v > best) best = v;
      }
      if (!(best > 0) || best === Number.POSITIVE_INFINITY) break;
    }
    throw new OdeonError('SingularMatrix', `The stage matrix is singular or not finite (pivot ${k}).`, {
      ...(t === undefined ? {} : { t }),
      component: k,
      hint: 'Check the Jacobian for NaN/Inf, or loosen the tolerances.',
    });
  }

  /** Solves A x = b in place (`x` holds b from `offset` on entry). */
  solveInPlace(x: Float64Array, offset = 0): void {
    luSolveAt(x, this.lu, this.pivots, this.n, offset);
  }
}
