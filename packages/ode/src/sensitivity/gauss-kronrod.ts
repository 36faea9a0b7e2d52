/**
 * The 7-point Gauss / 15-point Kronrod pair (QUADPACK's QK15 abscissae and weights, to 33 digits).
 * The quadrature adjoint integrates dL/dp = ∫ λᵀ∂f/∂p dt with K15 on every backward step and uses
 * |K15 − G7| as an error estimate. Exact for polynomials of degree ≤ 22 (K15) and ≤ 13 (G7).
 */

/** Kronrod abscissae on [−1, 1]: ±X[i] for i < 7, and X[7] = 0. Odd indices are the Gauss nodes. */
export const GK15_NODES: Float64Array = Float64Array.from([
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945, 0.5860872354676911,
  0.4058451513773972, 0.20778495500789848, 0,
]);

/** Kronrod weights matching `GK15_NODES`. */
export const GK15_WEIGHTS: Float64Array = Float64Array.from([
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592, 0.1690047266392679,
  0.19035057806478542, 0.20443294007529889, 0.20948214108472782,
]);

/** Gauss weights for nodes X[1], X[3], X[5] (±) and X[7] = 0. */
export const G7_WEIGHTS: Float64Array = Float64Array.from([
  0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694,
]);

/** The 15 nodes of [−1, 1] in increasing order with their Kronrod and Gauss weights (0 if not a Gauss node). */
export interface Gk15Rule {
  readonly x: Float64Array;
  readonly wk: Float64Array;
  readonly wg: Float64Array;
}

function expandRule(): Gk15Rule {
  const x = new Float64Array(15);
  const wk = new Float64Array(15);
  const wg = new Float64Array(15);
  for (let i = 0; i < 7; i++) {
    x[i] = -GK15_NODES[i];
    x[14 - i] = GK15_NODES[i];
    wk[i] = wk[14 - i] = GK15_WEIGHTS[i];
    if (i % 2 === 1) wg[i] = wg[14 - i] = G7_WEIGHTS[(i - 1) / 2];
  }
  x[7] = 0;
  wk[7] = GK15_WEIGHTS[7];
  wg[7] = G7_WEIGHTS[3];
  return { x, wk, wg };
}

/** The expanded rule (15 nodes in increasing order). */
export const GK15: Gk15Rule = expandRule();

export interface QuadratureResult {
  readonly value: number;
  /** |K15 − G7|, a (pessimistic) error estimate. */
  readonly error: number;
}

/** ∫_a^b f(t) dt by the G7K15 pair. */
export function gaussKronrod15(f: (t: number) => number, a: number, b: number): QuadratureResult {
  const half = 0.5 * (b - a);
  const mid = 0.5 * (a + b);
  let k = 0;
  let g = 0;
  for (let i = 0; i < 15; i++) {
    const v = f(mid + half * GK15.x[i]);
    k += GK15.wk[i] * v;
    g += GK15.wg[i] * v;
  }
  return { value: k * half, error: Math.abs((k - g) * half) };
}
