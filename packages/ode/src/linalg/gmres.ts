/** out = A·v. */
export type MatVec = (out: Float64Array, v: Float64Array) => void;
/** out ≈ M⁻¹·v (a preconditioner solve). */
export type Preconditioner = (out: Float64Array, v: Float64Array) => void;

/** Options of `gmres`. */
export interface GmresOptions {
  /** Krylov dimension before a restart. Default 30. */
  readonly restart?: number;
  /** Stop when ‖b − A x‖₂ ≤ tol·‖b‖₂. Default 1e-8. */
  readonly tol?: number;
  /** Maximum total iterations (matrix–vector products). Default 10·n capped at 1000. */
  readonly maxIter?: number;
  /** Right preconditioner: GMRES works on A M⁻¹ (M x) = b, so the residual it minimises is the true one. */
  readonly precondition?: Preconditioner;
}

/** Outcome of `gmres`. */
export interface GmresResult {
  readonly converged: boolean;
  readonly iterations: number;
  /** Final ‖b − A x‖₂ / ‖b‖₂ (the recurrence's estimate). */
  readonly relativeResidual: number;
}

/**
 * Workspace of restarted GMRES(m) for size n (Saad & Schultz 1986): modified Gram–Schmidt Arnoldi,
 * Givens rotations, right preconditioning. Allocated once, reused by every `gmres` call.
 */
export class GmresWorkspace {
  readonly n: number;
  readonly m: number;
  readonly v: Float64Array;
  readonly z: Float64Array;
  readonly h: Float64Array;
  readonly cs: Float64Array;
  readonly sn: Float64Array;
  readonly g: Float64Array;
  readonly w: Float64Array;
  readonly r: Float64Array;

  constructor(n: number, restart = 30) {
    this.n = n;
    this.m = restart;
    this.v = new Float64Array((restart + 1) * n);
    this.z = new Float64Array(restart * n);
    this.h = new Float64Array((restart + 1) * restart);
    this.cs = new Float64Array(restart);
    this.sn = new Float64Array(restart);
    this.g = new Float64Array(restart + 1);
    this.w = new Float64Array(n);
    this.r = new Float64Array(n);
  }
}

function norm2(v: Float64Array, off: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[off + i] * v[off + i];
  return Math.sqrt(s);
}

/**
 * Solves A x = b by restarted GMRES; `x` holds the initial guess on entry and the solution on return.
 * Matrix-free: A enters only through `matvec` (an analytic or finite-difference Jacobian–vector
 * product), the preconditioner through `options.precondition`.
 */
export function gmres(
  x: Float64Array,
  matvec: MatVec,
  b: Float64Array,
  ws: GmresWorkspace,
  options: GmresOptions = {},
): GmresResult {
  const n = ws.n;
  const m = Math.min(options.restart ?? ws.m, ws.m);
  const tol = options.tol ?? 1e-8;
  const maxIter = options.maxIter ?? Math.min(10 * n, 1000);
  const pre = options.precondition;
  const { v, z, h, cs, sn, g, w, r } = ws;
  const bnorm = norm2(b, 0, n);
  if (bnorm === 0) {
    x.fill(0);
    return { converged: true, iterations: 0, relativeResidual: 0 };
  }
  let iters = 0;
  let rel = 1;
  while (true) {
    matvec(r, x);
    for (let i = 0; i < n; i++) r[i] = b[i] - r[i];
    const beta = norm2(r, 0, n);
    rel = beta / bnorm;
    if (rel <= tol || iters >= maxIter)
      return { converged: rel <= tol, iterations: iters, relativeResidual: rel };
    for (let i = 0; i < n; i++) v[i] = r[i] / beta;
    g.fill(0);
    g[0] = beta;
    let k = 0;
    for (; k < m && iters < maxIter; k++) {
      iters++;
      const vk = v.subarray(k * n, (k + 1) * n);
      const zk = z.subarray(k * n, (k + 1) * n);
      if (pre !== undefined) pre(zk, vk);
      else zk.set(vk);
      matvec(w, zk);
      for (let j = 0; j <= k; j++) {
        let d = 0;
        const o = j * n;
        for (let i = 0; i < n; i++) d += w[i] * v[o + i];
        h[j * m + k] = d;
        for (let i = 0; i < n; i++) w[i] -= d * v[o + i];
      }
      const hk1 = norm2(w, 0, n);
      h[(k + 1) * m + k] = hk1;
      if (hk1 > 0) {
        const o = (k + 1) * n;
        for (let i = 0; i < n; i++) v[o + i] = w[i] / hk1;
      }
      for (let j = 0; j < k; j++) {
        const a = h[j * m + k];
        const c = h[(j + 1) * m + k];
        h[j * m + k] = cs[j] * a + sn[j] * c;
        h[(j + 1) * m + k] = -sn[j] * a + cs[j] * c;
      }
      const a = h[k * m + k];
      const c = h[(k + 1) * m + k];
      const d = Math.hypot(a, c);
      cs[k] = d === 0 ? 1 : a / d;
      sn[k] = d === 0 ? 0 : c / d;
      h[k * m + k] = d;
      h[(k + 1) * m + k] = 0;
      g[k + 1] = -sn[k] * g[k];
      g[k] = cs[k] * g[k];
      rel = Math.abs(g[k + 1]) / bnorm;
      if (rel <= tol || hk1 === 0) {
        k++;
        break;
      }
    }
    // y = H⁻¹ g (upper triangular k×k), x += Z y
    for (let i = k - 1; i >= 0; i--) {
      let s = g[i];
      for (let j = i + 1; j < k; j++) s -= h[i * m + j] * g[j];
      g[i] = h[i * m + i] === 0 ? 0 : s / h[i * m + i];
    }
    for (let j = 0; j < k; j++) {
      const o = j * n;
      const yj = g[j];
      for (let i = 0; i < n; i++) x[i] += yj * z[o + i];
    }
  }
}
