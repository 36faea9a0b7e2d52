export interface GradcheckOptions {
  /** Step for central differences; default eps^(1/3)·max(1, |x_i|) (optimal for central differences). */
  readonly h?: number;
  /** Relative tolerance on each component; default 1e-6. */
  readonly rtol?: number;
  /** Absolute tolerance on each component; default 1e-8. */
  readonly atol?: number;
}

export interface GradcheckReport {
  readonly pass: boolean;
  readonly analytic: Float64Array;
  readonly numeric: Float64Array;
  /** max_i |analytic_i − numeric_i| / (atol + rtol·|numeric_i|): pass iff ≤ 1. */
  readonly worstRatio: number;
  readonly worstIndex: number;
}

const EPS = 2.220446049250313e-16;

/** Central-difference gradient of a scalar function: g_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h. */
export function numericGradient(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  h?: number,
): Float64Array {
  const xs = Float64Array.from(x);
  const g = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const xi = xs[i];
    const step = h ?? Math.cbrt(EPS) * Math.max(1, Math.abs(xi));
    xs[i] = xi + step;
    const fp = f(xs);
    xs[i] = xi - step;
    const fm = f(xs);
    xs[i] = xi;
    g[i] = (fp - fm) / (2 * step);
  }
  return g;
}

/**
 * Compares an analytic gradient with central differences of `f`. Tolerances default to what
 * central differences in float64 can resolve (truncation O(h²) + round-off O(eps/h)).
 */
export function gradcheck(
  f: (x: Float64Array) => number,
  grad: (x: Float64Array) => ArrayLike<number>,
  x: ArrayLike<number>,
  options: GradcheckOptions = {},
): GradcheckReport {
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-8;
  const analytic = Float64Array.from(grad(Float64Array.from(x)));
  const numeric = numericGradient(f, x, options.h);
  let worstRatio = 0;
  let worstIndex = -1;
  for (let i = 0; i < numeric.length; i++) {
    const diff = Math.abs(analytic[i] - numeric[i]);
    const ratio = Number.isFinite(diff)
      ? diff / (atol + rtol * Math.abs(numeric[i]))
      : Number.POSITIVE_INFINITY;
    if (ratio > worstRatio || worstIndex < 0) {
      worstRatio = ratio;
      worstIndex = i;
    }
  }
  return {
    pass: analytic.length === numeric.length && worstRatio <= 1,
    analytic,
    numeric,
    worstRatio,
    worstIndex,
  };
}

/** Central-difference Jacobian (row-major m×n) of a vector function. */
export function numericJacobian(
  f: (x: Float64Array) => ArrayLike<number>,
  x: ArrayLike<number>,
  h?: number,
): { readonly m: number; readonly n: number; readonly J: Float64Array } {
  const xs = Float64Array.from(x);
  const n = xs.length;
  const m = f(xs).length;
  const J = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const xj = xs[j];
    const step = h ?? Math.cbrt(EPS) * Math.max(1, Math.abs(xj));
    xs[j] = xj + step;
    const fp = Float64Array.from(f(xs));
    xs[j] = xj - step;
    const fm = f(xs);
    xs[j] = xj;
    for (let i = 0; i < m; i++) J[i * n + j] = (fp[i] - fm[i]) / (2 * step);
  }
  return { m, n, J };
}
