import { vector, wellConditionedMatrix } from '@odeon/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LuCompressed,
  luCompress,
  luFactor,
  luSolve,
  luSolveAt,
  luSolveSparse,
  luSolveTranspose,
  minimumDegreeOrder,
  SparseLu,
} from './lu.ts';

describe('dense LU with partial pivoting', () => {
  it.each([
    ['A·x = b', false],
    ['Aᵀ·x = b with the same factors', true],
  ] as const)(
    'solves %s for well-conditioned A (property: the residual is at round-off level)',
    (_name, transposed) => {
      fc.assert(
        fc.property(
          fc
            .integer({ min: 1, max: 12 })
            .chain((n) => fc.tuple(fc.constant(n), wellConditionedMatrix(n), vector(n))),
          ([n, A, b]) => {
            const lu = Float64Array.from(A);
            const piv = new Int32Array(n);
            expect(luFactor(lu, piv, n)).toBe(lu);
            const x = (transposed ? luSolveTranspose : luSolve)(Float64Array.from(b), lu, piv, n);
            const r = new Float64Array(n);
            for (let i = 0; i < n; i++) {
              let s = 0;
              for (let j = 0; j < n; j++) s += (transposed ? A[j * n + i] : A[i * n + j]) * x[j];
              r[i] = s;
            }
            const scale = Math.max(1, ...Array.from(b, Math.abs));
            expect(r).toBeAllclose(b, { rtol: 0, atol: 1e-12 * scale * n });
          },
        ),
        { numRuns: 200 },
      );
    },
  );

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

/** A diagonally dominant matrix (testkit) with a random off-diagonal sparsity mask and shuffled rows (so pivoting happens). */
const sparseSystem = fc.integer({ min: 1, max: 16 }).chain((n) =>
  fc.tuple(
    fc.constant(n),
    wellConditionedMatrix(n),
    fc.array(fc.boolean(), { minLength: n * n, maxLength: n * n }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.shuffledSubarray(
      Array.from({ length: n }, (_, i) => i),
      { minLength: n, maxLength: n },
    ),
    vector(n),
  ),
);

function buildSparse(
  n: number,
  A: Float64Array,
  mask: boolean[],
  keep: number,
  rows: number[],
): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // keep an off-diagonal entry when its mask bit is set and a second coin (density `keep`) agrees
      const on = i === j || (mask[i * n + j] && ((i * 31 + j * 17) % 100) / 100 < keep);
      if (on) out[rows[i] * n + j] = A[i * n + j];
    }
  }
  return out;
}

function residual(A: Float64Array, x: Float64Array, n: number): Float64Array {
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
    r[i] = s;
  }
  return r;
}

describe('sparse LU solve (compressed factors)', () => {
  it('agrees with the dense solve and leaves a round-off residual on sparse, row-shuffled matrices (property)', () => {
    fc.assert(
      fc.property(sparseSystem, ([n, A0, mask, keep, rows, b]) => {
        const A = buildSparse(n, A0, mask, keep, rows);
        const lu = Float64Array.from(A);
        const piv = new Int32Array(n);
        expect(luFactor(lu, piv, n)).toBe(lu);
        const f = luCompress(new LuCompressed(n), lu, n);
        let nz = 0;
        for (let i = 0; i < n * n; i++) if (lu[i] !== 0 && i % (n + 1) !== 0) nz++;
        expect(f.nnz).toBe(nz);
        const xs = luSolveSparse(Float64Array.from(b), f, piv, n);
        const xd = luSolve(Float64Array.from(b), lu, piv, n);
        expect(xs).toBeAllclose(xd, { rtol: 1e-12, atol: 1e-14 });
        const scale = Math.max(1, ...Array.from(b, Math.abs));
        expect(residual(A, xs, n)).toBeAllclose(b, { rtol: 0, atol: 1e-12 * scale * n });
      }),
      { numRuns: 300 },
    );
  });

  it('solves with an offset into a longer vector like the plain solve', () => {
    fc.assert(
      fc.property(sparseSystem, fc.integer({ min: 1, max: 5 }), ([n, A0, mask, keep, rows, b], off) => {
        const A = buildSparse(n, A0, mask, keep, rows);
        const lu = Float64Array.from(A);
        const piv = new Int32Array(n);
        luFactor(lu, piv, n);
        const long = new Float64Array(n + off + 2).fill(7);
        long.set(b, off);
        luSolveAt(long, lu, piv, n, off);
        expect(long.subarray(off, off + n)).toBeAllclose(luSolve(Float64Array.from(b), lu, piv, n), {
          rtol: 1e-12,
          atol: 1e-14,
        });
        expect(long[off - 1]).toBe(7);
        expect(long[off + n]).toBe(7);
      }),
      { numRuns: 100 },
    );
  });
});

describe('minimum-degree ordering', () => {
  it('is a permutation, and the symmetrically permuted system solves the original one (property)', () => {
    fc.assert(
      fc.property(sparseSystem, ([n, A0, mask, keep, rows, b]) => {
        const A = buildSparse(n, A0, mask, keep, rows);
        const pattern = Uint8Array.from(A, (v) => (v !== 0 ? 1 : 0));
        const perm = minimumDegreeOrder(new Int32Array(n), pattern, n);
        expect([...perm].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
        const P = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) P[i * n + j] = A[perm[i] * n + perm[j]];
        const piv = new Int32Array(n);
        expect(luFactor(P, piv, n)).not.toBeNull();
        const xp = new Float64Array(n);
        for (let i = 0; i < n; i++) xp[i] = b[perm[i]];
        luSolveSparse(xp, luCompress(new LuCompressed(n), P, n), piv, n);
        const x = new Float64Array(n);
        for (let i = 0; i < n; i++) x[perm[i]] = xp[i];
        const scale = Math.max(1, ...Array.from(b, Math.abs));
        expect(residual(A, x, n)).toBeAllclose(b, { rtol: 0, atol: 1e-12 * scale * n });
      }),
      { numRuns: 200 },
    );
  });

  it('eliminates an arrow matrix hub last (no fill), where the natural order fills in completely', () => {
    // row/column 0 couples to every species (like NO2 in POLLU): eliminating it first fills the matrix
    const n = 8;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      A[i * n + i] = 10;
      A[i] = 1;
      A[i * n] = 1;
    }
    const perm = minimumDegreeOrder(
      new Int32Array(n),
      Uint8Array.from(A, (v) => (v !== 0 ? 1 : 0)),
      n,
    );
    expect(perm.indexOf(0)).toBeGreaterThanOrEqual(n - 2);
    const fill = (M: Float64Array) => {
      const lu = Float64Array.from(M);
      luFactor(lu, new Int32Array(n), n);
      return luCompress(new LuCompressed(n), lu, n).nnz;
    };
    const P = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) P[i * n + j] = A[perm[i] * n + perm[j]];
    expect(fill(P)).toBe(2 * (n - 1));
    expect(fill(A)).toBe(n * (n - 1));
  });
});

describe('SparseLu (ordered, symbolic + numeric, no row exchanges)', () => {
  it('matches the dense pivoting solve whenever it accepts, and accepts diagonally dominant matrices (property)', () => {
    fc.assert(
      fc.property(
        sparseSystem,
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.boolean(),
        ([n, A0, mask, keep, rows, b], scale, dominant) => {
          // `dominant`: keep the rows in place (|diagonal| beats the row sum, no exchange ever needed)
          const A = buildSparse(n, A0, mask, keep, dominant ? Array.from({ length: n }, (_, i) => i) : rows);
          const pattern = Uint8Array.from(A, (v) => (v !== 0 ? 1 : 0));
          const s = new SparseLu(n);
          s.analyse(pattern, minimumDegreeOrder(new Int32Array(n), pattern, n));
          const shift = 0.5;
          // the matrix factorised: scale·A + shift·I
          const M = Float64Array.from(A, (v) => scale * v);
          for (let i = 0; i < n; i++) M[i * n + i] += shift;
          const ok = s.factor(A, scale, shift);
          if (dominant && Math.abs(scale) >= 1) expect(ok).toBe(true);
          if (!ok) return;
          const lu = Float64Array.from(M);
          const piv = new Int32Array(n);
          if (luFactor(lu, piv, n) === null) return;
          const xd = luSolve(Float64Array.from(b), lu, piv, n);
          const xs = s.solve(Float64Array.from(b));
          expect(xs).toBeAllclose(xd, { rtol: 1e-9, atol: 1e-11 });
          // and the transposed system with the same factors, against the dense transposed solve
          const xdT = luSolveTranspose(Float64Array.from(b), lu, piv, n);
          const xsT = s.solveTranspose(Float64Array.from(b));
          expect(xsT).toBeAllclose(xdT, { rtol: 1e-9, atol: 1e-11 });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('declines a matrix that needs a row exchange (|multiplier| > 1)', () => {
    const A = Float64Array.of(1e-3, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1);
    const n = 4;
    const pattern = Uint8Array.from(A, (v) => (v !== 0 ? 1 : 0));
    const s = new SparseLu(n);
    s.analyse(pattern, Int32Array.of(0, 1, 2, 3));
    expect(s.factor(A, 1, 0)).toBe(false);
    expect(s.factor(Float64Array.of(2, 1, 0, 0, 1, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1), 1, 0)).toBe(true);
  });

  it('stores the fill of the analysed order (arrow matrix: none when the hub comes last)', () => {
    const n = 6;
    const pattern = new Uint8Array(n * n);
    for (let i = 0; i < n; i++) {
      pattern[i * n + i] = 1;
      pattern[i] = 1;
      pattern[i * n] = 1;
    }
    const s = new SparseLu(n);
    expect(s.analyse(pattern, Int32Array.of(1, 2, 3, 4, 5, 0))).toBe(n + 2 * (n - 1));
    expect(s.analyse(pattern, Int32Array.of(0, 1, 2, 3, 4, 5))).toBe(n * n);
  });
});
