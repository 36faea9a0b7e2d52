import { invalidOption, OdeonError, rejectUnknownKeys } from '@odeon/ode';
import type { LossSpec } from './losses.ts';
import { type OptimizerSpec, resolveOptimizerSpec } from './optimizers/optimizer.ts';
import { type Schedule, validateSchedule } from './optimizers/schedules.ts';

/** What a stage trains: the network weights, the mechanistic parameters θ, or both. */
export type TrainTarget = 'network' | 'parameters' | 'both';

/** Options of one stage of a {@link Strategy} (`addStep`). Only `lr` and `steps` are required. */
export interface StrategyStepOptions<P = unknown> {
  /** Base learning rate (> 0). */
  readonly lr: number;
  /** Optimiser steps in this stage (integer ≥ 1). */
  readonly steps: number;
  /** Measurements per batch, or `all` (default). */
  readonly batchSize?: number | 'all';
  /** Curriculum: train on the first `length` fraction of each series, in (0, 1]; default 1. */
  readonly length?: number;
  /** Penalties applied in this stage (e.g. an `@odeon/penalties` collection); passed to the objective. */
  readonly penalties?: P;
  /** Loss; default `mse`. */
  readonly loss?: LossSpec;
  /** What is trained; default `both`. */
  readonly train?: TrainTarget;
  /** Optimiser (a fresh one per stage); default Adam. */
  readonly optimizer?: OptimizerSpec;
  /** Clip the gradient to this global norm (exclusive with `rescaleNorm`). */
  readonly clipNorm?: number;
  /** Rescale every gradient to exactly this norm (Kim et al.'s POLLU setting; exclusive with `clipNorm`). */
  readonly rescaleNorm?: number;
  /** Learning-rate schedule over the stage; default constant. */
  readonly schedule?: Schedule;
  /** Temporal dropout probability p ∈ [0, 1) for the objective's loss; default 0. */
  readonly dropout?: number;
}

/** A validated stage, defaults filled in (`clipNorm`/`rescaleNorm` stay absent when unset). */
export interface StrategyStep<P = unknown> {
  readonly lr: number;
  readonly steps: number;
  readonly batchSize: number | 'all';
  readonly length: number;
  readonly penalties: P | undefined;
  readonly loss: LossSpec;
  readonly train: TrainTarget;
  readonly optimizer: OptimizerSpec;
  readonly clipNorm: number | undefined;
  readonly rescaleNorm: number | undefined;
  readonly schedule: Schedule;
  readonly dropout: number;
}

const STEP_DEFAULTS = {
  batchSize: 'all',
  length: 1,
  loss: 'mse',
  train: 'both',
  optimizer: { kind: 'adam' },
  schedule: { kind: 'constant' },
  dropout: 0,
} as const satisfies Partial<StrategyStepOptions>;

const KNOWN_KEYS = new Set([
  'lr',
  'steps',
  'batchSize',
  'length',
  'penalties',
  'loss',
  'train',
  'optimizer',
  'clipNorm',
  'rescaleNorm',
  'schedule',
  'dropout',
]);

const LOSS_NAMES = new Set(['mae', 'mse', 'logcosh', 'scaledMae', 'scaledMse']);

/**
 * A training strategy: a sequence of stages, each with its own learning rate, number of steps,
 * batch size, curriculum length, loss, optimiser, penalties and gradient treatment.
 *
 * ```ts
 * const strategy = new Strategy()
 *   .addStep({ lr: 1e-2, steps: 500, length: 0.3 })          // curriculum: first 30 % of each series
 *   .addStep({ lr: 5e-3, steps: 2000, optimizer: { kind: 'adamw', weightDecay: 1e-6 } });
 * ```
 */
export class Strategy<P = unknown> {
  private readonly list: StrategyStep<P>[] = [];

  /** Validated stages, in order. */
  get steps(): readonly StrategyStep<P>[] {
    return this.list;
  }

  /** Total optimiser steps over all stages. */
  get totalSteps(): number {
    return this.list.reduce((s, st) => s + st.steps, 0);
  }

  /**
   * Appends a stage. Every option is validated here; a bad value raises `InvalidOption` naming
   * `steps[<index>].<option>`. Returns `this` for chaining.
   */
  addStep(options: StrategyStepOptions<P>): this {
    const at = `steps[${this.list.length}]`;
    if (options === null || typeof options !== 'object')
      throw invalidOption(at, options, 'an options object');
    rejectUnknownKeys(options, [...KNOWN_KEYS], `options of ${at}`, at);
    const o = { ...STEP_DEFAULTS, ...options };
    if (typeof o.lr !== 'number' || !(o.lr > 0) || !Number.isFinite(o.lr)) {
      throw invalidOption(`${at}.lr`, o.lr, 'a positive finite learning rate');
    }
    if (!Number.isInteger(o.steps) || o.steps < 1)
      throw invalidOption(`${at}.steps`, o.steps, 'an integer ≥ 1');
    if (o.batchSize !== 'all' && (!Number.isInteger(o.batchSize) || o.batchSize < 1)) {
      throw invalidOption(`${at}.batchSize`, o.batchSize, 'an integer ≥ 1 or "all"');
    }
    if (typeof o.length !== 'number' || !(o.length > 0 && o.length <= 1)) {
      throw invalidOption(`${at}.length`, o.length, 'a fraction in (0, 1]');
    }
    if (
      typeof o.loss === 'string'
        ? !LOSS_NAMES.has(o.loss)
        : o.loss?.kind !== 'scaledMae' && o.loss?.kind !== 'scaledMse'
    ) {
      throw invalidOption(
        `${at}.loss`,
        o.loss,
        '"mae", "mse", "logcosh", "scaledMae", "scaledMse" or { kind: "scaledMae" | "scaledMse", yScale }',
      );
    }
    if (o.train !== 'network' && o.train !== 'parameters' && o.train !== 'both') {
      throw invalidOption(`${at}.train`, o.train, '"network", "parameters" or "both"');
    }
    let optimizer: OptimizerSpec;
    try {
      optimizer = resolveOptimizerSpec(o.optimizer);
    } catch (e) {
      const allowed = (e as { context?: { allowed?: string } }).context?.allowed ?? 'a valid optimizer';
      throw new OdeonError('InvalidOption', `Invalid \`${at}.optimizer\`: ${(e as Error).message}`, {
        option: `${at}.optimizer`,
        allowed,
        hint: `Expected ${allowed}.`,
        cause: e,
      });
    }
    if (o.clipNorm !== undefined && !(o.clipNorm > 0 && Number.isFinite(o.clipNorm))) {
      throw invalidOption(`${at}.clipNorm`, o.clipNorm, 'a positive finite norm');
    }
    if (o.rescaleNorm !== undefined && !(o.rescaleNorm > 0 && Number.isFinite(o.rescaleNorm))) {
      throw invalidOption(`${at}.rescaleNorm`, o.rescaleNorm, 'a positive finite norm');
    }
    if (o.clipNorm !== undefined && o.rescaleNorm !== undefined) {
      throw invalidOption(`${at}.rescaleNorm`, o.rescaleNorm, 'at most one of clipNorm and rescaleNorm');
    }
    validateSchedule(o.schedule, `${at}.schedule`);
    if (typeof o.dropout !== 'number' || !(o.dropout >= 0 && o.dropout < 1)) {
      throw invalidOption(`${at}.dropout`, o.dropout, 'a probability in [0, 1)');
    }
    this.list.push(
      Object.freeze({
        lr: o.lr,
        steps: o.steps,
        batchSize: o.batchSize,
        length: o.length,
        penalties: o.penalties,
        loss: o.loss,
        train: o.train,
        optimizer,
        clipNorm: o.clipNorm,
        rescaleNorm: o.rescaleNorm,
        schedule: o.schedule,
        dropout: o.dropout,
      }),
    );
    return this;
  }

  /**
   * A JSON description of the stages without their penalties (which are code). Checkpoints store
   * it to refuse resuming under a different strategy.
   */
  describe(): unknown[] {
    return this.list.map(({ penalties: _p, ...rest }) => ({ ...rest, penalties: _p !== undefined }));
  }
}
