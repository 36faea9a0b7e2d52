import { stableMatrix, vector, wellConditionedMatrix } from '@odeon/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOdeonError, type OdeonError } from '../../errors.ts';
import { DenseLu } from './lu.ts';

function matvec(a: Float64Array, x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i] += a[i * n + j] * x[j];
  return out;
}

describe('DenseLu', () => {
  it('solves well-conditioned systems to round-off (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 8 })
          .chain((n) => fc.tuple(fc.constant(n), wellConditionedMatrix(n), vector(n))),
        ([n, a, x]) => {
          const lu = new DenseLu(n);
          lu.lu.set(a);
          lu.factorInPlace();
          const b = matvec(Float64Array.from(a), Float64Array.from(x), n);
          lu.solveInPlace(b);
          expect(b).toBeAllclose(Float64Array.from(x), { rtol: 1e-9, atol: 1e-9 });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('needs pivoting on a zero leading entry', () => {
    const lu = new DenseLu(2);
    lu.lu.set([0, 1, 2, 3]);
    lu.factorInPlace();
    const b = Float64Array.of(1, 8); // x = (2.5, 1)
    lu.solveInPlace(b);
    expect(b).toBeAllclose([2.5, 1], { rtol: 1e-14, atol: 0 });
  });

  it('reports a singular matrix as SingularMatrix', () => {
    const lu = new DenseLu(2);
    lu.lu.set([1, 2, 2, 4]);
    try {
      lu.factorInPlace(3);
      expect.unreachable();
    } catch (e) {
      expect(isOdeonError(e, 'SingularMatrix')).toBe(true);
    }
  });

  it('is exercised on stable matrices too', () => {
    fc.assert(
      fc.property(stableMatrix(3), (a) => {
        const lu = new DenseLu(3);
        lu.lu.set(a);
        lu.factorInPlace();
        const x = Float64Array.of(1, -2, 0.5);
        const b = matvec(Float64Array.from(a), x, 3);
        lu.solveInPlace(b);
        expect(b).toBeAllclose(x, { rtol: 1e-8, atol: 1e-8 });
      }),
      { numRuns: 50 },
    );
  });
});

describe('DenseLu (shared LU kernel)', () => {
  it('names the failing pivot column of a singular matrix', () => {
    const lu = new DenseLu(3);
    // column 1 becomes zero below the diagonal after eliminating column 0
    lu.lu.set([1, 2, 3, 2, 4, 7, 0, 0, 1]);
    try {
      lu.factorInPlace(0.5);
      expect.unreachable();
    } catch (e) {
      expect(isOdeonError(e, 'SingularMatrix')).toBe(true);
      expect((e as OdeonError).context).toMatchObject({ component: 1, t: 0.5 });
    }
  });

  it('solves in place at an offset of a longer vector', () => {
    const lu = new DenseLu(2);
    lu.lu.set([0, 1, 2, 3]);
    lu.factorInPlace();
    const x = Float64Array.of(9, 1, 8, 9); // b = (1, 8) at offset 1 → x = (2.5, 1)
    lu.solveInPlace(x, 1);
    expect(x).toBeAllclose([9, 2.5, 1, 9], { rtol: 1e-14, atol: 0 });
  });
});
