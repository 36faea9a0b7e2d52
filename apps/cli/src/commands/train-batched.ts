import {
  type BatchedBackend,
  batchedNeuralOdeProblem,
  chooseBatchedBackend,
  NeuralODE,
  type OdeModel,
} from '@odeon/neural';
import { didYouMean, type GradientMethod, OdeonError, type OdeProblem } from '@odeon/ode';
import { initBackend } from '@odeon/tensor';

/**
 * Values of a training config's `batched`: `off` (default: one solve per measurement), `cpu` (the
 * measurements of a step as one batched system, network in float64), `wasm-f32` (the same on the
 * tfjs wasm backend, network in float32) or `auto` (wasm-f32 from the measured crossover of
 * `chooseBatchedBackend`, when the wasm backend starts; else cpu).
 */
export const TRAIN_BATCHED = ['off', 'cpu', 'wasm-f32', 'auto'] as const;
export type TrainBatched = (typeof TRAIN_BATCHED)[number];

/** Methods with the discrete adjoint that need no Jacobian (a batched system has none). */
const BATCHED_METHODS: readonly GradientMethod[] = ['dopri5'];

function batchedError(message: string, value: unknown, allowed: readonly string[]): OdeonError {
  return new OdeonError('InvalidOption', `Invalid training config: ${message}`, {
    option: 'batched',
    value,
    allowed: allowed.join(', '),
    hint: 'See `odeon train --help` for the config format.',
  });
}

/** Checks `batched` of a config (absent = `off`). */
export function parseTrainBatched(value: unknown): TrainBatched {
  if (value === undefined) return 'off';
  if (typeof value !== 'string' || !(TRAIN_BATCHED as readonly string[]).includes(value))
    throw batchedError(
      `\`batched\` ${JSON.stringify(String(value).slice(0, 40))} is not one of ${TRAIN_BATCHED.join(', ')}${didYouMean(String(value), TRAIN_BATCHED)}.`,
      value,
      TRAIN_BATCHED,
    );
  return value as TrainBatched;
}

/** What `batched` adds to the training objective, and the backend it resolved to. */
export interface BatchedTraining {
  readonly backend: BatchedBackend;
  /** Batched problem of B trajectories (cached per B). */
  readonly batched: (batch: number) => OdeProblem;
  /** The integrator: the config's, or dopri5 (explicit, no Jacobian needed). */
  readonly method: GradientMethod;
}

/**
 * Resolves `batched` for a model: undefined for `off`. Only neural ODEs batch (a universal ODE's
 * mechanism is not a batched network); the integrator must be explicit.
 */
export async function batchedTraining(
  mode: TrainBatched,
  model: OdeModel,
  batch: number,
  method: GradientMethod | undefined,
): Promise<BatchedTraining | undefined> {
  if (mode === 'off') return undefined;
  if (!(model instanceof NeuralODE))
    throw batchedError(
      `\`batched\` "${mode}" trains a neural ODE; this config's model is a ${model.kind}.`,
      mode,
      ['off'],
    );
  if (method !== undefined && !BATCHED_METHODS.includes(method))
    throw new OdeonError(
      'InvalidOption',
      `Invalid training config: \`batched\` integrates with an explicit method; \`method\` is ${JSON.stringify(method)}.`,
      {
        option: 'method',
        value: method,
        allowed: BATCHED_METHODS.join(', '),
        hint: 'Set "method": "dopri5" or leave it out, or train without `batched`.',
      },
    );
  let backend: BatchedBackend = mode === 'auto' ? 'cpu' : mode;
  if (mode === 'wasm-f32') await initBackend('wasm');
  if (mode === 'auto') {
    const ready = await initBackend('wasm').then(
      () => true,
      () => false,
    );
    backend = chooseBatchedBackend(batch, model.mlp.spec.width, ready);
  }
  const problems = new Map<number, OdeProblem>();
  const m = model;
  return {
    backend,
    method: method ?? 'dopri5',
    batched: (B) => {
      let p = problems.get(B);
      if (p === undefined) {
        // y0, t0, t1 and p are the objective's, per step.
        p = batchedNeuralOdeProblem(m, { y0: new Float64Array(B * m.n), batch: B, t0: 0, t1: 1, backend });
        problems.set(B, p);
      }
      return p;
    },
  };
}
