/**
 * Singular value decomposition of a small dense square matrix by one-sided Jacobi rotations
 * (Hestenes 1958; Demmel & Veselić 1992): accurate to high relative accuracy even for the small
 * singular values a condition number needs. Hand-written: no maintained float64 JavaScript SVD fits the
 * allocation and licence constraints, and n ≤ 50 here.
 */

/** Result: singular values in decreasing order and the corresponding left/right singular vectors (columns). */
export interface SmallSvd {
  readonly s: Float64Array;
  /** Row-major n×n, column k is u_k. */
  readonly u: Float64Array;
  /** Row-major n×n, column k is v_k. */
  readonly v: Float64Array;
}

/** SVD of the row-major n×n matrix `a` (not modified). */
export function smallSvd(a: ArrayLike<number>, n: number, maxSweeps = 60): SmallSvd {
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < n; i++) {
          const ap = A[i * n + p];
          const aq = A[i * n + q];
          alpha += ap * ap;
          beta += aq * aq;
          gamma += ap * aq;
        }
        if (gamma === 0) continue;
        const rel = Math.abs(gamma) / Math.sqrt(alpha * beta);
        if (!(rel > 1e-15)) continue;
        off = Math.max(off, rel);
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < n; i++) {
          const ap = A[i * n + p];
          const aq = A[i * n + q];
          A[i * n + p] = c * ap - s * aq;
          A[i * n + q] = s * ap + c * aq;
          const vp = V[i * n + p];
          const vq = V[i * n + q];
          V[i * n + p] = c * vp - s * vq;
          V[i * n + q] = s * vp + c * vq;
        }
      }
    if (off <= 1e-15) break;
  }
  const sig = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += A[i * n + j] * A[i * n + j];
    sig[j] = Math.sqrt(acc);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => sig[y] - sig[x]);
  const s = new Float64Array(n);
  const u = new Float64Array(n * n);
  const v = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const j = order[k];
    s[k] = sig[j];
    for (let i = 0; i < n; i++) {
      v[i * n + k] = V[i * n + j];
      u[i * n + k] = sig[j] > 0 ? A[i * n + j] / sig[j] : i === k ? 1 : 0;
    }
  }
  return { s, u, v };
}
