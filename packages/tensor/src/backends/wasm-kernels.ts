/**
 * The wasm backend's kernel table: each primitive runs as one or a few tfjs kernels (called by name
 * through `engine().runKernel`, so `WASM_KERNELS_USED` is exactly what we depend on and a test audits
 * it against the registered wasm kernels). tfjs only supplies forward kernels: our rules do the
 * differentiation, so tfjs gradients (and gaps such as wasm's missing UnsortedSegmentSum) never matter.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { OpAttrs, OpName, Shape } from '../types.ts';

/** Every tfjs kernel the wasm backend calls. */
export const WASM_KERNELS_USED = [
  'Identity',
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'Pow',
  'Maximum',
  'Minimum',
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Equal',
  'NotEqual',
  'Cast',
  'Neg',
  'Exp',
  'Log',
  'Log1p',
  'Sqrt',
  'Square',
  'Abs',
  'Tanh',
  'Sigmoid',
  'Softplus',
  'Sin',
  'Cos',
  'Erf',
  'Select',
  'Sum',
  'Max',
  'Reshape',
  'Transpose',
  'Tile',
  'Slice',
  'PadV2',
  'Concat',
  'GatherV2',
  'ScatterNd',
  'BatchMatMul',
] as const;

export type TfKernelName = (typeof WASM_KERNELS_USED)[number];

/** What a wasm kernel sees: the tfjs namespace and a kernel runner restricted to audited names. */
export interface TfContext {
  readonly tf: typeof TF;
  run(
    name: TfKernelName,
    inputs: Record<string, TF.Tensor> | TF.Tensor[],
    attrs?: Record<string, unknown>,
  ): TF.Tensor;
  /** A cached float32 scalar (kept alive across tidy scopes). */
  scalar(value: number): TF.Tensor;
}

/** A wasm kernel: returns a new tfjs tensor; intermediate tensors must be created inside `tf.tidy`. */
export type WasmKernel<K extends OpName> = (
  ctx: TfContext,
  inputs: readonly TF.Tensor[],
  shapes: readonly Shape[],
  outShape: Shape,
  attrs: OpAttrs<K>,
) => TF.Tensor;

const bin =
  (name: TfKernelName): WasmKernel<OpName> =>
  (c, [a, b]) =>
    c.run(name, { a, b });
const cmp =
  (name: TfKernelName): WasmKernel<OpName> =>
  (c, [a, b]) =>
    c.tf.tidy(() => c.run('Cast', { x: c.run(name, { a, b }) }, { dtype: 'float32' }));
const un =
  (name: TfKernelName): WasmKernel<OpName> =>
  (c, [x]) =>
    c.run(name, { x });

/** Broadcasts by reshaping to the output rank and tiling (wasm has no BroadcastTo kernel). */
function broadcast(c: TfContext, x: TF.Tensor, shape: Shape, outShape: Shape): TF.Tensor {
  const off = outShape.length - shape.length;
  const aligned = [...new Array<number>(off).fill(1), ...shape];
  const reps = outShape.map((d, i) => (aligned[i] === d ? 1 : d));
  const r = off > 0 ? c.run('Reshape', { x }, { shape: aligned }) : x;
  return reps.every((v) => v === 1) ? c.run('Identity', { x: r }) : c.run('Tile', { x: r }, { reps });
}

export const wasmKernels: { readonly [K in OpName]: WasmKernel<K> } = {
  identity: (c, [x]) => c.run('Identity', { x }),
  add: bin('Add'),
  sub: bin('Sub'),
  mul: bin('Multiply'),
  div: bin('RealDiv'),
  pow: bin('Pow'),
  maximum: bin('Maximum'),
  minimum: bin('Minimum'),
  greater: cmp('Greater'),
  greaterEqual: cmp('GreaterEqual'),
  less: cmp('Less'),
  lessEqual: cmp('LessEqual'),
  equal: cmp('Equal'),
  neg: un('Neg'),
  exp: un('Exp'),
  log: un('Log'),
  log1p: un('Log1p'),
  sqrt: un('Sqrt'),
  square: un('Square'),
  abs: un('Abs'),
  // Not tfjs's Sign kernel: on wasm it returns 0 for small nonzero inputs (e.g. ±1e-10).
  sign: (c, [x]) =>
    c.tf.tidy(() => {
      const pos = c.run('Cast', { x: c.run('Greater', { a: x, b: c.scalar(0) }) }, { dtype: 'float32' });
      const negv = c.run('Cast', { x: c.run('Less', { a: x, b: c.scalar(0) }) }, { dtype: 'float32' });
      return c.run('Sub', { a: pos, b: negv });
    }),
  tanh: un('Tanh'),
  sigmoid: un('Sigmoid'),
  softplus: un('Softplus'),
  sin: un('Sin'),
  cos: un('Cos'),
  erf: un('Erf'),
  gelu: (c, [x]) =>
    c.tf.tidy(() => {
      const e = c.run('Erf', { x: c.run('Multiply', { a: x, b: c.scalar(Math.SQRT1_2) }) });
      const half = c.run('Multiply', { a: x, b: c.scalar(0.5) });
      return c.run('Multiply', { a: half, b: c.run('Add', { a: e, b: c.scalar(1) }) });
    }),
  geluDerivative: (c, [x]) =>
    c.tf.tidy(() => {
      // Φ(x) + x·φ(x)
      const cdf = c.run('Multiply', {
        a: c.run('Add', {
          a: c.run('Erf', { x: c.run('Multiply', { a: x, b: c.scalar(Math.SQRT1_2) }) }),
          b: c.scalar(1),
        }),
        b: c.scalar(0.5),
      });
      const pdf = c.run('Multiply', {
        a: c.run('Exp', { x: c.run('Multiply', { a: c.run('Square', { x }), b: c.scalar(-0.5) }) }),
        b: c.scalar(0.3989422804014327),
      });
      return c.run('Add', { a: cdf, b: c.run('Multiply', { a: x, b: pdf }) });
    }),
  where: (c, [cond, a, b], [sc, sa, sb], so) =>
    c.tf.tidy(() => {
      const mask = c.run('NotEqual', { a: broadcast(c, cond, sc, so), b: c.scalar(0) });
      return c.run('Select', { condition: mask, t: broadcast(c, a, sa, so), e: broadcast(c, b, sb, so) });
    }),
  sum: (c, [x], _s, _o, { axes, keepDims }) => c.run('Sum', { x }, { axis: axes.slice(), keepDims }),
  max: (c, [x], _s, _o, { axes, keepDims }) =>
    c.run('Max', { x }, { reductionIndices: axes.slice(), keepDims }),
  reshape: (c, [x], _s, so) => c.run('Reshape', { x }, { shape: so.slice() }),
  transpose: (c, [x], _s, _o, { perm }) => c.run('Transpose', { x }, { perm: perm.slice() }),
  broadcastTo: (c, [x], [s], so) => c.tf.tidy(() => broadcast(c, x, s, so)),
  slice: (c, [x], _s, _o, { begin, size }) =>
    c.run('Slice', { x }, { begin: begin.slice(), size: size.slice() }),
  pad: (c, [x], _s, _o, { before, after }) =>
    c.run('PadV2', { x }, { paddings: before.map((b, i) => [b, after[i]]), constantValue: 0 }),
  concat: (c, xs, _s, _o, { axis }) => c.run('Concat', xs.slice(), { axis }),
  gather: (c, [x], _s, _o, { axis, indices }) =>
    c.tf.tidy(() =>
      c.run('GatherV2', { x, indices: c.tf.tensor1d(indices, 'int32') }, { axis, batchDims: 0 }),
    ),
  scatterAdd: (c, [g], [s], so, { axis, indices }) =>
    c.tf.tidy(() => {
      // Move `axis` to the front, scatter rows with ScatterNd (which sums duplicate indices), move back.
      const r = s.length;
      const perm = [axis, ...Array.from({ length: r }, (_, i) => i).filter((i) => i !== axis)];
      const inv = new Array<number>(r);
      for (let i = 0; i < r; i++) inv[perm[i]] = i;
      const gt = c.run('Transpose', { x: g }, { perm });
      const idx = c.tf.tensor2d(indices, [indices.length, 1], 'int32');
      const outT = perm.map((p) => so[p]);
      const scattered = c.run('ScatterNd', { indices: idx, updates: gt }, { shape: outT });
      return c.run('Transpose', { x: scattered }, { perm: inv });
    }),
  matmul: (c, [a, b], [sa, sb], so) =>
    c.tf.tidy(() => {
      // Broadcast batch axes explicitly, then one BatchMatMul.
      const batch = so.slice(0, -2);
      const fa = [...batch, sa[sa.length - 2], sa[sa.length - 1]];
      const fb = [...batch, sb[sb.length - 2], sb[sb.length - 1]];
      const ab = sa.length === fa.length && sa.every((d, i) => d === fa[i]) ? a : broadcast(c, a, sa, fa);
      // Always a fresh buffer for b: tfjs-backend-wasm caches the packed XNNPACK operator by b's data
      // id, and Reshape shares data ids, so the same id seen with another shape would reuse a stale
      // packing (observed as wrong products in second-order tests).
      const bb =
        sb.length === fb.length && sb.every((d, i) => d === fb[i])
          ? c.run('Identity', { x: b })
          : broadcast(c, b, sb, fb);
      return c.run('BatchMatMul', { a: ab, b: bb }, { transposeA: false, transposeB: false });
    }),
};
