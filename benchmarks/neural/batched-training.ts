/**
 * Batched neural ODE, cpu (float64 loops) vs tfjs wasm (float32): time of one training epoch over a
 * batch of trajectories, for batch 1…1024 × width 8…256 (n = 3 states, depth 2, tanh). An epoch here
 * is the network work of one gradient step of a discrete adjoint over 10 RK4 steps: 40 batched RHS
 * evaluations forward and 40 batched VJPs (w.r.t. state and parameters) backward. Prints the median of
 * `REPS` epochs per cell, the wasm/cpu ratio and, per width, the smallest batch where wasm wins; the
 * crossover of `chooseBatchedBackend` (BATCHED_CROSSOVER_WORK, batch × width²) comes from this table.
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/neural/batched-training.ts [reps]
 */
import { cpus } from 'node:os';
import { batchedNeuralOdeProblem, NeuralODE } from '@odeon/neural';
import { initBackend } from '@odeon/tensor';

const REPS = Number(process.argv[2] ?? 3);
const BATCHES = [1, 16, 64, 256, 1024];
const WIDTHS = [8, 32, 128, 256];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await initBackend('wasm');
console.log(
  `# Batched neural ODE epoch, cpu float64 vs wasm float32 — ${cpus()[0]?.model ?? '?'} × ${cpus().length}, Node ${process.version}`,
);
console.log('(machine shared with other sessions: compare ratios within one run)\n');
console.log('| width | batch | cpu ms/epoch | wasm-f32 ms/epoch | wasm/cpu | batch·width² |');
console.log('|---|---|---|---|---|---|');
const crossover: string[] = [];
for (const width of WIDTHS) {
  const model = new NeuralODE({ n: 3, network: { width, depth: 2, activation: 'tanh', seed: 1 } });
  let found: number | undefined;
  for (const batch of BATCHES) {
    const y0 = Float64Array.from({ length: batch * 3 }, (_, k) => Math.sin(k));
    const times: Record<string, number> = {};
    for (const backend of ['cpu', 'wasm-f32'] as const) {
      const prob = batchedNeuralOdeProblem(model, { y0, batch, t0: 0, t1: 1, backend });
      const p = Float64Array.from(prob.p as ArrayLike<number>);
      const y = Float64Array.from(y0);
      const d = new Float64Array(batch * 3);
      const gy = new Float64Array(batch * 3);
      const gp = new Float64Array(model.np);
      const epoch = () => {
        for (let s = 0; s < 40; s++) prob.rhs(s * 0.025, y, p, d);
        for (let s = 0; s < 40; s++) prob.vjp?.(s * 0.025, y, p, d, gy, gp);
      };
      epoch();
      const ts: number[] = [];
      for (let r = 0; r < REPS; r++) {
        const t = performance.now();
        epoch();
        ts.push(performance.now() - t);
      }
      times[backend] = median(ts);
    }
    const ratio = times['wasm-f32'] / times.cpu;
    if (found === undefined && ratio < 1) found = batch;
    console.log(
      `| ${width} | ${batch} | ${times.cpu.toFixed(2)} | ${times['wasm-f32'].toFixed(2)} | ${ratio.toFixed(2)} | ${batch * width * width} |`,
    );
  }
  crossover.push(
    `width ${width}: ${found === undefined ? 'cpu faster at every batch' : `wasm faster from batch ${found} (batch·width² = ${found * width * width})`}`,
  );
}
console.log('\nCrossover:');
for (const c of crossover) console.log(`  ${c}`);
