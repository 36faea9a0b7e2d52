// #region example
import { batchedNeuralOdeProblem, chooseBatchedBackend, NeuralODE } from '@odeon/neural';
import { solve } from '@odeon/ode';
import { initBackend } from '@odeon/tensor';

// 256 trajectories of one neural ODE (3 states, two hidden layers of 32) as ONE system of 768 states:
// each stage evaluates the network as one batched matrix product per layer.
await initBackend('wasm');
const model = new NeuralODE({ n: 3, network: { width: 32, depth: 2, activation: 'tanh', seed: 1 } });
const batch = 256;
const y0 = Float64Array.from({ length: batch * 3 }, (_, k) => Math.sin(k));
const backend = chooseBatchedBackend(batch, 32, true); // from the measured cpu/wasm crossover
const onCpu = solve(batchedNeuralOdeProblem(model, { y0, batch, t0: 0, t1: 1, backend: 'cpu' }), {
  method: 'tsit5',
  saveAt: [1],
});
const onWasm = solve(batchedNeuralOdeProblem(model, { y0, batch, t0: 0, t1: 1, backend: 'wasm-f32' }), {
  method: 'tsit5',
  saveAt: [1],
});
let difference = 0;
for (let k = 0; k < onCpu.y.length; k++)
  difference = Math.max(difference, Math.abs(onCpu.y[k] - onWasm.y[k]));
console.log(`auto backend for batch ${batch}, width 32: ${backend}`);
console.log(`max |cpu (float64) − wasm (float32)| at t = 1: ${difference.toExponential(1)}`);
// #endregion example

export { backend, difference, onCpu, onWasm };
