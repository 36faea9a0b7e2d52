/**
 * The wasm backend: tfjs-core with tfjs-backend-wasm (XNNPACK, SIMD), float32 storage.
 *
 * Loading: both packages are imported dynamically here, by bare specifier. Node resolves each
 * package's "main" (the CommonJS node bundle; the ESM `dist/index.js` does not load under plain Node
 * ESM) and tfjs-backend-wasm `require`s that same tfjs-core, so there is one tfjs-core instance.
 * Bundlers (Vite, webpack, esbuild) resolve "module" for both, again one instance. In a browser the
 * `.wasm` binaries must be served: pass `initBackend('wasm', { wasmPaths })` (see README).
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Backend, InitBackendOptions } from '../backend.ts';

import type { OpName, Shape } from '../types.ts';
import { type TfContext, type TfKernelName, type WasmKernel, wasmKernels } from './wasm-kernels.ts';

/** Storage of a wasm tensor: a holder, so that tensors sharing it free the tfjs tensor only when all are gone. */
interface WasmStorage {
  readonly t: TF.Tensor;
}

/** float64 → float32: the one place values lose precision on the way into wasm. */
export function toTensorF32(tf: typeof TF, values: Float64Array, shape: Shape): TF.Tensor {
  return tf.tensor(Float32Array.from(values), shape.slice(), 'float32');
}

/** float32 → float64 (exact widening). */
export function toFloat64(t: TF.Tensor): Float64Array {
  return Float64Array.from(t.dataSync() as Float32Array);
}

export async function createWasmBackend(options: InitBackendOptions): Promise<Backend<WasmStorage>> {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths as string);
  if (options.threads !== undefined) wasm.setThreadsCount(options.threads);
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('tfjs could not activate its wasm backend');
  await tf.ready();

  const engine = tf.engine();
  const scalars = new Map<number, TF.Tensor>();
  const ctx: TfContext = {
    tf,
    run: (name: TfKernelName, inputs, attrs = {}) =>
      engine.runKernel(name, inputs as unknown as TF.NamedTensorMap, attrs as TF.NamedAttrMap) as TF.Tensor,
    scalar(value) {
      let s = scalars.get(value);
      if (s === undefined) {
        s = tf.keep(tf.scalar(value, 'float32'));
        scalars.set(value, s);
      }
      return s;
    },
  };
  const registry = new FinalizationRegistry<TF.Tensor>((t) => t.dispose());
  const wrap = (t: TF.Tensor): WasmStorage => {
    const holder = { t };
    registry.register(holder, t);
    return holder;
  };

  return {
    name: 'wasm',
    dtype: 'float32',
    fromFloat64: (values, shape) => wrap(toTensorF32(tf, values, shape)),
    toFloat64: (data) => toFloat64(data.t),
    run(op, inputs, shapes, outShape, attrs) {
      const kernel = wasmKernels[op] as WasmKernel<OpName>;
      const out = kernel(
        ctx,
        inputs.map((s) => s.t),
        shapes,
        outShape,
        attrs,
      );
      return wrap(out);
    },
    release: (data) => data.t.dispose(),
  };
}
