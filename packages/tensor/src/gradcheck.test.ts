/**
 * First- and second-order gradchecks (central differences, @odeon/testkit) for every public op, on
 * both backends, with fast-check inputs. Second order checks the gradient of x ↦ ⟨w₂, ∇L(x)⟩, whose
 * analytic gradient is a reverse-over-reverse Hessian–vector product.
 */
import { gradcheck, vector } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as T from './index.ts';
import { initBackend } from './index.ts';

type Case = {
  readonly name: string;
  /** Number of input scalars. */
  readonly n: number;
  readonly f: (x: T.Tensor) => T.Tensor;
  readonly lo?: number;
  readonly hi?: number;
  /** Moves generated inputs away from kinks and ties. */
  readonly ok?: (x: Float64Array) => Float64Array;
  /** Skip the second-order check (piecewise-linear ops have zero/undefined second derivative). */
  readonly firstOnly?: boolean;
};

const part = (x: T.Tensor, begin: number, shape: number[]): T.Tensor =>
  T.reshape(T.slice(x, [begin], [shape.reduce((a, b) => a * b, 1)]), shape);
const ab = (x: T.Tensor): [T.Tensor, T.Tensor] => [part(x, 0, [2, 3]), part(x, 6, [3])];
// Inputs are moved away from kinks and ties by construction (rather than filtered), so every run tests.
const awayFromZero = (x: Float64Array): Float64Array => x.map((v) => (v >= 0 ? v + 0.1 : v - 0.1));
const noTies = (x: Float64Array): Float64Array => {
  const y = x.slice();
  for (let i = 0; i < 6; i++) y[i] += x[i] >= x[6 + (i % 3)] ? 0.1 : -0.1;
  return y;
};
/** Spreads values apart: the k-th smallest (by `key`) moves by 0.1·k away from zero's side. */
const spread = (x: Float64Array, key: (v: number) => number = (v) => v): Float64Array => {
  const order = [...x.keys()].sort((i, j) => key(x[i]) - key(x[j]) || i - j);
  const y = x.slice();
  order.forEach((i, k) => {
    y[i] = key === Math.abs ? Math.sign(x[i] || 1) * (Math.abs(x[i]) + 0.1 * (k + 1)) : x[i] + 0.1 * k;
  });
  return y;
};
const distinct = (x: Float64Array): Float64Array => spread(x);
const distinctAbs = (x: Float64Array): Float64Array => spread(x, Math.abs);
const farFromInts = awayFromZero;

const unary = (
  name: string,
  f: (x: T.Tensor) => T.Tensor,
  lo = -2,
  hi = 2,
  extra: Partial<Case> = {},
): Case => ({
  name,
  n: 6,
  f: (x) => f(T.reshape(x, [2, 3])),
  lo,
  hi,
  ...extra,
});
const binary = (
  name: string,
  f: (a: T.Tensor, b: T.Tensor) => T.Tensor,
  lo = -2,
  hi = 2,
  extra: Partial<Case> = {},
): Case => ({
  name,
  n: 9,
  f: (x) => {
    const [a, b] = ab(x);
    return f(a, b);
  },
  lo,
  hi,
  ...extra,
});

const cases: readonly Case[] = [
  binary('add', T.add),
  binary('sub', T.sub),
  binary('mul', T.mul),
  binary('div', T.div, 0.5, 2),
  binary('pow', T.pow, 0.5, 2),
  binary('maximum', T.maximum, -2, 2, { ok: noTies, firstOnly: true }),
  binary('minimum', T.minimum, -2, 2, { ok: noTies, firstOnly: true }),
  binary('where(greater)', (a, b) => T.where(T.greater(a, b), T.mul(a, a), T.sin(b)), -2, 2, { ok: noTies }),
  binary('where(lessEqual)', (a, b) => T.where(T.lessEqual(a, b), T.exp(a), T.mul(b, 3)), -2, 2, {
    ok: noTies,
  }),
  binary(
    'where(less/greaterEqual/equal)',
    (a, b) => T.add(T.mul(T.less(a, b), a), T.mul(T.greaterEqual(a, b), T.mul(T.add(T.equal(a, a), 1), b))),
    -2,
    2,
    { ok: noTies },
  ),
  unary('neg', T.neg),
  unary('exp', T.exp),
  unary('log', T.log, 0.2, 3),
  unary('log1p', T.log1p, -0.5, 3),
  unary('sqrt', T.sqrt, 0.2, 3),
  unary('square', T.square),
  unary('pow(x, 3)', (x) => T.pow(x, 3)),
  unary('abs', T.abs, -2, 2, { ok: farFromInts, firstOnly: true }),
  unary('sign·x²', (x) => T.mul(T.sign(x), T.square(x)), -2, 2, { ok: farFromInts }),
  unary('tanh', T.tanh, -3, 3),
  unary('sigmoid', T.sigmoid, -5, 5),
  unary('softplus', T.softplus, -5, 5),
  unary('relu', T.relu, -2, 2, { ok: farFromInts, firstOnly: true }),
  unary('gelu', T.gelu, -4, 4),
  unary('geluDerivative', T.geluDerivative, -4, 4),
  unary('celu', (x) => T.celu(x, 0.7), -2, 2, { ok: farFromInts }),
  unary('silu', T.silu, -4, 4),
  unary('sin', T.sin, -4, 4),
  unary('cos', T.cos, -4, 4),
  unary('erf', T.erf, -3, 3),
  unary('reciprocal', T.reciprocal, 0.5, 2),
  unary('sum(axis 0)', (x) => T.sum(T.square(x), 0)),
  unary('sum(axis 1, keepDims)', (x) => T.mul(T.sum(T.square(x), 1, true), x)),
  unary('mean', (x) => T.mean(T.exp(x), [0, 1])),
  unary('max(axis 1)', (x) => T.mul(T.max(x, 1), T.max(x, 1)), -2, 2, { ok: distinct }),
  unary('min(axis 0)', (x) => T.exp(T.min(x, 0)), -2, 2, { ok: distinct }),
  unary('logsumexp(axis 1)', (x) => T.logsumexp(T.mul(x, 3), 1)),
  unary('norm(ord 2)', (x) => T.norm(x, { axes: 1 }), 0.3, 2),
  unary('norm(ord 1)', (x) => T.square(T.norm(x, { ord: 1 })), -2, 2, { ok: farFromInts }),
  unary('norm(ord ∞)', (x) => T.square(T.norm(x, { ord: Number.POSITIVE_INFINITY })), -2, 2, {
    ok: distinctAbs,
  }),
  unary('transpose', (x) =>
    T.mul(T.transpose(x), T.tensor([[1], [2], [3]], undefined, { backend: x.backend })),
  ),
  unary('reshape', (x) => T.exp(T.reshape(x, [3, 2]))),
  unary('broadcastTo', (x) => T.sin(T.broadcastTo(T.reshape(x, [1, 2, 3]), [2, 2, 3]))),
  unary('slice', (x) => T.square(T.slice(x, [1, 1], [1, 2]))),
  unary('pad', (x) => T.exp(T.pad(x, [1, 0], [0, 2]))),
  unary('concat', (x) => T.concat([T.square(x), T.sin(x), x], 1)),
  unary('stack', (x) => T.stack([T.square(x), T.exp(x)], 1)),
  unary('gather (repeated indices)', (x) => T.square(T.gather(x, [2, 0, 2, 1], 1))),
  unary('matmul 2×3 @ 3×2', (x) => T.tanh(T.matmul(x, T.transpose(T.square(x))))),
  {
    name: 'matmul batched/broadcast [2,2,3] @ [3,2]',
    n: 18,
    f: (x) => T.sin(T.matmul(part(x, 0, [2, 2, 3]), part(x, 12, [3, 2]))),
  },
  { name: 'matmul vector @ matrix', n: 9, f: (x) => T.exp(T.matmul(part(x, 0, [3]), part(x, 3, [3, 2]))) },
];

const backends: readonly T.BackendName[] = ['cpu', 'wasm'];

describe.each(backends)('gradcheck on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });
  // float64: central differences resolve ~1e-7 relative; float32: round-off eps32/h with h = eps32^(1/3).
  const eps = backend === 'cpu' ? 2.220446049250313e-16 : 1.1920928955078125e-7;
  const h = Math.cbrt(eps);
  const tol1 = backend === 'cpu' ? { rtol: 1e-5, atol: 1e-7 } : { rtol: 3e-2, atol: 2e-3 };
  const tol2 = backend === 'cpu' ? { rtol: 1e-4, atol: 1e-6 } : { rtol: 6e-2, atol: 1e-2 };

  for (const c of cases) {
    const w = T.randn([1024], { seed: 7 }).toFloat64();
    const lossOf = (x: T.Tensor): T.Tensor => {
      const y = c.f(x);
      const wy = T.tensor(w.subarray(0, y.size), y.shape, { backend });
      return T.sum(T.mul(y, wy));
    };
    const num = (fx: (x: T.Tensor) => T.Tensor) => (x: Float64Array) =>
      fx(T.tensor(x, [x.length], { backend })).item();
    const ana = (fx: (x: T.Tensor) => T.Tensor) => (x: Float64Array) =>
      T.grad(fx)(T.tensor(x, [x.length], { backend })).toFloat64();
    const w2 = T.randn([c.n], { seed: 11 }).toFloat64();
    const second = (x: T.Tensor): T.Tensor =>
      T.sum(T.mul(T.grad(lossOf)(x), T.tensor(w2, [c.n], { backend })));

    it(`${c.name}: first order`, () => {
      fc.assert(
        fc.property(vector(c.n, c.lo ?? -2, c.hi ?? 2), (x0) => {
          const x = c.ok === undefined ? x0 : c.ok(x0);
          const r = gradcheck(num(lossOf), ana(lossOf), x, { ...tol1, h });
          if (!r.pass)
            throw new Error(`worst ratio ${r.worstRatio} at ${r.worstIndex}: ${r.analytic} vs ${r.numeric}`);
        }),
        { numRuns: backend === 'cpu' ? 25 : 8, seed: 42 },
      );
    });
    if (c.firstOnly !== true)
      it(`${c.name}: second order`, () => {
        fc.assert(
          fc.property(vector(c.n, c.lo ?? -2, c.hi ?? 2), (x0) => {
            const x = c.ok === undefined ? x0 : c.ok(x0);
            const r = gradcheck(num(second), ana(second), x, { ...tol2, h });
            if (!r.pass)
              throw new Error(
                `worst ratio ${r.worstRatio} at ${r.worstIndex}: ${r.analytic} vs ${r.numeric}`,
              );
          }),
          { numRuns: backend === 'cpu' ? 10 : 4, seed: 43 },
        );
      });
  }

  for (const c of cases) {
    const w = T.randn([1024], { seed: 7 }).toFloat64();
    const lossOf = (x: T.Tensor): T.Tensor => {
      const y = c.f(x);
      return T.sum(T.mul(y, T.tensor(w.subarray(0, y.size), y.shape, { backend })));
    };
    const dir = T.randn([c.n], { seed: 13 }).toFloat64();
    // Central difference of a vector function along `dir`.
    const directional = (g: (x: Float64Array) => Float64Array, x: Float64Array): Float64Array => {
      const xp = x.map((v, i) => v + h * dir[i]);
      const xm = x.map((v, i) => v - h * dir[i]);
      const gp = g(xp);
      const gm = g(xm);
      return gp.map((v, i) => (v - gm[i]) / (2 * h));
    };
    const check = (analytic: Float64Array, numeric: Float64Array, tol: { rtol: number; atol: number }) => {
      for (let i = 0; i < numeric.length; i++)
        if (!(Math.abs(analytic[i] - numeric[i]) <= tol.atol + tol.rtol * Math.abs(numeric[i])))
          throw new Error(`component ${i}: ${analytic[i]} vs ${numeric[i]}`);
    };
    it(`${c.name}: forward mode (jvp) first order`, () => {
      fc.assert(
        fc.property(vector(c.n, c.lo ?? -2, c.hi ?? 2), (x0) => {
          const x = c.ok === undefined ? x0 : c.ok(x0);
          const f = (v: Float64Array) => c.f(T.tensor(v, [v.length], { backend })).toFloat64();
          const tangent = T.jvp(
            c.f,
            T.tensor(x, [c.n], { backend }),
            T.tensor(dir, [c.n], { backend }),
          ).tangent;
          check(tangent.toFloat64(), directional(f, x), tol1);
        }),
        { numRuns: backend === 'cpu' ? 15 : 5, seed: 44 },
      );
    });
    if (c.firstOnly !== true)
      it(`${c.name}: forward-over-reverse (jvp of grad) second order`, () => {
        fc.assert(
          fc.property(vector(c.n, c.lo ?? -2, c.hi ?? 2), (x0) => {
            const x = c.ok === undefined ? x0 : c.ok(x0);
            const g = (v: Float64Array) => T.grad(lossOf)(T.tensor(v, [v.length], { backend })).toFloat64();
            const hv = T.jvp(
              T.grad(lossOf),
              T.tensor(x, [c.n], { backend }),
              T.tensor(dir, [c.n], { backend }),
            ).tangent;
            check(hv.toFloat64(), directional(g, x), tol2);
          }),
          { numRuns: backend === 'cpu' ? 8 : 3, seed: 45 },
        );
      });
  }

  it('covers every differentiable primitive in the rule table', () => {
    const names = Object.keys(T.rules).sort();
    expect(names).toContain('gelu');
    expect(names.length).toBe(41);
  });
});
