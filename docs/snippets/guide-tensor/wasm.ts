// #region example
import { abs, initBackend, matmul, max, randn, sub, tanh, toBackend } from '@odeon/tensor';

// The WebAssembly backend: tfjs-core with XNNPACK kernels, float32. Initialise it once.
await initBackend('wasm');

// The same computation on both backends: a 128×128 layer applied to 64 inputs.
const W = randn([128, 128], { seed: 1, std: 0.1 });
const X = randn([128, 64], { seed: 2 });
const onCpu = tanh(matmul(W, X)); // float64
const onWasm = tanh(matmul(toBackend(W, 'wasm'), toBackend(X, 'wasm'))); // float32
console.log(`cpu: ${onCpu.dtype}, wasm: ${onWasm.dtype}`);

// float32 agrees with float64 to about 1e-6 here; results come back as float64 explicitly.
const difference = max(abs(sub(onCpu, toBackend(onWasm, 'cpu')))).item();
console.log(`max |cpu − wasm| = ${difference.toExponential(1)}`);

// #endregion example

export { difference, onCpu, onWasm };
