import { invalidOption, type OdeProblem } from '@odeon/ode';
import { BatchedMlpCpu } from './batched-mlp-cpu.ts';
import { BatchedMlpWasmF32 } from './batched-mlp-wasm.ts';
import type { NeuralODE } from './neural-ode.ts';

/** Where a batched system evaluates its network: float64 loops, or tfjs wasm in **float32**. */
export type BatchedBackend = 'cpu' | 'wasm-f32';

/**
 * Batch × width² (multiply-adds of one hidden layer per stage) from which `auto` chooses wasm-f32:
 * the crossover measured by benchmarks/neural/batched-training.ts (table in BATCHED-RESULTS.md there).
 */
export const BATCHED_CROSSOVER_WORK = 262_144;

/** `auto`: wasm-f32 from the measured crossover on (when the wasm backend is initialised), else cpu. */
export function chooseBatchedBackend(batch: number, width: number, wasmReady: boolean): BatchedBackend {
  return wasmReady && batch * width * width >= BATCHED_CROSSOVER_WORK ? 'wasm-f32' : 'cpu';
}

/** Options of {@link batchedNeuralOdeProblem}. */
export interface BatchedNeuralOdeOptions {
  /** Initial states, row-major batch × n (one trajectory per row). */
  readonly y0: ArrayLike<number>;
  readonly batch: number;
  readonly t0: number;
  readonly t1: number;
  /** Parameters (default the model's). */
  readonly p?: ArrayLike<number>;
  /** Default `cpu`. Resolve `auto` with `chooseBatchedBackend`. */
  readonly backend?: BatchedBackend;
}

/**
 * Many trajectories of one neural ODE as one system of batch·n states: the network is evaluated as
 * one batched matrix product per layer per stage (rows = trajectories) instead of `batch` small ones.
 * Provides `rhs`, `vjp` and `vjpY` (for explicit methods and adjoint gradients; no Jacobian, so not for
 * stiff methods). On `wasm-f32` the network runs in float32: results agree with cpu to float32 accuracy.
 */
export function batchedNeuralOdeProblem(
  model: NeuralODE,
  options: BatchedNeuralOdeOptions,
): OdeProblem & { readonly backend: BatchedBackend } {
  const n = model.n;
  const B = options.batch;
  if (!Number.isInteger(B) || B < 1) throw invalidOption('batch', B, 'an integer ≥ 1');
  if (options.y0.length !== B * n)
    throw invalidOption('y0', options.y0.length, `batch × n = ${B * n} values`);
  const backend = options.backend ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'wasm-f32')
    throw invalidOption('backend', backend, "'cpu' or 'wasm-f32'");
  const net = backend === 'cpu' ? new BatchedMlpCpu(model.mlp, B) : new BatchedMlpWasmF32(model.mlp);
  const nIn = model.mlp.spec.inputs;
  const c = model.outputScale;
  const timeInput = model.timeInput;
  const x = new Float64Array(B * nIn);
  const u = new Float64Array(B * n);
  const gx = new Float64Array(B * nIn);
  const load = (t: number, y: Float64Array) => {
    for (let r = 0; r < B; r++) {
      for (let i = 0; i < n; i++) x[r * nIn + i] = y[r * n + i];
      if (timeInput) x[r * nIn + n] = t;
    }
    return x;
  };
  const pullback = (
    t: number,
    y: Float64Array,
    p: Float64Array,
    v: Float64Array,
    outY: Float64Array,
    outP: Float64Array | null,
  ) => {
    net.forward(u, p, load(t, y), B);
    for (let r = 0; r < B; r++) for (let i = 0; i < n; i++) u[r * n + i] = v[r * n + i] * c[i];
    if (outP !== null) outP.fill(0);
    net.vjp(gx, outP, p, u);
    for (let r = 0; r < B; r++) for (let i = 0; i < n; i++) outY[r * n + i] = gx[r * nIn + i];
  };
  return {
    backend,
    y0: Float64Array.from(options.y0),
    t0: options.t0,
    t1: options.t1,
    p: options.p !== undefined ? Float64Array.from(options.p) : Float64Array.from(model.p),
    rhs: (t, y, p, dydt) => {
      net.forward(dydt, p, load(t, y), B);
      for (let r = 0; r < B; r++) for (let i = 0; i < n; i++) dydt[r * n + i] *= c[i];
    },
    vjp: (t, y, p, v, outY, outP) => pullback(t, y, p, v, outY, outP),
    vjpY: (t, y, p, v, outY) => pullback(t, y, p, v, outY, null),
  };
}
