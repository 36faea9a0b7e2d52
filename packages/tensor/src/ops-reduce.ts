/** Reductions over axes: sum, mean, max, min, logsumexp, norms. */
import { invalidOption } from '@odeon/core';
import { apply } from './engine.ts';
import { normAxes, reducedShape } from './internal/shape.ts';
import { abs, add, div, exp, log, mul, neg, sqrt, square } from './ops-elementwise.ts';
import { reshape } from './ops-shape.ts';
import type { Tensor } from './tensor.ts';

/** Axes to reduce: one axis, a list, or `undefined` for all. Negative axes count from the end. */
export type Axes = number | readonly number[] | undefined;

/** Sum over `axes` (default all). */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const a = normAxes(axes, x.rank, 'sum');
  if (a.length === 0) return x;
  return apply('sum', [x], { axes: a, keepDims }, reducedShape(x.shape, a, keepDims));
}

/** Mean over `axes` (default all). */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const a = normAxes(axes, x.rank, 'mean');
  let count = 1;
  for (const i of a) count *= x.shape[i];
  return div(sum(x, a, keepDims), count);
}

/** Maximum over `axes` (default all); the gradient is split evenly between tied maxima. */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const a = normAxes(axes, x.rank, 'max');
  if (a.length === 0) return x;
  return apply('max', [x], { axes: a, keepDims }, reducedShape(x.shape, a, keepDims));
}

/** Minimum over `axes` (default all). */
export function min(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return neg(max(neg(x), axes, keepDims));
}

/** log Σ exp(x) over `axes`, computed stably (max-shifted). */
export function logsumexp(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const a = normAxes(axes, x.rank, 'logsumexp');
  // The shift is a constant for differentiation purposes in exact arithmetic; keeping it in the graph is
  // still exact (its gradient contributions cancel), so no stop-gradient is needed.
  const m = max(x, a, true);
  const s = add(log(sum(exp(add(x, neg(m))), a, true)), m);
  return keepDims ? s : reshape(s, reducedShape(x.shape, a, false));
}

/** Options of `norm`. */
export interface NormOptions {
  /** 1, 2 (default) or Infinity. */
  readonly ord?: 1 | 2 | number;
  readonly axes?: Axes;
  readonly keepDims?: boolean;
}

/** Vector norm over `axes` (default all): ord 1, 2 or ∞. */
export function norm(x: Tensor, options: NormOptions = {}): Tensor {
  const ord = options.ord ?? 2;
  const keep = options.keepDims ?? false;
  if (ord === 2) return sqrt(sum(square(x), options.axes, keep));
  if (ord === 1) return sum(abs(x), options.axes, keep);
  if (ord === Number.POSITIVE_INFINITY) return max(abs(x), options.axes, keep);
  throw invalidOption('ord', ord, '1, 2 or Infinity');
}

/** Squared L2 norm Σx² over `axes` (smooth everywhere, unlike `norm` at 0). */
export function sumSquares(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return sum(mul(x, x), axes, keepDims);
}
