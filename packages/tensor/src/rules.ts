/**
 * Reverse-mode rules, one per primitive, in one exhaustive table keyed by `OpName` (a missing rule
 * is a compile error). Rules are written with the public differentiable ops, so the backward pass
 * can itself be differentiated (higher order). `needs[i]` says whether input i needs a cotangent;
 * a rule may return `null` for inputs that do not (or that get a zero cotangent).
 */
import { fromValues } from './creation.ts';
import { reducedShape } from './internal/shape.ts';
import {
  add,
  cos,
  div,
  equal,
  exp,
  geluDerivative,
  greater,
  less,
  log,
  mul,
  neg,
  pow as pow_,
  sigmoid,
  sign,
  sin,
  square,
  sub,
  where,
} from './ops-elementwise.ts';
import { matmul } from './ops-linalg.ts';
import { sum } from './ops-reduce.ts';
import { broadcastTo, gather, mT, pad, reshape, scatterAdd, slice, sumTo, transpose } from './ops-shape.ts';
import type { Tensor } from './tensor.ts';
import type { OpAttrs, OpName } from './types.ts';

/** The reverse-mode rule of primitive `K`: cotangents of the inputs given the output cotangent `g`. */
export type Rule<K extends OpName> = (
  g: Tensor,
  inputs: readonly Tensor[],
  out: Tensor,
  attrs: OpAttrs<K>,
  needs: readonly boolean[],
) => readonly (Tensor | null)[];

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_2PI = 0.3989422804014327;

const none = (): readonly null[] => [null, null, null];

/** Tie-splitting mask for maximum/minimum: 1 where a wins, ½ on ties, 0 otherwise. */
function winMask(a: Tensor, b: Tensor, wins: (a: Tensor, b: Tensor) => Tensor): Tensor {
  return add(wins(a, b), mul(equal(a, b), 0.5));
}

function zeroLike(t: Tensor): Tensor {
  return fromValues(Float64Array.of(0), [], t.backend);
}

/** The table. */
export const rules: { readonly [K in OpName]: Rule<K> } = {
  identity: (g) => [g],
  add: (g, [a, b], _y, _at, n) => [n[0] ? sumTo(g, a.shape) : null, n[1] ? sumTo(g, b.shape) : null],
  sub: (g, [a, b], _y, _at, n) => [n[0] ? sumTo(g, a.shape) : null, n[1] ? sumTo(neg(g), b.shape) : null],
  mul: (g, [a, b], _y, _at, n) => [
    n[0] ? sumTo(mul(g, b), a.shape) : null,
    n[1] ? sumTo(mul(g, a), b.shape) : null,
  ],
  div: (g, [a, b], _y, _at, n) => {
    const gb = div(g, b);
    return [n[0] ? sumTo(gb, a.shape) : null, n[1] ? sumTo(neg(mul(gb, div(a, b))), b.shape) : null];
  },
  pow: (g, [a, b], y, _at, n) => {
    const ga = n[0] ? sumTo(mul(g, mul(b, pow_(a, sub(b, 1)))), a.shape) : null;
    let gb: Tensor | null = null;
    if (n[1]) {
      // d/db a^b = a^b log a, taken as 0 where a ≤ 0 (log guarded so no NaN leaks through `where`).
      const pos = greater(a, 0);
      const safeLog = where(pos, log(where(pos, a, 1)), 0);
      gb = sumTo(mul(g, mul(y, safeLog)), b.shape);
    }
    return [ga, gb];
  },
  maximum: (g, [a, b], _y, _at, n) => {
    const m = winMask(a, b, greater);
    return [n[0] ? sumTo(mul(g, m), a.shape) : null, n[1] ? sumTo(mul(g, sub(1, m)), b.shape) : null];
  },
  minimum: (g, [a, b], _y, _at, n) => {
    const m = winMask(a, b, less);
    return [n[0] ? sumTo(mul(g, m), a.shape) : null, n[1] ? sumTo(mul(g, sub(1, m)), b.shape) : null];
  },
  greater: none,
  greaterEqual: none,
  less: none,
  lessEqual: none,
  equal: none,
  neg: (g) => [neg(g)],
  exp: (g, _x, y) => [mul(g, y)],
  log: (g, [x]) => [div(g, x)],
  log1p: (g, [x]) => [div(g, add(x, 1))],
  sqrt: (g, _x, y) => [div(mul(g, 0.5), y)],
  square: (g, [x]) => [mul(g, mul(x, 2))],
  abs: (g, [x]) => [mul(g, sign(x))],
  sign: none,
  tanh: (g, _x, y) => [mul(g, sub(1, square(y)))],
  sigmoid: (g, _x, y) => [mul(g, mul(y, sub(1, y)))],
  softplus: (g, [x]) => [mul(g, sigmoid(x))],
  sin: (g, [x]) => [mul(g, cos(x))],
  cos: (g, [x]) => [neg(mul(g, sin(x)))],
  erf: (g, [x]) => [mul(g, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI))],
  // d/dx x·Φ(x) = Φ(x) + x·φ(x), a primitive of its own so the backward pass is one kernel.
  gelu: (g, [x]) => [mul(g, geluDerivative(x))],
  // d/dx [Φ(x) + x·φ(x)] = φ(x)·(2 − x²), φ(x) = exp(−x²/2)/√(2π).
  geluDerivative: (g, [x]) => {
    const x2 = square(x);
    const pdf = mul(exp(mul(x2, -0.5)), INV_SQRT_2PI);
    return [mul(g, mul(pdf, sub(2, x2)))];
  },
  where: (g, [c, a, b], _y, _at, n) => {
    const z = zeroLike(g);
    return [null, n[1] ? sumTo(where(c, g, z), a.shape) : null, n[2] ? sumTo(where(c, z, g), b.shape) : null];
  },
  sum: (g, [x], _y, { axes }) => [broadcastTo(reshape(g, reducedShape(x.shape, axes, true)), x.shape)],
  max: (g, [x], y, { axes }) => {
    const keep = reducedShape(x.shape, axes, true);
    const mask = equal(x, reshape(y, keep));
    const count = sum(mask, axes, true);
    return [mul(broadcastTo(reshape(g, keep), x.shape), div(mask, count))];
  },
  reshape: (g, [x]) => [reshape(g, x.shape)],
  transpose: (g, _x, _y, { perm }) => {
    const inv = new Array<number>(perm.length);
    for (let i = 0; i < perm.length; i++) inv[perm[i]] = i;
    return [transpose(g, inv)];
  },
  broadcastTo: (g, [x]) => [sumTo(g, x.shape)],
  slice: (g, [x], _y, { begin, size }) => [
    pad(
      g,
      begin,
      x.shape.map((d, i) => d - begin[i] - size[i]),
    ),
  ],
  pad: (g, [x], _y, { before }) => [slice(g, before, x.shape)],
  concat: (g, xs, _y, { axis }, n) => {
    const out: (Tensor | null)[] = [];
    let offset = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      if (n[i]) {
        const begin = new Array<number>(x.rank).fill(0);
        begin[axis] = offset;
        out.push(slice(g, begin, x.shape));
      } else out.push(null);
      offset += x.shape[axis];
    }
    return out;
  },
  gather: (g, [x], _y, { axis, indices }) => [scatterAdd(g, indices, axis, x.shape[axis])],
  scatterAdd: (g, _x, _y, { axis, indices }) => [gather(g, indices, axis)],
  matmul: (g, [a, b], _y, _at, n) => [
    n[0] ? sumTo(matmul(g, mT(b)), a.shape) : null,
    n[1] ? sumTo(matmul(mT(a), g), b.shape) : null,
  ],
};
