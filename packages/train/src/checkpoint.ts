import { OdeonError } from '@odeon/ode';
import type { JsonNumber } from './internal/json-numbers.ts';
import type { OptimizerState } from './optimizers/optimizer.ts';

/** One optimiser step of the training history. */
export interface StepRecord {
  /** Global step (0-based). */
  readonly step: number;
  /** Stage index in the strategy. */
  readonly stage: number;
  readonly loss: number;
  readonly lr: number;
  /** Gradient norm before clipping/rescaling. */
  readonly gradNorm: number;
  /** Extra metrics returned by the objective (penalty breakdown, ...). */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** Validation metrics after a step. */
export interface ValidationRecord {
  readonly step: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Everything needed to continue a training run bit-for-bit: plain JSON (numbers bit-exact, with
 * NaN/±Infinity/−0 as strings). Write it with `JSON.stringify`, read it with `JSON.parse` and pass
 * it as `resume` with the same objective, strategy and seed.
 */
export interface Checkpoint {
  readonly format: 'odeon-train-checkpoint';
  readonly version: 1;
  readonly seed: number;
  /** Steps completed. */
  readonly step: number;
  /** Stage of the optimiser state below. */
  readonly stage: number;
  readonly params: readonly JsonNumber[];
  readonly optimizer: OptimizerState;
  /** `Strategy.describe()` of the run, to refuse resuming under another strategy. */
  readonly strategy: unknown;
  readonly history: readonly {
    readonly step: number;
    readonly stage: number;
    readonly loss: JsonNumber;
    readonly lr: JsonNumber;
    readonly gradNorm: JsonNumber;
    readonly metrics?: Readonly<Record<string, JsonNumber>>;
  }[];
  readonly validation: readonly {
    readonly step: number;
    readonly metrics: Readonly<Record<string, JsonNumber>>;
  }[];
  readonly earlyStopping: {
    readonly best: JsonNumber;
    readonly bestStep: number;
    readonly bestParams: readonly JsonNumber[] | null;
    readonly wait: number;
  };
}

/** Checks the shape of a parsed checkpoint (not its numbers), raising `CheckpointError`. */
export function assertCheckpoint(value: unknown): asserts value is Checkpoint {
  const c = value as Partial<Checkpoint> | null;
  const fail = (what: string): never => {
    throw new OdeonError('CheckpointError', `Not a valid training checkpoint: ${what}.`, {
      hint: 'Pass the object written to onCheckpoint (after JSON.parse), unmodified.',
    });
  };
  if (c === null || typeof c !== 'object') fail('not an object');
  if (c?.format !== 'odeon-train-checkpoint') fail('wrong or missing `format`');
  if (c?.version !== 1) fail(`unsupported version ${String(c?.version)}`);
  if (!Number.isInteger(c?.step) || (c?.step as number) < 0) fail('bad `step`');
  if (!Array.isArray(c?.params)) fail('missing `params`');
  if (!Array.isArray(c?.history) || !Array.isArray(c?.validation)) fail('missing history');
  if (c?.optimizer === null || typeof c?.optimizer !== 'object') fail('missing `optimizer`');
  if (c?.earlyStopping === null || typeof c?.earlyStopping !== 'object') fail('missing `earlyStopping`');
}
