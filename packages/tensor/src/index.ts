// Public API of @odeon/tensor: explicit named re-exports only (see README.md).

export { Rng } from '@odeon/core';
export {
  grad,
  hessian,
  hvp,
  type JacobianOptions,
  type JvpResult,
  jacobian,
  jvp,
  stopGradient,
  type VjpResult,
  valueAndGrad,
  vjp,
} from './autodiff.ts';
export type { Backend, InitBackendOptions } from './backend.ts';
export { type CompiledFunction, compile } from './compile.ts';
export {
  type CreationOptions,
  eye,
  full,
  type NestedArray,
  ones,
  onesLike,
  type RandnOptions,
  rand,
  randn,
  scalar,
  tensor,
  toBackend,
  zeros,
  zerosLike,
} from './creation.ts';
export { getBackend, noGrad, setBackend, tidy } from './engine.ts';
/**
 * The scalar float64 error function behind the cpu backend's `erf`/`gelu` kernels (Cody's rational
 * Chebyshev approximations, ~1e-16 relative). Exported so fused float64 kernels elsewhere (e.g.
 * `@odeon/neural`'s MLP) compute exactly the same GELU as the tensor path.
 */
export type { TensorErrorCode } from './errors.ts';
export { initBackend, isBackendReady } from './init-backend.ts';
export { erf as erfScalar } from './internal/erf.ts';
export { type JvpRule, jvpRules } from './jvp-rules.ts';
export {
  abs,
  add,
  celu,
  cos,
  div,
  equal,
  erf,
  exp,
  gelu,
  geluDerivative,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  reciprocal,
  relu,
  sigmoid,
  sign,
  silu,
  sin,
  softplus,
  sqrt,
  square,
  sub,
  type TensorLike,
  tanh,
  where,
} from './ops-elementwise.ts';
export { dot, matmul } from './ops-linalg.ts';
export {
  type Axes,
  logsumexp,
  max,
  mean,
  min,
  type NormOptions,
  norm,
  sum,
  sumSquares,
} from './ops-reduce.ts';
export {
  broadcastTo,
  concat,
  expandDims,
  gather,
  mT,
  pad,
  reshape,
  slice,
  squeeze,
  stack,
  sumTo,
  transpose,
} from './ops-shape.ts';
export { type Rule, rules } from './rules.ts';
export { Tensor } from './tensor.ts';
export { flatten, type Tree, treeFromLeaves, treeLeaves, treeMap, treeSize, unflatten } from './tree.ts';
export type { BackendName, BinaryOp, DType, OpAttrs, OpAttrsMap, OpName, Shape, UnaryOp } from './types.ts';
