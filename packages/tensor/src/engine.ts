/**
 * The one differentiation engine. `apply` runs a primitive on the inputs' backend and, when any input
 * is being differentiated, records a graph node (walked in reverse by `backward.ts`) and propagates
 * forward-mode tangents with the rule table its `forwardLevel` was given.
 */
import { OdeonError } from '@odeon/core';
import type { Backend } from './backend.ts';
import { cpuBackend } from './backends/cpu-backend.ts';
import { activeRecorder } from './internal/trace-state.ts';
import { type GraphNode, Tensor } from './tensor.ts';
import type { BackendName, OpAttrs, OpName, Shape } from './types.ts';

let nextNodeId = 1;
let recording = true;
let transformDepth = 0;

const registry = new Map<BackendName, Backend>([['cpu', cpuBackend as Backend]]);
let currentBackend: Backend = cpuBackend as Backend;

/** @internal Registers an initialised backend (called by `initBackend`). */
export function registerBackend(backend: Backend): void {
  registry.set(backend.name, backend);
}

/** @internal Resolves a backend name (default: the current backend). */
export function backendImpl(name?: BackendName): Backend {
  if (name === undefined) return currentBackend;
  const b = registry.get(name);
  if (b === undefined)
    throw new OdeonError('BackendNotInitialized', `Backend '${name}' is not initialised.`, {
      hint: `Call \`await initBackend('${name}')\` first.`,
      value: name,
    });
  return b;
}

/** Makes `name` the backend used by creation functions that do not name one. */
export function setBackend(name: BackendName): void {
  currentBackend = backendImpl(name);
}

/** The name of the current default backend (`cpu` unless changed with `setBackend`). */
export function getBackend(): BackendName {
  return currentBackend.name;
}

/** @internal Runs a primitive, recording a graph node if any input is differentiated. */
export function apply<K extends OpName>(
  op: K,
  inputs: readonly Tensor[],
  attrs: OpAttrs<K>,
  outShape: Shape,
): Tensor {
  const impl = inputs[0].impl;
  const data: unknown[] = new Array(inputs.length);
  const shapes: Shape[] = new Array(inputs.length);
  let tracked = false;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    if (x.impl !== impl)
      throw new OdeonError(
        'ShapeMismatch',
        `${op}: inputs live on different backends ('${impl.name}' and '${x.impl.name}').`,
        { hint: 'Move tensors with toBackend() before combining them.' },
      );
    data[i] = x.data;
    shapes[i] = x.shape;
    if (x.node !== null) tracked = true;
  }
  const out = impl.run(op, data, shapes, outShape, attrs);
  let node: GraphNode | null = null;
  if (tracked && recording) node = { id: nextNodeId++, op, inputs, attrs, out: null };
  const t = new Tensor(impl, out, outShape, node);
  if (node !== null) node.out = t;
  if (scopes.length > 0 && impl.release !== undefined) scopes[scopes.length - 1].push(t);
  const rec = activeRecorder();
  if (rec !== null) rec.record(op, inputs, attrs, outShape, t);
  if (levels.length > 0) propagateTangents(op, inputs, attrs, t);
  return t;
}

// ---- forward mode ------------------------------------------------------------------------------
// Each active `jvp` owns a level; tensors carry tangents per level. A primitive's tangent at level L
// is computed by its rule with only the levels outside L active, so tangents of tangents (nested
// jvp) are tracked at the outer levels and perturbations of different jvps never mix.

/**
 * A tangent rule as the engine calls it; `jvp-rules.ts` holds the typed table. The table is passed in
 * by `forwardLevel` (from `autodiff.ts`) rather than imported, because the rules are written with the
 * ops, which call `apply`.
 */
export type TangentRule = (
  tangents: readonly (Tensor | null)[],
  inputs: readonly Tensor[],
  out: Tensor,
  attrs: never,
) => Tensor | null;
export type TangentRules = { readonly [K in OpName]: TangentRule };

const tangents = new WeakMap<Tensor, Map<number, Tensor>>();
let levels: number[] = [];
let nextLevel = 1;
let tangentRules: TangentRules | null = null;

function propagateTangents(op: OpName, inputs: readonly Tensor[], attrs: unknown, out: Tensor): void {
  const saved = levels;
  try {
    for (let li = saved.length - 1; li >= 0; li--) {
      const L = saved[li];
      let any = false;
      const ts: (Tensor | null)[] = new Array(inputs.length);
      for (let i = 0; i < inputs.length; i++) {
        const t = tangents.get(inputs[i])?.get(L) ?? null;
        ts[i] = t;
        if (t !== null) any = true;
      }
      if (!any) continue;
      levels = saved.slice(0, li);
      const rule = (tangentRules as TangentRules)[op] as (
        ts: readonly (Tensor | null)[],
        xs: readonly Tensor[],
        y: Tensor,
        a: unknown,
      ) => Tensor | null;
      const t = rule(ts, inputs, out, attrs);
      if (t !== null) setTangent(out, L, t);
    }
  } finally {
    levels = saved;
  }
}

function setTangent(x: Tensor, level: number, t: Tensor): void {
  let m = tangents.get(x);
  if (m === undefined) {
    m = new Map();
    tangents.set(x, m);
  }
  m.set(level, t);
}

/** @internal The tangent of `x` at forward level `level`, or null (zero). */
export function tangentOf(x: Tensor, level: number): Tensor | null {
  return tangents.get(x)?.get(level) ?? null;
}

/** @internal A copy of `x` (same values, same reverse-mode node) carrying tangent `t` at `level`. */
export function withTangent(x: Tensor, level: number, t: Tensor): Tensor {
  const d = new Tensor(x.impl, x.data, x.shape, x.node);
  copyTangents(x, d);
  setTangent(d, level, t);
  activeRecorder()?.alias(d, x);
  return d;
}

/** @internal Runs `body` inside a fresh forward-mode level whose tangents follow `rules`. */
export function forwardLevel<T>(rules: TangentRules, body: (level: number) => T): T {
  const level = nextLevel++;
  const saved = levels;
  const savedRules = tangentRules;
  levels = [...saved, level];
  tangentRules = rules;
  try {
    return body(level);
  } finally {
    levels = saved;
    tangentRules = savedRules;
  }
}

/** @internal A differentiated copy of `x`: a fresh graph node (linked to `x` if `x` is itself tracked). */
export function track(x: Tensor): Tensor {
  const node: GraphNode = { id: nextNodeId++, op: 'identity', inputs: [x], attrs: {}, out: null };
  const t = new Tensor(x.impl, x.data, x.shape, node);
  node.out = t;
  copyTangents(x, t);
  activeRecorder()?.alias(t, x);
  return t;
}

/** @internal `to` gets the forward-mode tangents of `from` (same values, e.g. a tracked or detached copy). */
export function copyTangents(from: Tensor, to: Tensor): void {
  const m = tangents.get(from);
  if (m !== undefined) tangents.set(to, new Map(m));
}

/** @internal Runs `body` as one nesting level of a transformation (grad, vjp, jvp). */
export function inTransform<T>(body: () => T): T {
  transformDepth++;
  const prev = recording;
  recording = true;
  try {
    return body();
  } finally {
    recording = prev;
    transformDepth--;
  }
}

/** @internal Whether a backward pass started now must record its own graph (an outer transformation is active). */
export function needsCreateGraph(): boolean {
  return transformDepth > 0 && recording;
}

/** Runs `body` without recording any autodiff graph (results are constants). */
export function noGrad<T>(body: () => T): T {
  const prev = recording;
  recording = false;
  try {
    return body();
  } finally {
    recording = prev;
  }
}

/** @internal Runs `body` recording the autodiff graph (a backward pass that must itself be differentiable). */
export function withRecording<T>(body: () => T): T {
  const prev = recording;
  recording = true;
  try {
    return body();
  } finally {
    recording = prev;
  }
}

// ---- memory scopes (wasm) -----------------------------------------------------------------------

const scopes: Tensor[][] = [];

/** @internal Registers a tensor with fresh storage in the innermost `tidy` scope. */
export function registerCreated(t: Tensor): void {
  if (scopes.length > 0 && t.impl.release !== undefined) scopes[scopes.length - 1].push(t);
}

/**
 * Runs `body` and frees the backend memory (wasm) of every tensor created by ops inside it, except
 * the tensors in its result (a tensor, tree, array or object of them). The JavaScript garbage
 * collector also frees wasm memory eventually, but it does not see wasm memory pressure, so wrap
 * training steps on wasm in `tidy`. Tensors created inside must not be used after it returns
 * (including pullbacks returned by `vjp`). A no-op on cpu.
 */
export function tidy<T>(body: () => T): T {
  const created: Tensor[] = [];
  scopes.push(created);
  let result: T;
  try {
    result = body();
  } finally {
    scopes.pop();
  }
  const keep = new Set<unknown>();
  collectData(result, keep, 0);
  for (const t of created) {
    if (keep.has(t.data)) continue;
    t.dispose();
  }
  // Survivors belong to the enclosing scope, if any.
  if (scopes.length > 0) for (const t of created) if (keep.has(t.data)) scopes[scopes.length - 1].push(t);
  return result;
}

function collectData(x: unknown, keep: Set<unknown>, depth: number): void {
  if (depth > 64 || x === null || typeof x !== 'object') return;
  if (x instanceof Tensor) {
    keep.add(x.data);
    return;
  }
  if (Array.isArray(x)) for (const v of x) collectData(v, keep, depth + 1);
  else for (const v of Object.values(x as Record<string, unknown>)) collectData(v, keep, depth + 1);
}
