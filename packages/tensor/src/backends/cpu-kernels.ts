/**
 * Float64 CPU kernels, one per primitive, all in the `out`-first form: each writes into a
 * preallocated `out` and returns it, so the eager backend and compiled tapes share them. Hand-written
 * because no maintained JavaScript library offers float64 tensor kernels with NumPy broadcasting (tfjs
 * is float32 only). Loops have no per-element closures; elementwise ops have fast paths for same-shape
 * and scalar operands; matmul runs in i-k-j order (unit stride in the inner loop).
 */

import { erf } from '../internal/erf.ts';
import { broadcastIndex, sizeOf, stridesOf } from '../internal/shape.ts';
import type { BinaryOp, OpAttrs, OpName, Shape, UnaryOp } from '../types.ts';

type F64 = Float64Array;

/** A CPU kernel: writes the result of primitive `K` into `out` and returns it. */
export type CpuKernel<K extends OpName> = (
  out: F64,
  inputs: readonly F64[],
  shapes: readonly Shape[],
  outShape: Shape,
  attrs: OpAttrs<K>,
) => F64;

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

function expand(x: F64, shape: Shape, outShape: Shape, n: number): F64 {
  if (x.length === n) return x;
  const idx = broadcastIndex(outShape, shape);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = x[idx[i]];
  return r;
}

function binarySame(op: BinaryOp, out: F64, a: F64, b: F64): void {
  const n = out.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
      return;
    case 'pow':
      for (let i = 0; i < n; i++) out[i] = a[i] ** b[i];
      return;
    case 'maximum':
      for (let i = 0; i < n; i++) out[i] = a[i] >= b[i] || Number.isNaN(a[i]) ? a[i] : b[i];
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) out[i] = a[i] <= b[i] || Number.isNaN(a[i]) ? a[i] : b[i];
      return;
    case 'greater':
      for (let i = 0; i < n; i++) out[i] = a[i] > b[i] ? 1 : 0;
      return;
    case 'greaterEqual':
      for (let i = 0; i < n; i++) out[i] = a[i] >= b[i] ? 1 : 0;
      return;
    case 'less':
      for (let i = 0; i < n; i++) out[i] = a[i] < b[i] ? 1 : 0;
      return;
    case 'lessEqual':
      for (let i = 0; i < n; i++) out[i] = a[i] <= b[i] ? 1 : 0;
      return;
    case 'equal':
      for (let i = 0; i < n; i++) out[i] = a[i] === b[i] ? 1 : 0;
      return;
  }
}

function binaryScalarB(op: BinaryOp, out: F64, a: F64, s: number): void {
  const n = out.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + s;
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i] - s;
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * s;
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[i] / s;
      return;
    case 'pow':
      if (s === 2) for (let i = 0; i < n; i++) out[i] = a[i] * a[i];
      else for (let i = 0; i < n; i++) out[i] = a[i] ** s;
      return;
    case 'maximum':
      for (let i = 0; i < n; i++) out[i] = a[i] >= s || Number.isNaN(a[i]) ? a[i] : s;
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) out[i] = a[i] <= s || Number.isNaN(a[i]) ? a[i] : s;
      return;
    case 'greater':
      for (let i = 0; i < n; i++) out[i] = a[i] > s ? 1 : 0;
      return;
    case 'greaterEqual':
      for (let i = 0; i < n; i++) out[i] = a[i] >= s ? 1 : 0;
      return;
    case 'less':
      for (let i = 0; i < n; i++) out[i] = a[i] < s ? 1 : 0;
      return;
    case 'lessEqual':
      for (let i = 0; i < n; i++) out[i] = a[i] <= s ? 1 : 0;
      return;
    case 'equal':
      for (let i = 0; i < n; i++) out[i] = a[i] === s ? 1 : 0;
      return;
  }
}

function binaryScalarA(op: BinaryOp, out: F64, s: number, b: F64): void {
  const n = out.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = s + b[i];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = s - b[i];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = s * b[i];
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = s / b[i];
      return;
    default: {
      // Rare combinations: reuse the same-shape loop on a filled scalar.
      const a = new Float64Array(n).fill(s);
      binarySame(op, out, a, b);
    }
  }
}

function binary(op: BinaryOp): CpuKernel<BinaryOp> {
  return (out, ins, shapes, so) => {
    const a = ins[0];
    const b = ins[1];
    const n = out.length;
    if (a.length === n && b.length === n) binarySame(op, out, a, b);
    else if (b.length === 1 && a.length === n) binaryScalarB(op, out, a, b[0]);
    else if (a.length === 1 && b.length === n) binaryScalarA(op, out, a[0], b);
    else binarySame(op, out, expand(a, shapes[0], so, n), expand(b, shapes[1], so, n));
    return out;
  };
}

function unaryLoop(op: UnaryOp, out: F64, x: F64): void {
  const n = out.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
      return;
    case 'log1p':
      for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
      return;
    case 'square':
      for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
      return;
    case 'sign':
      for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : x[i] === 0 ? 0 : x[i];
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
      return;
    case 'softplus':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
      }
      return;
    case 'sin':
      for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]);
      return;
    case 'cos':
      for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]);
      return;
    case 'erf':
      for (let i = 0; i < n; i++) out[i] = erf(x[i]);
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = 0.5 * v * (1 + erf(v * INV_SQRT2));
      }
      return;
    case 'geluDerivative':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = 0.5 * (1 + erf(v * INV_SQRT2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
      }
      return;
  }
}

function unary(op: UnaryOp): CpuKernel<UnaryOp> {
  return (out, ins) => {
    unaryLoop(op, out, ins[0]);
    return out;
  };
}

/** Generic reduction: `mode` 0 = sum, 1 = max. */
function reduce(out: F64, x: F64, shape: Shape, axes: readonly number[], mode: 0 | 1): F64 {
  const n = x.length;
  const m = out.length;
  const init = mode === 0 ? 0 : Number.NEGATIVE_INFINITY;
  out.fill(init);
  if (m === 1) {
    let acc = init;
    if (mode === 0) for (let i = 0; i < n; i++) acc += x[i];
    else for (let i = 0; i < n; i++) acc = x[i] > acc || Number.isNaN(x[i]) ? x[i] : acc;
    out[0] = acc;
    return out;
  }
  const r = shape.length;
  // Fast path: reducing trailing contiguous axes → rows.
  let trailing = true;
  for (let i = 0; i < axes.length; i++) if (axes[i] !== r - axes.length + i) trailing = false;
  if (trailing) {
    const inner = n / m;
    for (let o = 0; o < m; o++) {
      let acc = init;
      const base = o * inner;
      if (mode === 0) for (let j = 0; j < inner; j++) acc += x[base + j];
      else
        for (let j = 0; j < inner; j++) {
          const v = x[base + j];
          acc = v > acc || Number.isNaN(v) ? v : acc;
        }
      out[o] = acc;
    }
    return out;
  }
  // General: odometer over the input with output strides that are 0 on reduced axes.
  const keptShape: number[] = [];
  for (let i = 0; i < r; i++) if (!axes.includes(i)) keptShape.push(shape[i]);
  const keptStrides = stridesOf(keptShape);
  const os = new Array<number>(r).fill(0);
  let k = 0;
  for (let i = 0; i < r; i++) if (!axes.includes(i)) os[i] = keptStrides[k++];
  const counter = new Array<number>(r).fill(0);
  let dst = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (mode === 0) out[dst] += v;
    else if (v > out[dst] || Number.isNaN(v)) out[dst] = v;
    for (let d = r - 1; d >= 0; d--) {
      counter[d]++;
      dst += os[d];
      if (counter[d] < shape[d]) break;
      dst -= os[d] * counter[d];
      counter[d] = 0;
    }
  }
  return out;
}

/** Strided copy: out[i] = x[offset + Σ counter_d · strides_d] over `outShape`. */
function stridedCopy(out: F64, x: F64, outShape: Shape, strides: readonly number[], offset: number): F64 {
  const n = out.length;
  const r = outShape.length;
  if (r === 0) {
    out[0] = x[offset];
    return out;
  }
  const counter = new Array<number>(r).fill(0);
  const last = r - 1;
  const lastLen = outShape[last];
  const lastStride = strides[last];
  let src = offset;
  let i = 0;
  while (i < n) {
    for (let j = 0; j < lastLen; j++) out[i++] = x[src + j * lastStride];
    for (let d = last - 1; d >= 0; d--) {
      counter[d]++;
      src += strides[d];
      if (counter[d] < outShape[d]) break;
      src -= strides[d] * counter[d];
      counter[d] = 0;
    }
    if (last === 0) break;
  }
  return out;
}

function matmul(out: F64, ins: readonly F64[], shapes: readonly Shape[], so: Shape): F64 {
  const a = ins[0];
  const b = ins[1];
  const sa = shapes[0];
  const sb = shapes[1];
  const ra = sa.length;
  const rb = sb.length;
  const m = sa[ra - 2];
  const k = sa[ra - 1];
  const n = sb[rb - 1];
  if (ra === 2 && rb === 2) return matmul2d(out, a, b, m, k, n, 0, 0, 0);
  const batchShape = so.slice(0, so.length - 2);
  const batch = sizeOf(batchShape);
  const mk = m * k;
  const kn = k * n;
  const mn = m * n;
  let ia: Int32Array | null = null;
  let ib: Int32Array | null = null;
  if (batch > 1) {
    const ba = sa.slice(0, ra - 2);
    const bb = sb.slice(0, rb - 2);
    if (sizeOf(ba) !== batch) ia = broadcastIndex(batchShape, ba);
    if (sizeOf(bb) !== batch) ib = broadcastIndex(batchShape, bb);
  }
  for (let t = 0; t < batch; t++)
    matmul2d(out, a, b, m, k, n, (ia === null ? t : ia[t]) * mk, (ib === null ? t : ib[t]) * kn, t * mn);
  return out;
}

/** One m×k by k×n product at the given offsets, i-k-j order (unit stride in the inner loop). */
function matmul2d(
  out: F64,
  a: F64,
  b: F64,
  m: number,
  k: number,
  n: number,
  ao: number,
  bo: number,
  oo: number,
): F64 {
  if (n === 1) {
    // matrix–vector: dot products
    for (let i = 0; i < m; i++) {
      let s = 0;
      const arow = ao + i * k;
      for (let p = 0; p < k; p++) s += a[arow + p] * b[bo + p];
      out[oo + i] = s;
    }
    return out;
  }
  for (let i = 0; i < m; i++) {
    const orow = oo + i * n;
    const arow = ao + i * k;
    for (let j = 0; j < n; j++) out[orow + j] = 0;
    for (let p = 0; p < k; p++) {
      const aip = a[arow + p];
      const brow = bo + p * n;
      for (let j = 0; j < n; j++) out[orow + j] += aip * b[brow + j];
    }
  }
  return out;
}

/** The CPU kernel table: exhaustive over `OpName`. */
export const cpuKernels: { readonly [K in OpName]: CpuKernel<K> } = {
  identity: (out, [x]) => {
    out.set(x);
    return out;
  },
  add: binary('add'),
  sub: binary('sub'),
  mul: binary('mul'),
  div: binary('div'),
  pow: binary('pow'),
  maximum: binary('maximum'),
  minimum: binary('minimum'),
  greater: binary('greater'),
  greaterEqual: binary('greaterEqual'),
  less: binary('less'),
  lessEqual: binary('lessEqual'),
  equal: binary('equal'),
  neg: unary('neg'),
  exp: unary('exp'),
  log: unary('log'),
  log1p: unary('log1p'),
  sqrt: unary('sqrt'),
  square: unary('square'),
  abs: unary('abs'),
  sign: unary('sign'),
  tanh: unary('tanh'),
  sigmoid: unary('sigmoid'),
  softplus: unary('softplus'),
  sin: unary('sin'),
  cos: unary('cos'),
  erf: unary('erf'),
  gelu: unary('gelu'),
  geluDerivative: unary('geluDerivative'),
  where: (out, [c, a, b], [sc, sa, sb], so) => {
    const n = out.length;
    const cc = expand(c, sc, so, n);
    const aa = expand(a, sa, so, n);
    const bb = expand(b, sb, so, n);
    for (let i = 0; i < n; i++) out[i] = cc[i] !== 0 ? aa[i] : bb[i];
    return out;
  },
  sum: (out, [x], [s], _so, { axes }) => reduce(out, x, s, axes, 0),
  max: (out, [x], [s], _so, { axes }) => reduce(out, x, s, axes, 1),
  reshape: (out, [x]) => {
    out.set(x);
    return out;
  },
  transpose: (out, [x], [s], so, { perm }) => {
    const st = stridesOf(s);
    return stridedCopy(
      out,
      x,
      so,
      perm.map((p) => st[p]),
      0,
    );
  },
  broadcastTo: (out, [x], [s], so) => {
    const n = out.length;
    if (x.length === 1) out.fill(x[0]);
    else {
      const idx = broadcastIndex(so, s);
      for (let i = 0; i < n; i++) out[i] = x[idx[i]];
    }
    return out;
  },
  slice: (out, [x], [s], so, { begin }) => {
    const st = stridesOf(s);
    let offset = 0;
    for (let i = 0; i < s.length; i++) offset += begin[i] * st[i];
    return stridedCopy(out, x, so, st, offset);
  },
  pad: (out, [x], [s], so, { before }) => {
    out.fill(0);
    const n = x.length;
    if (n === 0) return out;
    const r = s.length;
    if (r === 0) {
      out[0] = x[0];
      return out;
    }
    const os = stridesOf(so);
    let dst = 0;
    for (let i = 0; i < r; i++) dst += before[i] * os[i];
    const counter = new Array<number>(r).fill(0);
    const last = r - 1;
    const lastLen = s[last];
    let i = 0;
    while (i < n) {
      for (let j = 0; j < lastLen; j++) out[dst + j] = x[i++];
      for (let d = last - 1; d >= 0; d--) {
        counter[d]++;
        dst += os[d];
        if (counter[d] < s[d]) break;
        dst -= os[d] * counter[d];
        counter[d] = 0;
      }
      if (last === 0) break;
    }
    return out;
  },
  concat: (out, xs, shapes, so, { axis }) => {
    let outer = 1;
    for (let i = 0; i < axis; i++) outer *= so[i];
    const outRow = out.length / (outer || 1);
    let colOffset = 0;
    for (let t = 0; t < xs.length; t++) {
      const x = xs[t];
      const row = x.length / (outer || 1);
      for (let o = 0; o < outer; o++) {
        const src = o * row;
        const dst = o * outRow + colOffset;
        for (let j = 0; j < row; j++) out[dst + j] = x[src + j];
      }
      colOffset += row;
      void shapes;
    }
    return out;
  },
  gather: (out, [x], [s], _so, { axis, indices }) => {
    let outer = 1;
    for (let i = 0; i < axis; i++) outer *= s[i];
    let inner = 1;
    for (let i = axis + 1; i < s.length; i++) inner *= s[i];
    const len = s[axis];
    const k = indices.length;
    for (let o = 0; o < outer; o++)
      for (let t = 0; t < k; t++) {
        const src = (o * len + indices[t]) * inner;
        const dst = (o * k + t) * inner;
        for (let j = 0; j < inner; j++) out[dst + j] = x[src + j];
      }
    return out;
  },
  scatterAdd: (out, [g], [s], _so, { axis, indices, size }) => {
    out.fill(0);
    let outer = 1;
    for (let i = 0; i < axis; i++) outer *= s[i];
    let inner = 1;
    for (let i = axis + 1; i < s.length; i++) inner *= s[i];
    const k = indices.length;
    for (let o = 0; o < outer; o++)
      for (let t = 0; t < k; t++) {
        const dst = (o * size + indices[t]) * inner;
        const src = (o * k + t) * inner;
        for (let j = 0; j < inner; j++) out[dst + j] += g[src + j];
      }
    return out;
  },
  matmul,
};
