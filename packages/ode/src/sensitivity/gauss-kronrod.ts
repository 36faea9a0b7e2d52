/**
 * Gauss–Kronrod pairs (QUADPACK's QK7 and QK15 abscissae and weights). The quadrature adjoint
 * integrates dL/dp = ∫ λᵀ∂f/∂p dt on every backward step with K7 (7 nodes, exact to degree 11),
 * accepting it when |K7 − G3| (the error of the degree-5 Gauss rule, a pessimistic bound on K7's)
 * is within tolerance, and otherwise with K15 (exact to degree 22; |K15 − G7| estimates G7's error).
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

/** Kronrod abscissae of the G3K7 pair on [−1, 1]: ±X[i] for i < 3 and X[3] = 0; X[1] = √(3/5) and 0 are the Gauss nodes. */
export const GK7_NODES: Float64Array = Float64Array.from([
  0.9604912687080203, 0.7745966692414834, 0.43424374934680254, 0,
]);

/** Kronrod weights matching `GK7_NODES`. */
export const GK7_WEIGHTS: Float64Array = Float64Array.from([
  0.10465622602646726, 0.26848808986833345, 0.40139741477596225, 0.45091653865847414,
]);

/** The nodes of [−1, 1] in increasing order with their Kronrod and Gauss weights (0 if not a Gauss node). */
export interface GkRule {
  readonly x: Float64Array;
  readonly wk: Float64Array;
  readonly wg: Float64Array;
}

/** The G7K15 rule (15 nodes). */
export type Gk15Rule = GkRule;

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

/** The expanded G3K7 rule (7 nodes in increasing order; Gauss weights 5/9, 8/9, 5/9 on √(3/5)·{−1, 0, 1}). */
export const GK7: GkRule = {
  x: Float64Array.from([
    -GK7_NODES[0],
    -GK7_NODES[1],
    -GK7_NODES[2],
    0,
    GK7_NODES[2],
    GK7_NODES[1],
    GK7_NODES[0],
  ]),
  wk: Float64Array.from([
    GK7_WEIGHTS[0],
    GK7_WEIGHTS[1],
    GK7_WEIGHTS[2],
    GK7_WEIGHTS[3],
    GK7_WEIGHTS[2],
    GK7_WEIGHTS[1],
    GK7_WEIGHTS[0],
  ]),
  wg: Float64Array.from([0, 5 / 9, 0, 8 / 9, 0, 5 / 9, 0]),
};

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
