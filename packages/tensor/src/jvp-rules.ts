/**
 * Forward-mode (tangent) rules, one per primitive, in one exhaustive table keyed by `OpName`.
 * Like the reverse rules they are written with differentiable ops, so tangents can be
 * differentiated again (jvp of jvp, grad of jvp, jvp of grad). A rule receives the tangents of the
 * inputs (`null` = zero) and returns the output tangent (`null` = zero).
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
  pow,
  sigmoid,
  sign,
  sin,
  square,
  sub,
  where,
} from './ops-elementwise.ts';
import { matmul } from './ops-linalg.ts';
import { sum } from './ops-reduce.ts';
import { broadcastTo, concat, gather, pad, reshape, scatterAdd, slice, transpose } from './ops-shape.ts';
import type { Tensor } from './tensor.ts';
import type { OpAttrs, OpName } from './types.ts';

/** The tangent rule of primitive `K`. */
export type JvpRule<K extends OpName> = (
  tangents: readonly (Tensor | null)[],
  inputs: readonly Tensor[],
  out: Tensor,
  attrs: OpAttrs<K>,
) => Tensor | null;

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_2PI = 0.3989422804014327;

/** Sum of optional terms, broadcast to the output shape. */
function total(out: Tensor, ...terms: (Tensor | null)[]): Tensor | null {
  let acc: Tensor | null = null;
  for (const t of terms) if (t !== null) acc = acc === null ? t : add(acc, t);
  return acc === null ? null : broadcastTo(acc, out.shape);
}

const scale = (t: Tensor | null, f: () => Tensor): Tensor | null => (t === null ? null : mul(t, f()));
const zero = (like: Tensor): Tensor => fromValues(Float64Array.of(0), [], like.backend);
const winMask = (a: Tensor, b: Tensor, wins: (a: Tensor, b: Tensor) => Tensor): Tensor =>
  add(wins(a, b), mul(equal(a, b), 0.5));

/** The table. */
export const jvpRules: { readonly [K in OpName]: JvpRule<K> } = {
  identity: ([t]) => t,
  add: ([ta, tb], _x, y) => total(y, ta, tb),
  sub: ([ta, tb], _x, y) => total(y, ta, tb === null ? null : neg(tb)),
  mul: ([ta, tb], [a, b], y) =>
    total(
      y,
      scale(ta, () => b),
      scale(tb, () => a),
    ),
  div: ([ta, tb], [_a, b], y) =>
    total(
      y,
      scale(ta, () => div(1, b)),
      scale(tb, () => neg(div(y, b))),
    ),
  pow: ([ta, tb], [a, b], y) =>
    total(
      y,
      scale(ta, () => mul(b, pow(a, sub(b, 1)))),
      scale(tb, () => {
        const pos = greater(a, 0);
        return mul(y, where(pos, log(where(pos, a, 1)), 0));
      }),
    ),
  maximum: ([ta, tb], [a, b], y) => {
    const m = winMask(a, b, greater);
    return total(
      y,
      scale(ta, () => m),
      scale(tb, () => sub(1, m)),
    );
  },
  minimum: ([ta, tb], [a, b], y) => {
    const m = winMask(a, b, less);
    return total(
      y,
      scale(ta, () => m),
      scale(tb, () => sub(1, m)),
    );
  },
  greater: () => null,
  greaterEqual: () => null,
  less: () => null,
  lessEqual: () => null,
  equal: () => null,
  neg: ([t]) => (t === null ? null : neg(t)),
  exp: ([t], _x, y) => scale(t, () => y),
  log: ([t], [x]) => (t === null ? null : div(t, x)),
  log1p: ([t], [x]) => (t === null ? null : div(t, add(x, 1))),
  sqrt: ([t], _x, y) => (t === null ? null : div(mul(t, 0.5), y)),
  square: ([t], [x]) => scale(t, () => mul(x, 2)),
  abs: ([t], [x]) => scale(t, () => sign(x)),
  sign: () => null,
  tanh: ([t], _x, y) => scale(t, () => sub(1, square(y))),
  sigmoid: ([t], _x, y) => scale(t, () => mul(y, sub(1, y))),
  softplus: ([t], [x]) => scale(t, () => sigmoid(x)),
  sin: ([t], [x]) => scale(t, () => cos(x)),
  cos: ([t], [x]) => scale(t, () => neg(sin(x))),
  erf: ([t], [x]) => scale(t, () => mul(exp(neg(square(x))), TWO_OVER_SQRT_PI)),
  gelu: ([t], [x]) => scale(t, () => geluDerivative(x)),
  geluDerivative: ([t], [x]) =>
    scale(t, () => {
      const x2 = square(x);
      return mul(mul(exp(mul(x2, -0.5)), INV_SQRT_2PI), sub(2, x2));
    }),
  where: ([, ta, tb], [c], y) => {
    if (ta === null && tb === null) return null;
    return where(c, ta ?? zero(y), tb ?? zero(y));
  },
  sum: ([t], _x, _y, { axes, keepDims }) => (t === null ? null : sum(t, axes, keepDims)),
  max: ([t], [x], y, { axes, keepDims }) => {
    if (t === null) return null;
    const keep = reducedShape(x.shape, axes, true);
    const mask = equal(x, reshape(y, keep));
    return sum(div(mul(t, mask), sum(mask, axes, true)), axes, keepDims);
  },
  reshape: ([t], _x, y) => (t === null ? null : reshape(t, y.shape)),
  transpose: ([t], _x, _y, { perm }) => (t === null ? null : transpose(t, perm)),
  broadcastTo: ([t], _x, y) => (t === null ? null : broadcastTo(t, y.shape)),
  slice: ([t], _x, _y, { begin, size }) => (t === null ? null : slice(t, begin, size)),
  pad: ([t], _x, _y, { before, after }) => (t === null ? null : pad(t, before, after)),
  concat: (ts, xs, _y, { axis }) => {
    if (ts.every((t) => t === null)) return null;
    return concat(
      ts.map((t, i) => t ?? broadcastTo(zero(xs[i]), xs[i].shape)),
      axis,
    );
  },
  gather: ([t], _x, _y, { axis, indices }) => (t === null ? null : gather(t, indices, axis)),
  scatterAdd: ([t], _x, _y, { axis, indices, size }) =>
    t === null ? null : scatterAdd(t, indices, axis, size),
  matmul: ([ta, tb], [a, b], y) =>
    total(y, ta === null ? null : matmul(ta, b), tb === null ? null : matmul(a, tb)),
};
