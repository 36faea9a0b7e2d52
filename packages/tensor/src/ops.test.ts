import { vector } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as T from './index.ts';

// erf reference values (Abramowitz & Stegun Table 7.1 / high-precision tables).
const ERF_TABLE: readonly [number, number][] = [
  [0, 0],
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [2, 0.9953222650189527],
  [3, 0.9999779095030014],
  [5, 0.9999999999984626],
  [-1.5, -0.9661051464753108],
];

const backends: readonly T.BackendName[] = ['cpu', 'wasm'];

describe.each(backends)('op values on %s', (backend) => {
  beforeAll(async () => {
    await T.initBackend(backend);
  });
  const f32 = backend === 'wasm';
  const tol = f32 ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-14, atol: 1e-15 };
  const t = (v: ArrayLike<number>, shape?: number[]) => T.tensor(v, shape, { backend });

  it('erf matches tabulated values', () => {
    const x = t(ERF_TABLE.map((r) => r[0]));
    expect(T.erf(x).toFloat64()).toBeAllclose(
      ERF_TABLE.map((r) => r[1]),
      f32 ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 2e-16, atol: 1e-16 },
    );
  });

  it('unary ops match Math (property)', () => {
    const table: [(x: T.Tensor) => T.Tensor, (v: number) => number][] = [
      [T.exp, Math.exp],
      [T.neg, (v) => -v],
      [T.abs, Math.abs],
      [T.sign, Math.sign],
      [T.tanh, Math.tanh],
      [T.sin, Math.sin],
      [T.cos, Math.cos],
      [T.square, (v) => v * v],
      [T.sigmoid, (v) => 1 / (1 + Math.exp(-v))],
      [T.softplus, (v) => Math.log(1 + Math.exp(v))],
      [T.relu, (v) => Math.max(v, 0)],
      [T.silu, (v) => v / (1 + Math.exp(-v))],
      [(x) => T.celu(x, 2), (v) => Math.max(0, v) + Math.min(0, 2 * (Math.exp(v / 2) - 1))],
    ];
    fc.assert(
      fc.property(vector(5, -8, 8), (x0) => {
        // On wasm the inputs are float32 (and subnormals may flush to zero): compare on the rounded inputs.
        const x = f32 ? x0.map((v) => (Math.abs(v) < 1e-20 ? 0 : Math.fround(v))) : x0;
        for (const [op, ref] of table)
          expect(op(t(x)).toFloat64()).toBeAllclose(
            x.map(ref),
            f32 ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-13, atol: 1e-15 },
          );
        const pos = x.map((v) => Math.abs(v) + 0.01);
        expect(T.log(t(pos)).toFloat64()).toBeAllclose(pos.map(Math.log), tol);
        expect(T.sqrt(t(pos)).toFloat64()).toBeAllclose(pos.map(Math.sqrt), tol);
        expect(T.log1p(t(pos)).toFloat64()).toBeAllclose(pos.map(Math.log1p), tol);
      }),
      { numRuns: 30 },
    );
  });

  it('gelu is the exact erf form', () => {
    // GELU(1) = Φ(1) = 0.8413447460685429; GELU(-1) = -(1 − Φ(1)).
    expect(T.gelu(t([1, -1, 0])).toFloat64()).toBeAllclose(
      [0.8413447460685429, -0.15865525393145707, 0],
      tol,
    );
  });

  it('softplus and sigmoid do not overflow', () => {
    const v = T.softplus(t([800, -800])).toFloat64();
    expect(v[0]).toBeCloseTo(800, f32 ? 3 : 10);
    expect(v[1]).toBe(0);
    expect(T.sigmoid(t([-800, 800])).toFloat64()).toEqual(new Float64Array([0, 1]));
  });

  it('comparisons and where', () => {
    const a = t([1, 2, 3]);
    const b = t([3, 2, 1]);
    expect(T.greater(a, b).toFloat64()).toEqual(new Float64Array([0, 0, 1]));
    expect(T.greaterEqual(a, b).toFloat64()).toEqual(new Float64Array([0, 1, 1]));
    expect(T.less(a, b).toFloat64()).toEqual(new Float64Array([1, 0, 0]));
    expect(T.lessEqual(a, b).toFloat64()).toEqual(new Float64Array([1, 1, 0]));
    expect(T.equal(a, b).toFloat64()).toEqual(new Float64Array([0, 1, 0]));
    expect(T.where(T.greater(a, 1.5), a, -1).toFloat64()).toEqual(new Float64Array([-1, 2, 3]));
    expect(T.maximum(a, b).toFloat64()).toEqual(new Float64Array([3, 2, 3]));
    expect(T.minimum(a, 2).toFloat64()).toEqual(new Float64Array([1, 2, 2]));
    expect(T.pow(a, 2).toFloat64()).toEqual(new Float64Array([1, 4, 9]));
  });

  it('matmul (batched, broadcast) matches a naive triple loop', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 99 }),
        (batch, m, k, n, seed) => {
          const a = T.randn([batch, m, k], { seed, backend });
          const b = T.randn([k, n], { seed: seed + 1, backend });
          const c = T.matmul(a, b).toFloat64();
          const av = a.toFloat64();
          const bv = b.toFloat64();
          const ref = new Float64Array(batch * m * n);
          for (let q = 0; q < batch; q++)
            for (let i = 0; i < m; i++)
              for (let j = 0; j < n; j++) {
                let s = 0;
                for (let p = 0; p < k; p++) s += av[q * m * k + i * k + p] * bv[p * n + j];
                ref[q * m * n + i * n + j] = s;
              }
          expect(c).toBeAllclose(ref, f32 ? { rtol: 1e-4, atol: 1e-5 } : { rtol: 1e-13, atol: 1e-14 });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reductions over axes', () => {
    const x = t([1, 5, 3, 4, 2, 6], [2, 3]);
    expect(T.sum(x).item()).toBeCloseTo(21, f32 ? 5 : 12);
    expect(T.sum(x, 0).toFloat64()).toEqual(new Float64Array([5, 7, 9]));
    expect(T.sum(x, 1, true).shape).toEqual([2, 1]);
    expect(T.mean(x, -1).toFloat64()).toBeAllclose([3, 4], tol);
    expect(T.max(x, 0).toFloat64()).toEqual(new Float64Array([4, 5, 6]));
    expect(T.min(x, 1).toFloat64()).toEqual(new Float64Array([1, 2]));
    expect(T.logsumexp(x, 1).toFloat64()).toBeAllclose(
      [Math.log(Math.exp(1) + Math.exp(5) + Math.exp(3)), Math.log(Math.exp(4) + Math.exp(2) + Math.exp(6))],
      tol,
    );
    expect(T.logsumexp(t([1000, 1000])).item()).toBeCloseTo(1000 + Math.log(2), f32 ? 3 : 9);
    expect(T.norm(t([3, -4])).item()).toBeCloseTo(5, f32 ? 5 : 12);
    expect(T.norm(t([3, -4]), { ord: 1 }).item()).toBeCloseTo(7, f32 ? 5 : 12);
    expect(T.norm(t([3, -4]), { ord: Number.POSITIVE_INFINITY }).item()).toBeCloseTo(4, f32 ? 5 : 12);
    const y = T.reshape(
      T.tensor(
        Array.from({ length: 24 }, (_, i) => i),
        [24],
        { backend },
      ),
      [2, 3, 4],
    );
    // sum over the middle axis (non-trailing path)
    const ref: number[] = [];
    for (let a = 0; a < 2; a++)
      for (let c = 0; c < 4; c++) ref.push([0, 1, 2].reduce((s, b) => s + a * 12 + b * 4 + c, 0));
    expect(T.sum(y, 1).toFloat64()).toBeAllclose(ref, tol);
    expect(T.max(y, [0, 2]).toFloat64()).toEqual(new Float64Array([15, 19, 23]));
  });

  it('shape ops: transpose, slice, pad, concat, stack, gather', () => {
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(T.transpose(x).toFloat64()).toEqual(new Float64Array([1, 4, 2, 5, 3, 6]));
    expect(T.slice(x, [0, 1], [2, 2]).toFloat64()).toEqual(new Float64Array([2, 3, 5, 6]));
    expect(T.pad(t([1, 2]), [1], [2]).toFloat64()).toEqual(new Float64Array([0, 1, 2, 0, 0]));
    expect(T.concat([x, x], 1).shape).toEqual([2, 6]);
    expect(T.concat([x, x], 1).toFloat64()).toEqual(new Float64Array([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]));
    expect(T.stack([t([1, 2]), t([3, 4])], 1).toFloat64()).toEqual(new Float64Array([1, 3, 2, 4]));
    expect(T.gather(x, [2, 0], 1).toFloat64()).toEqual(new Float64Array([3, 1, 6, 4]));
    expect(T.gather(x, [1], 0).toFloat64()).toEqual(new Float64Array([4, 5, 6]));
    const y = T.reshape(
      T.tensor(
        Array.from({ length: 24 }, (_, i) => i),
        [24],
        { backend },
      ),
      [2, 3, 4],
    );
    const yt = T.transpose(y, [2, 0, 1]);
    expect(yt.shape).toEqual([4, 2, 3]);
    expect(yt.toFloat64()[1 * 6 + 1 * 3 + 2]).toBe(1 * 12 + 2 * 4 + 1);
  });

  it('creation: eye, zeros, ones, seeded randn is reproducible with mean≈0, std≈1', () => {
    expect(T.eye(2, 3, { backend }).toFloat64()).toEqual(new Float64Array([1, 0, 0, 0, 1, 0]));
    expect(T.zeros([2], { backend }).toFloat64()).toEqual(new Float64Array(2));
    expect(T.ones([2], { backend }).toFloat64()).toEqual(new Float64Array([1, 1]));
    const a = T.randn([4000], { seed: 9, backend }).toFloat64();
    const b = T.randn([4000], { seed: 9, backend }).toFloat64();
    expect(a).toEqual(b);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    // 4000 samples: standard error of the mean 0.016, of the std ≈ 0.011.
    expect(Math.abs(mean)).toBeLessThan(0.08);
    expect(Math.abs(std - 1)).toBeLessThan(0.06);
  });

  it('bad shapes raise OdeonError with codes', () => {
    expect(() => T.add(t([1, 2]), t([1, 2, 3]))).toThrowOdeonError('ShapeMismatch');
    expect(() => T.matmul(t([1, 2], [1, 2]), t([1, 2], [1, 2]))).toThrowOdeonError('ShapeMismatch');
    expect(() => T.reshape(t([1, 2, 3]), [2, 2])).toThrowOdeonError('ShapeMismatch');
    expect(() => T.sum(t([1, 2]), 3)).toThrowOdeonError('InvalidOption');
    expect(() => T.gather(t([1, 2]), [2])).toThrowOdeonError('OutOfRange');
    expect(() => T.tensor([[1, 2], [3]])).toThrowOdeonError('ShapeMismatch');
    expect(() => T.zeros([2], { backend: 'nope' as 'cpu' })).toThrowOdeonError('BackendNotInitialized');
  });
});
