/** Elementwise ops with NumPy broadcasting, and activations. All differentiable to any order. */

import { fromValues } from './creation.ts';
import { apply } from './engine.ts';
import { broadcastShapes } from './internal/shape.ts';
import { Tensor } from './tensor.ts';
import type { BinaryOp, UnaryOp } from './types.ts';

/** A tensor or a number (a number becomes a scalar on the other operand's backend). */
export type TensorLike = Tensor | number;

/** @internal */
export function lift(x: TensorLike, like?: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  return fromValues(Float64Array.of(x), [], like?.backend);
}

function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const ta = lift(a, b instanceof Tensor ? b : undefined);
  const tb = lift(b, ta);
  return apply(op, [ta, tb], {}, broadcastShapes(ta.shape, tb.shape, op));
}

function unary(op: UnaryOp, x: Tensor): Tensor {
  return apply(op, [x], {}, x.shape);
}

/** a + b */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', a, b);
/** a − b */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', a, b);
/** a · b (elementwise) */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('mul', a, b);
/** a / b */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('div', a, b);
/** a ** b; the gradient in b is taken as 0 where a ≤ 0. */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary('pow', a, b);
/** Elementwise maximum (ties split the gradient evenly, as JAX). */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('maximum', a, b);
/** Elementwise minimum (ties split the gradient evenly). */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary('minimum', a, b);
/** 1 where a > b else 0 (zero gradient). */
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary('greater', a, b);
/** 1 where a ≥ b else 0. */
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => binary('greaterEqual', a, b);
/** 1 where a < b else 0. */
export const less = (a: TensorLike, b: TensorLike): Tensor => binary('less', a, b);
/** 1 where a ≤ b else 0. */
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => binary('lessEqual', a, b);
/** 1 where a = b else 0. */
export const equal = (a: TensorLike, b: TensorLike): Tensor => binary('equal', a, b);

/** −x */
export const neg = (x: Tensor): Tensor => unary('neg', x);
/** eˣ */
export const exp = (x: Tensor): Tensor => unary('exp', x);
/** Natural logarithm. */
export const log = (x: Tensor): Tensor => unary('log', x);
/** log(1 + x), accurate near 0. */
export const log1p = (x: Tensor): Tensor => unary('log1p', x);
/** √x */
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
/** x² */
export const square = (x: Tensor): Tensor => unary('square', x);
/** |x| (gradient sign(x), 0 at 0). */
export const abs = (x: Tensor): Tensor => unary('abs', x);
/** −1, 0 or 1 (zero gradient). */
export const sign = (x: Tensor): Tensor => unary('sign', x);
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
/** Logistic sigmoid 1/(1+e⁻ˣ), overflow-safe. */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
/** log(1 + eˣ), overflow-safe. */
export const softplus = (x: Tensor): Tensor => unary('softplus', x);
/** Sine. */
export const sin = (x: Tensor): Tensor => unary('sin', x);
/** Cosine. */
export const cos = (x: Tensor): Tensor => unary('cos', x);
/** The error function. */
export const erf = (x: Tensor): Tensor => unary('erf', x);
/** GELU, exact erf form x·Φ(x) = x/2·(1 + erf(x/√2)) (PyTorch's default, Flux's `gelu_erf`). */
export const gelu = (x: Tensor): Tensor => unary('gelu', x);
/** d/dx gelu(x) = Φ(x) + x·φ(x) (exposed because it is a primitive; differentiable). */
export const geluDerivative = (x: Tensor): Tensor => unary('geluDerivative', x);

/** cond ? a : b elementwise (cond nonzero = true), with broadcasting; no gradient flows to cond. */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const like = [cond, a, b].find((v): v is Tensor => v instanceof Tensor);
  const tc = lift(cond, like);
  const ta = lift(a, like);
  const tb = lift(b, like);
  const shape = broadcastShapes(broadcastShapes(tc.shape, ta.shape, 'where'), tb.shape, 'where');
  return apply('where', [tc, ta, tb], {}, shape);
}

/** max(x, 0) */
export const relu = (x: Tensor): Tensor => maximum(x, 0);

/** x·sigmoid(x) (also called swish). */
export const silu = (x: Tensor): Tensor => mul(x, sigmoid(x));

/** CELU: max(0, x) + min(0, α(exp(x/α) − 1)). */
export function celu(x: Tensor, alpha = 1): Tensor {
  const negPart = minimum(mul(alpha, sub(exp(div(x, alpha)), 1)), 0);
  return add(maximum(x, 0), negPart);
}

/** 1/x */
export const reciprocal = (x: Tensor): Tensor => div(1, x);
