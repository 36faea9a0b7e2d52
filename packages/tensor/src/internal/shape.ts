import { OdeonError } from '@odeon/core';
import type { Shape } from '../types.ts';

/** Number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcast of two shapes; throws `ShapeMismatch` when incompatible. */
export function broadcastShapes(a: Shape, b: Shape, op = 'op'): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new OdeonError(
        'ShapeMismatch',
        `${op}: shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast.`,
        { hint: 'Trailing axes must be equal or 1 (NumPy broadcasting).', value: [a, b] },
      );
  }
  return out;
}

/**
 * For each element of `outShape` (row-major), the flat index of the element of `inShape` that
 * broadcasts to it.
 */
export function broadcastIndex(outShape: Shape, inShape: Shape): Int32Array {
  const n = sizeOf(outShape);
  const r = outShape.length;
  const off = r - inShape.length;
  const inStrides = stridesOf(inShape);
  const bs = new Array<number>(r).fill(0);
  for (let i = 0; i < inShape.length; i++) bs[i + off] = inShape[i] === 1 ? 0 : inStrides[i];
  const idx = new Int32Array(n);
  const counter = new Array<number>(r).fill(0);
  let src = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = src;
    for (let d = r - 1; d >= 0; d--) {
      counter[d]++;
      src += bs[d];
      if (counter[d] < outShape[d]) break;
      src -= bs[d] * counter[d];
      counter[d] = 0;
    }
  }
  return idx;
}

/** Normalises a possibly negative axis against `rank`; throws on out-of-range. */
export function normAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank)
    throw new OdeonError('InvalidOption', `${op}: axis ${axis} is out of range for rank ${rank}.`, {
      option: 'axis',
      value: axis,
      allowed: `an integer in [${-rank}, ${rank - 1}]`,
    });
  return a;
}

/** Normalised, sorted, unique axes; `undefined` means all axes. */
export function normAxes(axes: number | readonly number[] | undefined, rank: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const set = new Set<number>();
  for (const a of list) set.add(normAxis(a, rank, op));
  return [...set].sort((x, y) => x - y);
}

/** Shape after reducing `axes`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}
