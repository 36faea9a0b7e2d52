import { vector, wellConditionedMatrix } from '@odeon/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luFactor, luSolve } from './lu.ts';

describe('dense LU with partial pivoting', () => {
  it('solves A·x = b for well-conditioned A (property: the residual is at round-off level)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 12 })
          .chain((n) => fc.tuple(fc.constant(n), wellConditionedMatrix(n), vector(n))),
        ([n, A, b]) => {
          const lu = Float64Array.from(A);
          const piv = new Int32Array(n);
          expect(luFactor(lu, piv, n)).toBe(lu);
          const x = luSolve(Float64Array.from(b), lu, piv, n);
          const r = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
            r[i] = s;
          }
          const scale = Math.max(1, ...Array.from(b, Math.abs));
          expect(r).toBeAllclose(b, { rtol: 0, atol: 1e-12 * scale * n });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('pivots: a zero leading entry is fine', () => {
    const A = Float64Array.of(0, 1, 1, 0);
    const piv = new Int32Array(2);
    luFactor(A, piv, 2);
    expect(Array.from(luSolve(Float64Array.of(2, 3), A, piv, 2))).toEqual([3, 2]);
  });

  it('reports an exactly singular matrix (null)', () => {
    expect(luFactor(Float64Array.of(1, 2, 2, 4), new Int32Array(2), 2)).toBeNull();
    expect(luFactor(Float64Array.of(Number.NaN, 0, 0, 1), new Int32Array(2), 2)).toBeNull();
  });
});
