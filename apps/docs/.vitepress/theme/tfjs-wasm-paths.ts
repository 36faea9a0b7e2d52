// The tfjs WebAssembly binaries, emitted by Vite as static assets of the site: the worker hands their
// URLs to `initBackend('wasm')`, which passes them to tfjs's `setWasmPaths`.
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** File name → URL of each binary, the map form `setWasmPaths` accepts. */
export const tfjsWasmPaths: Readonly<Record<string, string>> = {
  'tfjs-backend-wasm.wasm': plain,
  'tfjs-backend-wasm-simd.wasm': simd,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd,
};
