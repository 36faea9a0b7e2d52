/**
 * Line search satisfying the strong Wolfe conditions (Nocedal & Wright, Numerical Optimization,
 * 2nd ed., Algorithms 3.5 and 3.6, with safeguarded cubic interpolation in `zoom`):
 *   f(x + αd) ≤ f(x) + c₁ α ∇f·d            (sufficient decrease)
 *   |∇f(x + αd)·d| ≤ c₂ |∇f(x)·d|           (curvature)
 * Non-finite trial values are treated as "too far" and shrink the bracket, so a model that blows
 * up for large steps does not derail the search.
 */

/** f and ∇f at a point. */
export interface ValueAndGrad {
  readonly value: number;
  readonly grad: Float64Array;
}

export interface LineSearchOptions {
  readonly c1: number;
  readonly c2: number;
  readonly maxEvaluations: number;
  /** Largest step tried. */
  readonly alphaMax: number;
}

export interface LineSearchResult {
  readonly ok: boolean;
  readonly alpha: number;
  readonly x: Float64Array;
  readonly value: number;
  readonly grad: Float64Array;
  readonly evaluations: number;
}

interface Trial {
  alpha: number;
  x: Float64Array;
  value: number;
  grad: Float64Array;
  slope: number;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Minimiser of the cubic interpolating f and f′ at a and b; NaN if it does not exist. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return Number.NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

export function wolfeLineSearch(
  f: (x: Float64Array) => ValueAndGrad,
  x0: Float64Array,
  f0: number,
  g0: Float64Array,
  d: Float64Array,
  alpha1: number,
  o: LineSearchOptions,
): LineSearchResult {
  const slope0 = dot(g0, d);
  let evaluations = 0;
  const evaluate = (alpha: number): Trial => {
    const x = new Float64Array(x0.length);
    for (let i = 0; i < x.length; i++) x[i] = x0[i] + alpha * d[i];
    evaluations++;
    const r = f(x);
    const finite = Number.isFinite(r.value) && r.grad.every(Number.isFinite);
    return {
      alpha,
      x,
      value: finite ? r.value : Number.POSITIVE_INFINITY,
      grad: r.grad,
      slope: finite ? dot(r.grad, d) : Number.NaN,
    };
  };
  const done = (t: Trial, ok: boolean): LineSearchResult => ({
    ok,
    alpha: t.alpha,
    x: t.x,
    value: t.value,
    grad: t.grad,
    evaluations,
  });
  const start: Trial = { alpha: 0, x: x0, value: f0, grad: g0, slope: slope0 };
  const armijo = (t: Trial) => t.value <= f0 + o.c1 * t.alpha * slope0;
  const curvature = (t: Trial) => Math.abs(t.slope) <= -o.c2 * slope0;

  const zoom = (lo: Trial, hi: Trial): LineSearchResult => {
    let best = lo;
    while (evaluations < o.maxEvaluations) {
      const width = hi.alpha - lo.alpha;
      let a = Number.isFinite(hi.value)
        ? cubicMin(lo.alpha, lo.value, lo.slope, hi.alpha, hi.value, hi.slope)
        : Number.NaN;
      const left = Math.min(lo.alpha, hi.alpha);
      const right = Math.max(lo.alpha, hi.alpha);
      const margin = 0.1 * Math.abs(width);
      if (!Number.isFinite(a) || a < left + margin || a > right - margin) a = lo.alpha + 0.5 * width;
      if (Math.abs(width) <= 1e-16 * Math.max(1, Math.abs(lo.alpha))) break;
      const t = evaluate(a);
      if (!armijo(t) || t.value >= lo.value) {
        hi = t;
      } else {
        if (curvature(t)) return done(t, true);
        if (t.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = t;
        best = t;
      }
    }
    // Out of evaluations: accept the best sufficient-decrease point found, if it moved at all.
    return done(best, best.alpha > 0);
  };

  let prev = start;
  let alpha = alpha1;
  for (let i = 0; evaluations < o.maxEvaluations; i++) {
    const t = evaluate(alpha);
    if (!armijo(t) || (i > 0 && t.value >= prev.value)) return zoom(prev, t);
    if (curvature(t)) return done(t, true);
    if (t.slope >= 0) return zoom(t, prev);
    prev = t;
    if (alpha >= o.alphaMax) return done(t, true);
    alpha = Math.min(2 * alpha, o.alphaMax);
  }
  return done(prev, prev.alpha > 0);
}
