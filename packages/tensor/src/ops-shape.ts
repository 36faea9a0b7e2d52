/** Shape manipulation: reshape, transpose, broadcast, slice, pad, concat, stack, gather. */
import { OdeonError } from '@odeon/core';
import { apply } from './engine.ts';
import { normAxis, sizeOf } from './internal/shape.ts';
import type { Tensor } from './tensor.ts';
import type { Shape } from './types.ts';

/** Same values, new shape (one dimension may be −1, inferred). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const s = shape.slice();
  const neg = s.indexOf(-1);
  if (neg >= 0) {
    const rest = sizeOf(s.filter((_, i) => i !== neg));
    s[neg] = rest === 0 ? 0 : x.size / rest;
  }
  if (sizeOf(s) !== x.size || s.some((d) => !Number.isInteger(d) || d < 0))
    throw new OdeonError(
      'ShapeMismatch',
      `reshape: cannot reshape [${x.shape.join(',')}] to [${shape.join(',')}].`,
      {
        hint: 'The number of elements must stay the same.',
      },
    );
  if (s.length === x.shape.length && s.every((d, i) => d === x.shape[i])) return x;
  return apply('reshape', [x], {}, s);
}

/** Permutes axes (default: reverses them). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const r = x.rank;
  const p =
    perm === undefined
      ? Array.from({ length: r }, (_, i) => r - 1 - i)
      : perm.map((a) => normAxis(a, r, 'transpose'));
  if (p.length !== r || new Set(p).size !== r)
    throw new OdeonError(
      'InvalidOption',
      `transpose: [${perm?.join(',')}] is not a permutation of ${r} axes.`,
      {
        option: 'perm',
        value: perm,
        allowed: `a permutation of 0..${r - 1}`,
      },
    );
  if (p.every((a, i) => a === i)) return x;
  // Moving only size-1 axes keeps the row-major order of the elements: a reshape, no copy.
  const moved = p.filter((a) => x.shape[a] !== 1);
  if (moved.every((a, i) => i === 0 || a > moved[i - 1]))
    return reshape(
      x,
      p.map((a) => x.shape[a]),
    );
  return apply(
    'transpose',
    [x],
    { perm: p },
    p.map((a) => x.shape[a]),
  );
}

/** Swaps the last two axes (matrix transpose, batched). */
export function mT(x: Tensor): Tensor {
  const r = x.rank;
  if (r < 2) return x;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return transpose(x, perm);
}

/** Broadcasts `x` to `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const off = shape.length - x.rank;
  let same = off === 0;
  for (let i = 0; i < x.rank; i++) {
    const d = x.shape[i];
    const t = shape[i + off];
    if (off < 0 || (d !== t && d !== 1))
      throw new OdeonError(
        'ShapeMismatch',
        `broadcastTo: [${x.shape.join(',')}] does not broadcast to [${shape.join(',')}].`,
      );
    if (d !== t) same = false;
  }
  if (same) return x;
  return apply('broadcastTo', [x], {}, shape.slice());
}

/** Sums `g` over broadcast axes so it has `shape` (the adjoint of broadcasting). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const out =
    axes.length === 0
      ? g
      : apply(
          'sum',
          [g],
          { axes, keepDims: false },
          g.shape.filter((_, i) => !axes.includes(i)),
        );
  return reshape(out, shape);
}

/** The sub-tensor starting at `begin` with extent `size` (−1 = to the end). */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  const r = x.rank;
  const b = new Array<number>(r);
  const s = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    b[i] = begin[i] ?? 0;
    const want = size?.[i] ?? -1;
    s[i] = want === -1 ? x.shape[i] - b[i] : want;
    if (
      !Number.isInteger(b[i]) ||
      !Number.isInteger(s[i]) ||
      b[i] < 0 ||
      s[i] < 0 ||
      b[i] + s[i] > x.shape[i]
    )
      throw new OdeonError(
        'OutOfRange',
        `slice: [${begin.join(',')}] + [${size?.join(',') ?? ''}] exceeds shape [${x.shape.join(',')}] on axis ${i}.`,
      );
  }
  if (s.every((d, i) => d === x.shape[i])) return x;
  return apply('slice', [x], { begin: b, size: s }, s);
}

/** Zero padding: `before[i]`/`after[i]` zeros on axis i. */
export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  if (before.every((v) => v === 0) && after.every((v) => v === 0)) return x;
  return apply(
    'pad',
    [x],
    { before: before.slice(), after: after.slice() },
    x.shape.map((d, i) => d + before[i] + after[i]),
  );
}

/** Joins tensors along an existing axis. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new OdeonError('InvalidOption', 'concat: no tensors given.', { option: 'xs' });
  if (xs.length === 1) return xs[0];
  const r = xs[0].rank;
  const a = normAxis(axis, r, 'concat');
  const shape = xs[0].shape.slice();
  shape[a] = 0;
  for (const x of xs) {
    if (x.rank !== r || x.shape.some((d, i) => i !== a && d !== xs[0].shape[i]))
      throw new OdeonError(
        'ShapeMismatch',
        `concat: shapes [${xs[0].shape.join(',')}] and [${x.shape.join(',')}] differ off axis ${a}.`,
      );
    shape[a] += x.shape[a];
  }
  return apply('concat', xs, { axis: a }, shape);
}

/** Joins tensors of equal shape along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new OdeonError('InvalidOption', 'stack: no tensors given.', { option: 'xs' });
  const a = normAxis(axis, xs[0].rank + 1, 'stack');
  const expanded = xs.map((x) => {
    const s = x.shape.slice();
    s.splice(a, 0, 1);
    return reshape(x, s);
  });
  return concat(expanded, a);
}

/** Picks entries along `axis` at integer `indices` (repeats allowed). */
export function gather(x: Tensor, indices: ArrayLike<number>, axis = 0): Tensor {
  const a = normAxis(axis, x.rank, 'gather');
  const idx = Int32Array.from(indices as ArrayLike<number>);
  for (let i = 0; i < idx.length; i++)
    if (idx[i] !== indices[i] || idx[i] < 0 || idx[i] >= x.shape[a])
      throw new OdeonError(
        'OutOfRange',
        `gather: index ${indices[i]} out of range [0, ${x.shape[a]}) on axis ${a}.`,
      );
  const shape = x.shape.slice();
  shape[a] = idx.length;
  return apply('gather', [x], { axis: a, indices: idx }, shape);
}

/** @internal The adjoint of `gather`: adds slices of `g` at `indices` into zeros of length `size` on `axis`. */
export function scatterAdd(g: Tensor, indices: Int32Array, axis: number, size: number): Tensor {
  const shape = g.shape.slice();
  shape[axis] = size;
  return apply('scatterAdd', [g], { axis, indices, size }, shape);
}

/** Removes axes of size 1 (all, or the given ones). */
export function squeeze(x: Tensor, axes?: readonly number[]): Tensor {
  const drop = axes?.map((a) => normAxis(a, x.rank, 'squeeze'));
  return reshape(
    x,
    x.shape.filter((d, i) => (drop === undefined ? d !== 1 : !drop.includes(i))),
  );
}

/** Inserts an axis of size 1 at `axis`. */
export function expandDims(x: Tensor, axis: number): Tensor {
  const a = normAxis(axis, x.rank + 1, 'expandDims');
  const s = x.shape.slice();
  s.splice(a, 0, 1);
  return reshape(x, s);
}
