import fc from 'fast-check';

/** A finite float64 in [min, max] (no NaN, no infinities, no -0 surprises). */
export function finiteDouble(min = -10, max = 10): fc.Arbitrary<number> {
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
}

/** A Float64Array of the given length with entries in [min, max]. */
export function vector(length: number, min = -10, max = 10): fc.Arbitrary<Float64Array> {
  return fc
    .array(finiteDouble(min, max), { minLength: length, maxLength: length })
    .map((xs) => Float64Array.from(xs));
}

/** A Float64Array of length in [minLength, maxLength]. */
export function vectorOfLength(
  minLength: number,
  maxLength: number,
  min = -10,
  max = 10,
): fc.Arbitrary<Float64Array> {
  return fc.array(finiteDouble(min, max), { minLength, maxLength }).map((xs) => Float64Array.from(xs));
}

/**
 * A well-conditioned row-major n×n matrix: a random matrix with entries in [-1, 1] plus a diagonal
 * shift n·(1 + |shift|), so it is strictly diagonally dominant (condition number bounded by ~3).
 */
export function wellConditionedMatrix(n: number): fc.Arbitrary<Float64Array> {
  return vector(n * n, -1, 1).map((a) => {
    const out = Float64Array.from(a);
    for (let i = 0; i < n; i++) out[i * n + i] += out[i * n + i] >= 0 ? n + 1 : -(n + 1);
    return out;
  });
}

/**
 * A row-major n×n matrix whose eigenvalues have real parts ≤ −minDecay (so y' = Ay is stable): A = −(B Bᵀ
 * + minDecay·I) + (C − Cᵀ)/2, a negative-definite symmetric part plus a skew part.
 */
export function stableMatrix(n: number, minDecay = 0.1, scale = 1): fc.Arbitrary<Float64Array> {
  return fc.tuple(vector(n * n, -scale, scale), vector(n * n, -scale, scale)).map(([b, c]) => {
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
        a[i * n + j] = -s + 0.5 * (c[i * n + j] - c[j * n + i]) - (i === j ? minDecay : 0);
      }
    }
    return a;
  });
}

/** A broadcast-compatible pair of shapes (NumPy rules), each of rank ≤ maxRank with dims ≤ maxDim. */
export function broadcastableShapes(maxRank = 4, maxDim = 4): fc.Arbitrary<[number[], number[]]> {
  return fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: 0, maxLength: maxRank }).chain((full) =>
    fc
      .tuple(
        fc.tuple(
          fc.integer({ min: 0, max: full.length }),
          fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
        ),
        fc.tuple(
          fc.integer({ min: 0, max: full.length }),
          fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
        ),
      )
      .map(([[dropA, onesA], [dropB, onesB]]) => {
        const a = full.slice(dropA).map((d, i) => (onesA[i + dropA] ? 1 : d));
        const b = full.slice(dropB).map((d, i) => (onesB[i + dropB] ? 1 : d));
        return [a, b] as [number[], number[]];
      }),
  );
}
