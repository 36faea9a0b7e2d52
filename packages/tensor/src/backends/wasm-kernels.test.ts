import { broadcastableShapes } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as T from '../index.ts';

/**
 * Differential test: every primitive on wasm (float32) against the float64 cpu kernels on the same
 * float32-representable inputs, over random broadcastable shapes.
 */
describe('wasm kernels agree with the float64 cpu kernels', () => {
  beforeAll(async () => {
    await T.initBackend('wasm');
  });
  const tol = { rtol: 2e-5, atol: 2e-6 };
  const both = (shape: number[], seed: number, positive = false) => {
    let c = T.randn(shape, { seed });
    if (positive) c = T.add(T.abs(c), 0.1);
    const w = T.toBackend(c, 'wasm');
    return [T.toBackend(w, 'cpu'), w] as const; // cpu copy holds the float32-rounded values
  };

  it('binary ops with broadcasting', () => {
    const ops = [T.add, T.sub, T.mul, T.div, T.maximum, T.minimum, T.greater, T.lessEqual, T.equal];
    fc.assert(
      fc.property(broadcastableShapes(3, 4), fc.integer({ min: 0, max: 1e6 }), ([sa, sb], seed) => {
        const [a, aw] = both(sa, seed);
        const [b, bw] = both(sb, seed + 1, true);
        for (const op of ops) expect(op(aw, bw).toFloat64()).toBeAllclose(op(a, b).toFloat64(), tol);
        const [p, pw] = both(sa, seed + 2, true);
        expect(T.pow(pw, bw).toFloat64()).toBeAllclose(T.pow(p, b).toFloat64(), { rtol: 1e-4, atol: 1e-5 });
        expect(T.where(T.greater(aw, 0), aw, bw).toFloat64()).toBeAllclose(
          T.where(T.greater(a, 0), a, b).toFloat64(),
          tol,
        );
      }),
      { numRuns: 40 },
    );
  });

  it('reductions, shape ops and batched matmul', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 1e6 }),
        (shape, seed) => {
          const [x, xw] = both(shape, seed);
          const r = shape.length;
          const axis = seed % r;
          expect(T.sum(xw, axis).toFloat64()).toBeAllclose(T.sum(x, axis).toFloat64(), tol);
          expect(T.max(xw, [axis], true).toFloat64()).toBeAllclose(T.max(x, [axis], true).toFloat64(), tol);
          const perm = Array.from({ length: r }, (_, i) => (i + 1) % r);
          expect(T.transpose(xw, perm).toFloat64()).toBeAllclose(T.transpose(x, perm).toFloat64(), tol);
          const before = shape.map((_, i) => (i + seed) % 2);
          const after = shape.map((_, i) => (i + seed + 1) % 3);
          expect(T.pad(xw, before, after).toFloat64()).toBeAllclose(T.pad(x, before, after).toFloat64(), tol);
          const idx = [shape[axis] - 1, 0, shape[axis] - 1];
          expect(T.gather(xw, idx, axis).toFloat64()).toBeAllclose(T.gather(x, idx, axis).toFloat64(), tol);
          expect(T.concat([xw, xw], axis).toFloat64()).toBeAllclose(T.concat([x, x], axis).toFloat64(), tol);
          const [m, mw] = both([1, shape[r - 1], 3], seed + 5);
          if (r >= 2)
            expect(T.matmul(xw, mw).toFloat64()).toBeAllclose(T.matmul(x, m).toFloat64(), {
              rtol: 1e-4,
              atol: 1e-5,
            });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('unary ops', () => {
    const [x, xw] = both([64], 3);
    const [p, pw] = both([64], 4, true);
    for (const op of [
      T.exp,
      T.neg,
      T.tanh,
      T.sigmoid,
      T.softplus,
      T.sin,
      T.cos,
      T.erf,
      T.gelu,
      T.square,
      T.abs,
      T.sign,
    ])
      expect(op(xw).toFloat64()).toBeAllclose(op(x).toFloat64(), { rtol: 1e-5, atol: 1e-6 });
    for (const op of [T.log, T.sqrt, T.log1p])
      expect(op(pw).toFloat64()).toBeAllclose(op(p).toFloat64(), tol);
  });
});
