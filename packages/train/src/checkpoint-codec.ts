import { OdeonError } from '@odeon/ode';
import { assertCheckpoint, type Checkpoint, type StepRecord, type ValidationRecord } from './checkpoint.ts';
import type { EarlyStoppingState } from './early-stopping.ts';
import {
  decodeArray,
  decodeNumber,
  encodeArray,
  encodeNumber,
  type JsonNumber,
} from './internal/json-numbers.ts';
import type { OptimizerState } from './optimizers/optimizer.ts';

/** The state of a training run that a checkpoint holds. */
export interface TrainingState {
  readonly seed: number;
  /** Steps completed. */
  readonly step: number;
  /** Stage of `optimizer`. */
  readonly stage: number;
  readonly params: Float64Array;
  readonly optimizer: OptimizerState;
  /** `Strategy.describe()` of the run. */
  readonly strategy: unknown;
  readonly history: readonly StepRecord[];
  readonly validation: readonly ValidationRecord[];
  readonly earlyStopping: EarlyStoppingState;
}

function encodeMetrics(m: Readonly<Record<string, number>>): Record<string, JsonNumber> {
  const out: Record<string, JsonNumber> = {};
  for (const [k, v] of Object.entries(m)) out[k] = encodeNumber(v);
  return out;
}

function decodeMetrics(m: Readonly<Record<string, JsonNumber>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) out[k] = decodeNumber(v);
  return out;
}

/** The checkpoint of a training state: plain JSON with bit-exact numbers. */
export function encodeCheckpoint(s: TrainingState): Checkpoint {
  const es = s.earlyStopping;
  return {
    format: 'odeon-train-checkpoint',
    version: 1,
    seed: s.seed,
    step: s.step,
    stage: s.stage,
    params: encodeArray(s.params),
    optimizer: s.optimizer,
    strategy: s.strategy,
    history: s.history.map((h) => ({
      step: h.step,
      stage: h.stage,
      loss: encodeNumber(h.loss),
      lr: encodeNumber(h.lr),
      gradNorm: encodeNumber(h.gradNorm),
      ...(h.metrics ? { metrics: encodeMetrics(h.metrics) } : {}),
    })),
    validation: s.validation.map((v) => ({ step: v.step, metrics: encodeMetrics(v.metrics) })),
    earlyStopping: {
      best: encodeNumber(es.best),
      bestStep: es.bestStep,
      bestParams: es.bestParams === undefined ? null : encodeArray(es.bestParams),
      wait: es.wait,
    },
  };
}

/**
 * The training state of a parsed checkpoint, checked against the run resuming it (same seed, strategy
 * and parameter count).
 * @throws OdeonError `CheckpointError`
 */
export function decodeCheckpoint(
  value: unknown,
  run: { readonly seed: number; readonly strategy: unknown; readonly np: number },
): TrainingState {
  assertCheckpoint(value);
  const c = value;
  if (c.seed !== run.seed) {
    throw new OdeonError(
      'CheckpointError',
      `The checkpoint was written with seed ${c.seed}, not ${run.seed}.`,
      {
        hint: 'Resume with the seed of the original run.',
      },
    );
  }
  if (JSON.stringify(c.strategy) !== JSON.stringify(run.strategy)) {
    throw new OdeonError('CheckpointError', 'The checkpoint was written under a different strategy.', {
      hint: 'Resume with the strategy of the original run.',
    });
  }
  const params = decodeArray(c.params);
  if (params.length !== run.np) {
    throw new OdeonError(
      'CheckpointError',
      `The checkpoint has ${params.length} parameters, the model ${run.np}.`,
    );
  }
  return {
    seed: c.seed,
    step: c.step,
    stage: c.stage,
    params,
    optimizer: c.optimizer,
    strategy: c.strategy,
    history: c.history.map((h) => ({
      step: h.step,
      stage: h.stage,
      loss: decodeNumber(h.loss),
      lr: decodeNumber(h.lr),
      gradNorm: decodeNumber(h.gradNorm),
      ...(h.metrics ? { metrics: decodeMetrics(h.metrics) } : {}),
    })),
    validation: c.validation.map((v) => ({ step: v.step, metrics: decodeMetrics(v.metrics) })),
    earlyStopping: {
      best: decodeNumber(c.earlyStopping.best),
      bestStep: c.earlyStopping.bestStep,
      bestParams: c.earlyStopping.bestParams === null ? undefined : decodeArray(c.earlyStopping.bestParams),
      wait: c.earlyStopping.wait,
    },
  };
}
