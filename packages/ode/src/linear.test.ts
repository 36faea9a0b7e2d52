import { stableMatrix, vector } from '@odeon/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solve } from './solve.ts';

/** exp(A) for a small matrix by scaling and squaring of the Taylor series (independent of the solvers). */
function expm(A: Float64Array, n: number): Float64Array {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(A[i * n + j]);
    norm = Math.max(norm, s);
  }
  const k = Math.max(0, Math.ceil(Math.log2(norm + 1e-300)) + 4);
  const scale = 2 ** -k;
  const mul = (X: Float64Array, Y: Float64Array) => {
    const Z = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let l = 0; l < n; l++) for (let j = 0; j < n; j++) Z[i * n + j] += X[i * n + l] * Y[l * n + j];
    return Z;
  };
  const As = A.map((v) => v * scale);
  let E = new Float64Array(n * n);
  let term = new Float64Array(n * n);
  for (let i = 0; i < n; i++) E[i * n + i] = term[i * n + i] = 1;
  for (let m = 1; m <= 20; m++) {
    term = mul(term, As).map((v) => v / m);
    E = E.map((v, i) => v + term[i]);
  }
  for (let s = 0; s < k; s++) E = mul(E, E);
  return E;
}

describe("y' = A·y against the matrix exponential (property)", () => {
  it.each(['tsit5', 'dop853', 'rodas5p', 'rodas4', 'auto'] as const)('%s', (method) => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((n) => fc.tuple(fc.constant(n), stableMatrix(n, 0.1, 1.5), vector(n, -2, 2))),
        ([n, A, y0]) => {
          const T = 1.5;
          const sol = solve(
            {
              rhs: (_t, y, _p, dy) => {
                for (let i = 0; i < n; i++) {
                  let s = 0;
                  for (let j = 0; j < n; j++) s += A[i * n + j] * y[j];
                  dy[i] = s;
                }
              },
              jacobian: (_t, _y, _p, J) => J.set(A),
              y0,
              t0: 0,
              t1: T,
            },
            { method, rtol: 1e-10, atol: 1e-12, saveAt: [T] },
          );
          const E = expm(
            A.map((v) => v * T),
            n,
          );
          const exact = new Float64Array(n);
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) exact[i] += E[i * n + j] * y0[j];
          const scale = Math.max(1, ...Array.from(y0, Math.abs));
          expect(sol.y).toBeAllclose(exact, { rtol: 1e-6, atol: 1e-7 * scale });
        },
      ),
      { numRuns: 40 },
    );
  });
});
