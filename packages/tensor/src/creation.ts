import { OdeonError, Rng } from '@odeon/core';
import { backendImpl, registerCreated } from './engine.ts';
import { sizeOf } from './internal/shape.ts';
import { Tensor } from './tensor.ts';
import type { BackendName, Shape } from './types.ts';

/** Where a new tensor lives. */
export interface CreationOptions {
  /** Backend (default: the current one, `cpu` unless changed with `setBackend`). */
  readonly backend?: BackendName;
}

/** Nested arrays of numbers, as accepted by `tensor`. */
export type NestedArray = number | readonly NestedArray[];

function checkShape(shape: Shape): void {
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0)
      throw new OdeonError('ShapeMismatch', `Invalid shape [${shape.join(',')}].`, {
        hint: 'Every dimension must be a non-negative integer.',
        value: shape,
      });
}

/** @internal Wraps float64 values (taken over, not copied) as a constant tensor. */
export function fromValues(values: Float64Array, shape: Shape, backend?: BackendName): Tensor {
  const impl = backendImpl(backend);
  const s = shape.slice();
  const t = new Tensor(impl, impl.fromFloat64(values, s), s);
  registerCreated(t);
  return t;
}

function inferShape(x: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = (cur as readonly NestedArray[])[0] as NestedArray;
  }
  return shape;
}

/**
 * Creates a tensor from nested arrays, a flat array-like with an explicit `shape`, or a number.
 * Values are copied (and rounded to float32 on the wasm backend).
 */
export function tensor(
  values: NestedArray | ArrayLike<number>,
  shape?: Shape,
  options: CreationOptions = {},
): Tensor {
  let flat: Float64Array;
  let s: Shape;
  if (typeof values === 'number') {
    flat = Float64Array.of(values);
    s = shape ?? [];
  } else if (Array.isArray(values)) {
    const inferred = inferShape(values as NestedArray);
    flat = Float64Array.from((values as unknown[]).flat(Number.POSITIVE_INFINITY) as number[]);
    if (flat.length !== sizeOf(inferred))
      throw new OdeonError('ShapeMismatch', 'tensor(): nested arrays are ragged.', {
        hint: 'All sub-arrays at one depth must have the same length.',
      });
    s = shape ?? inferred;
  } else {
    flat = Float64Array.from(values as ArrayLike<number>);
    s = shape ?? [flat.length];
  }
  checkShape(s);
  if (sizeOf(s) !== flat.length)
    throw new OdeonError(
      'ShapeMismatch',
      `tensor(): ${flat.length} values do not fill shape [${s.join(',')}].`,
      {
        value: s,
      },
    );
  return fromValues(flat, s, options.backend);
}

/** A scalar (shape `[]`). */
export function scalar(value: number, options: CreationOptions = {}): Tensor {
  return fromValues(Float64Array.of(value), [], options.backend);
}

/** A tensor filled with `value`. */
export function full(shape: Shape, value: number, options: CreationOptions = {}): Tensor {
  checkShape(shape);
  return fromValues(new Float64Array(sizeOf(shape)).fill(value), shape, options.backend);
}

/** Zeros of the given shape. */
export function zeros(shape: Shape, options: CreationOptions = {}): Tensor {
  return full(shape, 0, options);
}

/** Ones of the given shape. */
export function ones(shape: Shape, options: CreationOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Zeros with the shape and backend of `x`. */
export function zerosLike(x: Tensor): Tensor {
  return full(x.shape, 0, { backend: x.backend });
}

/** Ones with the shape and backend of `x`. */
export function onesLike(x: Tensor): Tensor {
  return full(x.shape, 1, { backend: x.backend });
}

/** The n×m identity (m defaults to n). */
export function eye(n: number, m = n, options: CreationOptions = {}): Tensor {
  checkShape([n, m]);
  const v = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) v[i * m + i] = 1;
  return fromValues(v, [n, m], options.backend);
}

/** Options of `randn`. */
export interface RandnOptions extends CreationOptions {
  /** Seed of a fresh generator (default 0); ignored when `rng` is given. */
  readonly seed?: number;
  /** A generator to draw from (advances it). */
  readonly rng?: Rng;
  readonly mean?: number;
  readonly std?: number;
}

/** Normal deviates from a seeded generator: reproducible for a given seed. */
export function randn(shape: Shape, options: RandnOptions = {}): Tensor {
  checkShape(shape);
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  const v = new Float64Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = mean + std * rng.normalPaired();
  return fromValues(v, shape, options.backend);
}

/** Uniform deviates in [low, high) from a seeded generator. */
export function rand(
  shape: Shape,
  options: CreationOptions & {
    readonly seed?: number;
    readonly rng?: Rng;
    readonly low?: number;
    readonly high?: number;
  } = {},
): Tensor {
  checkShape(shape);
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const lo = options.low ?? 0;
  const hi = options.high ?? 1;
  const v = new Float64Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.uniform();
  return fromValues(v, shape, options.backend);
}

/** Copies `x` to another backend (a named precision change: float32 on wasm, float64 on cpu). */
export function toBackend(x: Tensor, backend: BackendName): Tensor {
  if (x.backend === backend) return x;
  return fromValues(x.toFloat64(), x.shape, backend);
}
