import type { BackendName, DType, OpAttrs, OpName, Shape } from './types.ts';

/**
 * What a backend supplies: storage conversion and one kernel per primitive. Backends know nothing
 * about differentiation; the engine (`engine.ts`) and the rule table (`rules.ts`) are shared.
 * `Storage` is opaque to the engine (a `Float64Array` on cpu, a tfjs tensor on wasm).
 */
export interface Backend<Storage = unknown> {
  readonly name: BackendName;
  readonly dtype: DType;
  /** Converts float64 values into this backend's storage (rounds to float32 on wasm). */
  fromFloat64(values: Float64Array, shape: Shape): Storage;
  /** Reads storage back as a fresh `Float64Array`. */
  toFloat64(data: Storage, shape: Shape): Float64Array;
  /** Runs primitive `op`; `inputs` are never mutated. */
  run<K extends OpName>(
    op: K,
    inputs: readonly Storage[],
    shapes: readonly Shape[],
    outShape: Shape,
    attrs: OpAttrs<K>,
  ): Storage;
  /** Optional: release storage (wasm frees tfjs memory). */
  release?(data: Storage): void;
}

/** Options of `initBackend`. */
export interface InitBackendOptions {
  /**
   * wasm only: where the `.wasm` binaries are served from, passed to tfjs's `setWasmPaths` (a URL
   * prefix ending in `/`, or a map of file names to URLs). Needed in browsers/bundlers unless the
   * binaries sit next to the bundled script; not needed in Node.
   */
  readonly wasmPaths?: string | { readonly [file: string]: string };
  /** wasm only: number of threads when the threaded binary is usable (browsers with cross-origin isolation). */
  readonly threads?: number;
}
