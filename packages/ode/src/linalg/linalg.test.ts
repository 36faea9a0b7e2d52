import { countAllocations } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luFactor, luSolve } from '../internal/lu.ts';
import { BandedLu } from './banded-lu.ts';
import { colorColumns } from './coloring.ts';
import { detectPattern } from './detect-pattern.ts';
import { ColoredFdJacobian } from './fd-jacobian.ts';
import { GmresWorkspace, gmres } from './gmres.ts';
import { minimumDegreeOrder } from './ordering.ts';
import { SparseLu } from './sparse-lu.ts';
import { patternFromEntries, type SparsityPattern, validatePattern } from './sparsity.ts';

/** A random sparse n×n matrix (CSC arrays of A; dense copy row-major). */
interface RandomSparse {
  n: number;
  pattern: SparsityPattern;
  values: Float64Array;
  dense: Float64Array;
}

/**
 * Random sparse matrices: a random set of off-diagonal entries with values in ±[0.1, 10]; the diagonal is
 * either dominant (no pivoting needed) or small / missing, which forces row exchanges.
 */
const sparseMatrix = (needsPivoting: boolean) =>
  fc.integer({ min: 2, max: 40 }).chain((n) =>
    fc
      .tuple(
        fc.constant(n),
        fc.array(
          fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.double({ min: 0.1, max: 10, noNaN: true }), fc.boolean()),
          {
            minLength: n,
            maxLength: 4 * n,
          },
        ),
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: n, maxLength: n }),
        fc.nat(),
      )
      .map(([n, entries, diag, seed]): RandomSparse => {
        const dense = new Float64Array(n * n);
        for (const [i, j, v, neg] of entries) dense[i * n + j] = neg ? -v : v;
        // a permutation-like skeleton keeps the matrix structurally nonsingular
        const shift = (seed % (n - 1)) + 1;
        for (let i = 0; i < n; i++) {
          if (needsPivoting) {
            dense[i * n + i] = i % 3 === 0 ? 0 : 1e-3 * diag[i];
            dense[i * n + ((i + shift) % n)] += 20 * diag[i];
          } else {
            let s = 0;
            for (let j = 0; j < n; j++) s += Math.abs(dense[i * n + j]);
            dense[i * n + i] = s + diag[i];
          }
        }
        const rows: number[] = [];
        const cols: number[] = [];
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++)
            if (dense[i * n + j] !== 0) {
              rows.push(j);
              cols.push(i);
            }
        // CSC of A = CSR of Aᵀ: "rows" of the pattern are columns of A
        const pattern = patternFromEntries(n, rows, cols);
        const values = new Float64Array(pattern.rowPtr[n]);
        for (let j = 0; j < n; j++)
          for (let p = pattern.rowPtr[j]; p < pattern.rowPtr[j + 1]; p++)
            values[p] = dense[pattern.colIdx[p] * n + j];
        return { n, pattern, values, dense };
      }),
  );

function denseSolve(A: Float64Array, n: number, b: Float64Array, transpose: boolean): Float64Array | null {
  const lu = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) lu[i * n + j] = transpose ? A[j * n + i] : A[i * n + j];
  const piv = new Int32Array(n);
  if (luFactor(lu, piv, n) === null) return null;
  return luSolve(Float64Array.from(b), lu, piv, n);
}

function residual(A: Float64Array, n: number, x: Float64Array, b: Float64Array, transpose: boolean): number {
  let r = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const a = transpose ? A[j * n + i] : A[i * n + j];
      s += a * x[j];
      scale += Math.abs(a * x[j]);
    }
    r = Math.max(r, Math.abs(s - b[i]));
  }
  return r / Math.max(scale / n, 1e-300);
}

describe('sparse LU (KLU-style)', () => {
  for (const pivoting of [false, true]) {
    it(`matches dense LU on random sparse matrices${pivoting ? ' that need row exchanges' : ''} (A x = b, Aᵀ x = b, refactor)`, () => {
      fc.assert(
        fc.property(
          sparseMatrix(pivoting),
          fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 40, maxLength: 40 }),
          (m, bAll) => {
            const { n, pattern, values, dense } = m;
            const b = Float64Array.from(bAll.slice(0, n));
            const ref = denseSolve(dense, n, b, false);
            if (ref === null) return;
            const lu = new SparseLu(pattern);
            lu.factor(values);
            const x = lu.solve(Float64Array.from(b));
            expect(residual(dense, n, x, b, false)).toBeLessThan(1e-10);
            expect(x).toBeAllclose(ref, { rtol: 1e-6, atol: 1e-8 });
            const refT = denseSolve(dense, n, b, true);
            const xT = lu.solveTranspose(Float64Array.from(b));
            if (refT !== null) expect(residual(dense, n, xT, b, true)).toBeLessThan(1e-10);
            // refactorisation with scaled values: same pivots, same answer (scaled)
            const scaled = values.map((v) => 2 * v);
            if (lu.refactor(scaled)) {
              const x2 = lu.solve(Float64Array.from(b));
              expect(x2).toBeAllclose(
                ref.map((v) => v / 2),
                { rtol: 1e-6, atol: 1e-8 },
              );
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('refactorises matrices with wide supernodes (grids with a dense border) like dense LU, for new values', () => {
    // a c-component N×N grid (5-point coupling, full c×c blocks) plus d dense border rows and columns:
    // minimum degree leaves wide supernodes (the separators, the border), which refactor applies in blocks
    const arb = fc.record({
      N: fc.integer({ min: 2, max: 9 }),
      c: fc.integer({ min: 1, max: 2 }),
      d: fc.integer({ min: 0, max: 14 }),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      weak: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ N, c, d, seed, weak }) => {
        const n = c * N * N + d;
        let state = seed;
        const rand = () => {
          state = (Math.imul(state, 48271) >>> 0) % 2147483647;
          return state / 2147483647 - 0.5;
        };
        const entries = new Map<number, true>();
        const add = (i: number, j: number) => entries.set(i * n + j, true);
        for (let a = 0; a < N; a++)
          for (let b = 0; b < N; b++)
            for (const [da, db] of [
              [0, 0],
              [1, 0],
              [-1, 0],
              [0, 1],
              [0, -1],
            ])
              for (let u = 0; u < c; u++)
                for (let v = 0; v < c; v++)
                  if ((da === 0 && db === 0) || u === v)
                    add(c * (a * N + b) + u, c * (((a + da + N) % N) * N + ((b + db + N) % N)) + v);
        for (let k = n - d; k < n; k++)
          for (let i = 0; i < n; i++) {
            add(k, i);
            add(i, k);
          }
        const rows: number[] = [];
        const cols: number[] = [];
        for (const key of entries.keys()) {
          rows.push(key % n); // CSC of A: the pattern's "rows" are A's columns
          cols.push(Math.floor(key / n));
        }
        const pattern = patternFromEntries(n, rows, cols);
        const fill = () => {
          const dense = new Float64Array(n * n);
          for (const key of entries.keys()) dense[key] = rand();
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j < n; j++) s += Math.abs(dense[i * n + j]);
            // weak: a diagonal that is not dominant (pivoting may be needed), else dominant
            dense[i * n + i] = weak ? 0.3 * s * Math.sign(rand() || 1) : s + 1;
          }
          const values = new Float64Array(pattern.rowPtr[n]);
          for (let j = 0; j < n; j++)
            for (let p = pattern.rowPtr[j]; p < pattern.rowPtr[j + 1]; p++)
              values[p] = dense[pattern.colIdx[p] * n + j];
          return { dense, values };
        };
        const lu = new SparseLu(pattern);
        const first = fill();
        if (denseSolve(first.dense, n, new Float64Array(n).fill(1), false) === null) return;
        lu.factor(first.values);
        for (let round = 0; round < 3; round++) {
          const { dense, values } = fill();
          const b = Float64Array.from({ length: n }, () => rand());
          const ref = denseSolve(dense, n, b, false);
          if (ref === null) return;
          if (!lu.refactor(values)) lu.factor(values);
          const x = lu.solve(Float64Array.from(b));
          expect(residual(dense, n, x, b, false)).toBeLessThan(1e-9);
          const xT = lu.solveTranspose(Float64Array.from(b));
          expect(residual(dense, n, xT, b, true)).toBeLessThan(1e-9);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('refactor and the solves allocate no typed arrays', () => {
    const N = 12;
    const n = N * N;
    const rows: number[] = [];
    const cols: number[] = [];
    for (let i = 0; i < n; i++)
      for (const j of [i, (i + 1) % n, (i + n - 1) % n, (i + N) % n, (i + n - N) % n]) {
        rows.push(i);
        cols.push(j);
      }
    const pattern = patternFromEntries(n, rows, cols);
    const values = new Float64Array(pattern.rowPtr[n]);
    for (let i = 0; i < n; i++)
      for (let p = pattern.rowPtr[i]; p < pattern.rowPtr[i + 1]; p++)
        values[p] = pattern.colIdx[p] === i ? 6 : -1 + 0.01 * (p % 7);
    const lu = new SparseLu(pattern);
    lu.factor(values);
    const b = new Float64Array(n).fill(1);
    const allocations = countAllocations(() => {
      for (let r = 0; r < 3; r++) {
        expect(lu.refactor(values)).toBe(true);
        lu.solve(b);
        lu.solveTranspose(b);
      }
    }, ['Float64Array', 'Int32Array']);
    expect(allocations).toBe(0);
  });

  it('pivots away from a zero diagonal (the threshold test of refactor triggers a fresh factorisation)', () => {
    // A = [[ε, 1], [1, 1]]: the diagonal pivot ε fails the threshold once ε < 1e-3
    const pattern = patternFromEntries(2, [0, 0, 1, 1], [0, 1, 0, 1]); // CSC: all four
    const lu = new SparseLu(pattern, { order: Int32Array.of(0, 1) });
    lu.factor(Float64Array.of(1, 1, 1, 1e-1 + 1)); // [[1,1],[1,1.1]] (columns: (1,1), (1,1.1))
    expect(lu.refactor(Float64Array.of(1e-9, 1, 1, 1))).toBe(false);
    lu.factor(Float64Array.of(1e-9, 1, 1, 1));
    const x = lu.solve(Float64Array.of(1, 2));
    // [[1e-9, 1], [1, 1]] x = [1, 2] → x ≈ [1, 1]
    expect(x).toBeAllclose([1 / (1 - 1e-9), 1 - 1e-9 / (1 - 1e-9)], { rtol: 1e-12 });
  });

  it('reports a singular matrix with its column (SingularMatrix), never a wrong answer', () => {
    // column 1 structurally present but numerically zero
    const pattern = patternFromEntries(3, [0, 1, 2, 0], [0, 1, 2, 2]);
    const lu = new SparseLu(pattern, { order: Int32Array.of(0, 1, 2) });
    // column 0: rows 0, 2; column 1: row 1 (zero); column 2: row 2
    expect(() => lu.factor(Float64Array.of(1, 2, 0, 1))).toThrowOdeonError('SingularMatrix', { column: 1 });
  });

  it('orders any pattern as a permutation, dense rows last (approximate minimum degree)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 120 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 4 * n }),
              fc.array(fc.nat(n - 1), { maxLength: 3 }),
            ),
          ),
        ([n, entries, denseRows]) => {
          const rows = entries.map((e) => e[0]);
          const cols = entries.map((e) => e[1]);
          for (const r of denseRows)
            for (let j = 0; j < n; j++) {
              rows.push(r);
              cols.push(j);
            }
          const order = minimumDegreeOrder(patternFromEntries(n, rows, cols));
          expect(order.length).toBe(n);
          expect(new Set(order).size).toBe(n);
          for (const k of order) expect(k >= 0 && k < n).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('orders a dense row last: an arrow matrix factorises without fill', () => {
    const n = 400;
    const rows: number[] = [];
    const cols: number[] = [];
    for (let i = 0; i < n; i++)
      for (const j of [0, i - 1, i, i + 1])
        if (j >= 0 && j < n) {
          rows.push(i, j);
          cols.push(j, i);
        }
    const pattern = patternFromEntries(n, rows, cols);
    const order = minimumDegreeOrder(pattern);
    expect(order[n - 1]).toBe(0);
    const values = new Float64Array(pattern.rowPtr[n]);
    for (let i = 0; i < n; i++)
      for (let p = pattern.rowPtr[i]; p < pattern.rowPtr[i + 1]; p++)
        values[p] = pattern.colIdx[p] === i ? 4 : -1 / (1 + (i % 3));
    const lu = new SparseLu(pattern, { order });
    lu.factor(values);
    // tridiagonal + arrow: L and U hold the pattern's entries and no more (plus the two diagonals)
    expect(lu.factorNnz).toBeLessThanOrEqual(pattern.rowPtr[n] + n);
  });

  it('keeps the fill of a 2-D 5-point grid well below dense (minimum degree)', () => {
    const N = 20;
    const n = N * N;
    const rows: number[] = [];
    const cols: number[] = [];
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const r = i * N + j;
        for (const [di, dj] of [
          [0, 0],
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]) {
          rows.push(r);
          cols.push(((i + di + N) % N) * N + ((j + dj + N) % N));
        }
      }
    const pattern = patternFromEntries(n, rows, cols);
    const order = minimumDegreeOrder(pattern);
    expect(new Set(order).size).toBe(n);
    const values = new Float64Array(pattern.rowPtr[n]);
    for (let i = 0; i < n; i++)
      for (let p = pattern.rowPtr[i]; p < pattern.rowPtr[i + 1]; p++)
        values[p] = pattern.colIdx[p] === i ? 5 : -1;
    const lu = new SparseLu(pattern, { order });
    lu.factor(values);
    const natural = new SparseLu(pattern, { order: Int32Array.from({ length: n }, (_, k) => k) });
    natural.factor(values);
    expect(lu.factorNnz).toBeLessThan(0.6 * natural.factorNnz);
    expect(lu.factorNnz).toBeLessThan(0.1 * n * n);
  });
});

describe('banded LU', () => {
  it('matches dense LU on random band matrices, also when pivoting (A x = b and Aᵀ x = b)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 30 * 7, maxLength: 30 * 7 }),
        (n, ml, mu, vals) => {
          const band = new BandedLu(n, ml, mu);
          const dense = new Float64Array(n * n);
          let k = 0;
          for (let i = 0; i < n; i++)
            for (let j = Math.max(0, i - ml); j <= Math.min(n - 1, i + mu); j++) {
              const v = vals[k++ % vals.length] + (i === j ? 0.3 : 0);
              dense[i * n + j] = v;
              band.set(i, j, v);
            }
          const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
          const ref = denseSolve(dense, n, b, false);
          if (ref === null) return;
          try {
            band.factor();
          } catch {
            return;
          }
          const x = band.solve(Float64Array.from(b));
          const refScale = Math.max(1, ...Array.from(ref, Math.abs));
          if (refScale > 1e6) return;
          expect(x).toBeAllclose(ref, { rtol: 1e-7, atol: 1e-9 * refScale });
          const refT = denseSolve(dense, n, b, true);
          if (refT !== null)
            expect(band.solveTranspose(Float64Array.from(b))).toBeAllclose(refT, {
              rtol: 1e-7,
              atol: 1e-9 * refScale,
            });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('GMRES', () => {
  it('agrees with a direct solve on random sparse systems, with and without a preconditioner', () => {
    fc.assert(
      fc.property(sparseMatrix(false), (m) => {
        const { n, pattern, values, dense } = m;
        const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
        const ref = denseSolve(dense, n, b, false);
        if (ref === null) return;
        const matvec = (out: Float64Array, v: Float64Array) => {
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j < n; j++) s += dense[i * n + j] * v[j];
            out[i] = s;
          }
        };
        const ws = new GmresWorkspace(n, 10);
        const x = new Float64Array(n);
        const res = gmres(x, matvec, b, ws, { tol: 1e-12, maxIter: 20 * n });
        expect(res.converged).toBe(true);
        expect(x).toBeAllclose(ref, { rtol: 1e-8, atol: 1e-9 });
        // Jacobi preconditioner (diagonal of A)
        const diag = Float64Array.from({ length: n }, (_, i) => dense[i * n + i]);
        const x2 = new Float64Array(n);
        const res2 = gmres(x2, matvec, b, ws, {
          tol: 1e-12,
          maxIter: 20 * n,
          precondition: (out, v) => {
            for (let i = 0; i < n; i++) out[i] = v[i] / diag[i];
          },
        });
        expect(res2.converged).toBe(true);
        expect(x2).toBeAllclose(ref, { rtol: 1e-8, atol: 1e-9 });
        void pattern;
        void values;
      }),
      { numRuns: 60 },
    );
  });

  it('reports non-convergence honestly when the iteration budget is too small', () => {
    const n = 50;
    const matvec = (out: Float64Array, v: Float64Array) => {
      for (let i = 0; i < n; i++) out[i] = (i + 1) * v[i] + (i > 0 ? v[i - 1] : 0);
    };
    const res = gmres(new Float64Array(n), matvec, new Float64Array(n).fill(1), new GmresWorkspace(n, 5), {
      tol: 1e-14,
      maxIter: 3,
    });
    expect(res.converged).toBe(false);
    expect(res.iterations).toBe(3);
  });
});

describe('coloured finite-difference Jacobian', () => {
  /** A random sparse nonlinear RHS: f_i = Σ_{j ∈ S_i} c_ij · sin(y_j) · y_i + d_i y_j². */
  const sparseRhs = fc.integer({ min: 2, max: 60 }).chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.double({ min: -3, max: 3, noNaN: true })), {
        minLength: 1,
        maxLength: 4 * n,
      }),
    ),
  );

  it('agrees with the analytic Jacobian and uses one RHS call per colour (property)', () => {
    fc.assert(
      fc.property(sparseRhs, ([n, terms]) => {
        const rhs = (_t: number, y: Float64Array, _p: Float64Array, dy: Float64Array) => {
          dy.fill(0);
          for (const [i, j, c] of terms) dy[i] += c * Math.sin(y[j]) * y[i] + 0.5 * c * y[j] * y[j];
        };
        const rows = terms.map((e) => e[0]).concat(terms.map((e) => e[0]));
        const cols = terms.map((e) => e[1]).concat(terms.map((e) => e[0]));
        const pattern = patternFromEntries(n, rows, cols);
        const y = Float64Array.from({ length: n }, (_, i) => 0.3 + 0.1 * i);
        // analytic
        const exact = new Float64Array(n * n);
        for (const [i, j, c] of terms) {
          exact[i * n + j] += c * Math.cos(y[j]) * y[i] + c * y[j];
          exact[i * n + i] += c * Math.sin(y[j]);
        }
        const fd = new ColoredFdJacobian(pattern);
        const f0 = new Float64Array(n);
        rhs(0, y, new Float64Array(0), f0);
        const values = new Float64Array(pattern.rowPtr[n]);
        let calls = 0;
        const counted = (t: number, yy: Float64Array, p: Float64Array, dy: Float64Array) => {
          calls++;
          rhs(t, yy, p, dy);
        };
        const evals = fd.evaluate(
          values,
          counted,
          0,
          y,
          new Float64Array(0),
          f0,
          new Float64Array(n).fill(1e-6),
        );
        expect(calls).toBe(evals);
        expect(evals).toBe(fd.coloring.colors);
        expect(evals).toBeLessThanOrEqual(n);
        for (let i = 0; i < n; i++)
          for (let p = pattern.rowPtr[i]; p < pattern.rowPtr[i + 1]; p++) {
            const e = exact[i * n + pattern.colIdx[p]];
            expect(Math.abs(values[p] - e)).toBeLessThan(1e-6 * (1 + Math.abs(e)) * 10);
          }
      }),
      { numRuns: 100 },
    );
  });

  it('colours are structurally orthogonal and a tridiagonal pattern needs 3 colours', () => {
    const n = 100;
    const rows: number[] = [];
    const cols: number[] = [];
    for (let i = 0; i < n; i++)
      for (const j of [i - 1, i, i + 1])
        if (j >= 0 && j < n) {
          rows.push(i);
          cols.push(j);
        }
    const c = colorColumns(patternFromEntries(n, rows, cols));
    expect(c.colors).toBe(3);
  });

  it('detects the pattern of a sparse RHS by probing (entries that vanish at y0 included)', () => {
    // f0 = -k a b, f1 = -k a b, f2 = k a b; at y0 b = 0, so ∂f/∂a = 0 there
    const rhs = (_t: number, y: Float64Array, _p: Float64Array, dy: Float64Array) => {
      const r = 3 * y[0] * y[1];
      dy[0] = -r;
      dy[1] = -r;
      dy[2] = r;
      dy[3] = -y[3];
    };
    const pat = detectPattern(rhs, 0, Float64Array.of(1, 0, 0, 1), new Float64Array(0));
    const entries: string[] = [];
    for (let i = 0; i < 4; i++)
      for (let p = pat.rowPtr[i]; p < pat.rowPtr[i + 1]; p++) entries.push(`${i},${pat.colIdx[p]}`);
    expect(entries).toEqual(['0,0', '0,1', '1,0', '1,1', '2,0', '2,1', '2,2', '3,3']);
  });
});

describe('sparsity pattern validation', () => {
  it.each([
    ['unsorted columns', { n: 2, rowPtr: [0, 2, 3], colIdx: [1, 0, 1] }, 0, 0],
    ['a column out of range', { n: 2, rowPtr: [0, 1, 2], colIdx: [0, 2] }, 1, 2],
    ['a duplicate column', { n: 2, rowPtr: [0, 2, 3], colIdx: [1, 1, 1] }, 0, 1],
  ])('rejects %s with the row and column (InvalidProblem)', (_name, p, row, column) => {
    expect(() => validatePattern(p, 2)).toThrowOdeonError('InvalidProblem', { row, column });
  });

  it('rejects a wrong size or decreasing row pointers', () => {
    expect(() => validatePattern({ n: 3, rowPtr: [0, 1, 2], colIdx: [0, 1] }, 2)).toThrow(/3 states|n = 3/);
    expect(() => validatePattern({ n: 2, rowPtr: [0, 2, 1], colIdx: [0, 1] }, 2)).toThrow(
      /decreases at row 1/,
    );
  });
});
