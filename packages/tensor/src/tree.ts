/**
 * Parameter trees: nested plain objects and arrays whose leaves are tensors. Leaves are visited
 * depth-first, arrays in order and object keys in sorted order, so the flat layout is deterministic.
 */
import { OdeonError } from '@odeon/core';
import { fromValues } from './creation.ts';
import { Tensor } from './tensor.ts';
import type { BackendName } from './types.ts';

/** A tensor, or arrays/objects of trees. */
export type Tree = Tensor | readonly Tree[] | { readonly [key: string]: Tree };

/** The leaves of `tree` in canonical order. */
export function treeLeaves(tree: Tree): Tensor[] {
  const out: Tensor[] = [];
  collect(tree, out);
  return out;
}

function collect(tree: Tree, out: Tensor[]): void {
  if (tree instanceof Tensor) out.push(tree);
  else if (Array.isArray(tree)) for (const t of tree as readonly Tree[]) collect(t, out);
  else if (tree !== null && typeof tree === 'object')
    for (const k of Object.keys(tree).sort()) collect((tree as { readonly [key: string]: Tree })[k], out);
  else
    throw new OdeonError('InvalidOption', 'A parameter tree leaf is not a Tensor.', {
      option: 'tree',
      value: tree,
      allowed: 'Tensor, arrays and plain objects of Tensors',
    });
}

/** Rebuilds the structure of `template` with `leaves` (in canonical order). */
export function treeFromLeaves<T extends Tree>(template: T, leaves: readonly Tensor[]): T {
  const pos = { i: 0 };
  const out = build(template, leaves, pos);
  if (pos.i !== leaves.length)
    throw new OdeonError('ShapeMismatch', `Tree has ${pos.i} leaves, got ${leaves.length}.`);
  return out as T;
}

function build(tree: Tree, leaves: readonly Tensor[], pos: { i: number }): Tree {
  if (tree instanceof Tensor) return leaves[pos.i++];
  if (Array.isArray(tree)) return (tree as readonly Tree[]).map((t) => build(t, leaves, pos));
  const obj = tree as { readonly [key: string]: Tree };
  const out: { [key: string]: Tree } = {};
  for (const k of Object.keys(obj).sort()) out[k] = build(obj[k], leaves, pos);
  return out;
}

/** Applies `f` to every leaf (with the matching leaves of `others`, which must have the same structure). */
export function treeMap<T extends Tree>(
  f: (leaf: Tensor, ...rest: Tensor[]) => Tensor,
  tree: T,
  ...others: readonly T[]
): T {
  const leaves = treeLeaves(tree);
  const rest = others.map((o) => treeLeaves(o));
  for (const r of rest)
    if (r.length !== leaves.length)
      throw new OdeonError('ShapeMismatch', `treeMap: trees have ${leaves.length} and ${r.length} leaves.`);
  return treeFromLeaves(
    tree,
    leaves.map((l, i) => f(l, ...rest.map((r) => r[i]))),
  );
}

/** Total number of scalars in the tree. */
export function treeSize(tree: Tree): number {
  let n = 0;
  for (const l of treeLeaves(tree)) n += l.size;
  return n;
}

/** Concatenates all leaves (row-major, canonical order) into one `Float64Array`. */
export function flatten(tree: Tree): Float64Array {
  const leaves = treeLeaves(tree);
  let n = 0;
  for (const l of leaves) n += l.size;
  const out = new Float64Array(n);
  let off = 0;
  for (const l of leaves) {
    out.set(l.toFloat64(), off);
    off += l.size;
  }
  return out;
}

/**
 * Inverse of `flatten`: a tree shaped like `template` holding `values` (copied), on `template`'s
 * backend unless `backend` is given.
 */
export function unflatten<T extends Tree>(template: T, values: ArrayLike<number>, backend?: BackendName): T {
  const leaves = treeLeaves(template);
  let n = 0;
  for (const l of leaves) n += l.size;
  if (values.length !== n)
    throw new OdeonError('ShapeMismatch', `unflatten: the tree holds ${n} values, got ${values.length}.`, {
      hint: 'Pass the vector produced by flatten() on a tree of the same structure.',
    });
  let off = 0;
  const out = leaves.map((l) => {
    const v = new Float64Array(l.size);
    for (let i = 0; i < l.size; i++) v[i] = values[off + i];
    off += l.size;
    return fromValues(v, l.shape, backend ?? l.backend);
  });
  return treeFromLeaves(template, out);
}
