import { Rng } from '@odeon/core';
import { invalidOption, OdeonError } from '@odeon/ode';
import { assertCheckpoint, type Checkpoint, type StepRecord, type ValidationRecord } from './checkpoint.ts';
import {
  decodeArray,
  decodeNumber,
  encodeArray,
  encodeNumber,
  type JsonNumber,
} from './internal/json-numbers.ts';
import { isSolverFailure } from './internal/solver-failures.ts';
import type { LossSpec } from './losses.ts';
import { clipByNorm, norm2, rescaleToNorm } from './optimizers/clip.ts';
import { createOptimizer, type Optimizer } from './optimizers/optimizer.ts';
import { learningRate } from './optimizers/schedules.ts';
import { Strategy, type StrategyStep, type TrainTarget } from './strategy.ts';

/** What the objective is asked to evaluate at one step. */
export interface Batch<P = unknown> {
  /** Measurement indices in this batch (sorted). */
  readonly indices: Int32Array;
  /** Curriculum fraction of each series to use. */
  readonly length: number;
  /** Temporal dropout probability of this stage. */
  readonly dropout: number;
  /** The stage's settings (loss, penalties, ...). */
  readonly stage: StrategyStep<P>;
  readonly stageIndex: number;
  /** Step within the stage (0-based). */
  readonly stageStep: number;
  /** Global step (0-based). */
  readonly step: number;
  /** Randomness for this step (dropout masks, ...), derived from (seed, step): resumable. */
  readonly rng: Rng;
}

/** What the objective returns: the loss, its gradient w.r.t. every parameter, optional metrics. */
export interface ObjectiveResult {
  readonly loss: number;
  readonly grad: ArrayLike<number>;
  readonly metrics?: Readonly<Record<string, number>>;
}

/**
 * The function trained: loss and gradient at `params` on `batch`. Must be deterministic given
 * (params, batch) for runs to be reproducible; must not modify `params`.
 */
export type Objective<P = unknown> = (
  params: Float64Array,
  batch: Batch<P>,
) => ObjectiveResult | Promise<ObjectiveResult>;

/** A half-open index range [start, end) of the flat parameter vector. */
export interface ParamRange {
  readonly start: number;
  readonly end: number;
}

/** Progress report (for a progress bar; the library never writes to a terminal). */
export interface Progress {
  readonly step: number;
  readonly totalSteps: number;
  readonly stage: number;
  readonly stageStep: number;
  readonly stageSteps: number;
  readonly loss: number;
  readonly lr: number;
  readonly gradNorm: number;
  /** Latest validation metrics, if any. */
  readonly validation: Readonly<Record<string, number>> | undefined;
  readonly metrics: Readonly<Record<string, number>> | undefined;
  /** Steps per second since the start of this call (from `options.clock`). */
  readonly stepsPerSecond: number;
  readonly elapsedSeconds: number;
}

/** Early stopping on a validation metric. */
export interface EarlyStoppingOptions {
  /** Name of the metric returned by `validate`; default `loss`. */
  readonly metric?: string;
  /** Validations without improvement before stopping (≥ 1). */
  readonly patience: number;
  /** Smallest change that counts as an improvement; default 0. */
  readonly minDelta?: number;
  /** `min` (default) or `max`. */
  readonly mode?: 'min' | 'max';
  /** Return the best parameters rather than the last; default true. */
  readonly restoreBest?: boolean;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Seed of batches and per-step randomness; default 0. */
  readonly seed?: number;
  /** Number of measurements batches are drawn from; default 1. */
  readonly datasetSize?: number;
  /** Which parameters are the network and which the mechanistic θ (for stages with `train` ≠ `both`). */
  readonly groups?: { readonly network?: readonly ParamRange[]; readonly parameters?: readonly ParamRange[] };
  /** Validation metrics at `params` (e.g. loss on a held-out dataset). */
  readonly validate?: (
    params: Float64Array,
  ) => Readonly<Record<string, number>> | Promise<Readonly<Record<string, number>>>;
  /** Validate every this many steps (and always at the end of each stage); default 0 (stage ends only). */
  readonly validateEvery?: number;
  readonly earlyStopping?: EarlyStoppingOptions;
  /** Call `onCheckpoint` every this many steps (and at the end); default 0 (end only). */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** Called after every step; return `false` to stop. */
  readonly onStep?: (record: StepRecord) => unknown;
  /** Called after every step with progress figures. */
  readonly onProgress?: (progress: Progress) => void;
  /** Resume from a checkpoint (same objective, strategy and seed): continues bit-for-bit. */
  readonly resume?: Checkpoint;
  /** Abort between steps. */
  readonly signal?: { readonly aborted: boolean };
  /**
   * Keep only the last `historyLimit` step records (in the result and in checkpoints, which
   * otherwise grow with the run); default unlimited. Does not affect the parameters.
   */
  readonly historyLimit?: number;
  /** Clock in milliseconds, for steps/s only; default `performance.now`. */
  readonly clock?: () => number;
}

/** Why training ended. */
export type StopReason = 'completed' | 'earlyStopping' | 'callback' | 'aborted';

/** Result of {@link train}. */
export interface TrainResult {
  /** Final parameters (the best ones if early stopping restored them). */
  readonly params: Float64Array;
  readonly history: readonly StepRecord[];
  readonly validation: readonly ValidationRecord[];
  readonly reason: StopReason;
  /** Steps completed (including resumed ones). */
  readonly steps: number;
  /** Checkpoint of the final state (same format as the ones passed to `onCheckpoint`). */
  readonly checkpoint: Checkpoint;
  /** Best monitored validation value and its step, if early stopping was configured. */
  readonly best: { readonly value: number; readonly step: number } | undefined;
}

function defaultClock(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/**
 * A batch of every measurement over the whole series without dropout, for evaluating an objective
 * outside training (validation metrics: `validate: (p) => ({ loss: objective(p, fullBatch(m, { loss: 'scaledMae' })).loss })`).
 */
export function fullBatch<P = unknown>(
  datasetSize: number,
  options: { readonly loss?: LossSpec; readonly penalties?: P } = {},
): Batch<P> {
  if (!Number.isInteger(datasetSize) || datasetSize < 1) {
    throw invalidOption('datasetSize', datasetSize, 'an integer ≥ 1 (number of measurements)');
  }
  const stage = new Strategy<P>().addStep({
    lr: 1,
    steps: 1,
    ...(options.loss !== undefined ? { loss: options.loss } : {}),
    ...(options.penalties !== undefined ? { penalties: options.penalties } : {}),
  }).steps[0];
  return {
    indices: Int32Array.from({ length: datasetSize }, (_, i) => i),
    length: 1,
    dropout: 0,
    stage,
    stageIndex: 0,
    stageStep: 0,
    step: 0,
    rng: Rng.derive(0),
  };
}

/** Measurement indices of the batch of global step `step`: a counter-based draw, so resumable. */
export function selectBatch(
  seed: number,
  step: number,
  datasetSize: number,
  batchSize: number | 'all',
): Int32Array {
  if (batchSize === 'all' || batchSize >= datasetSize)
    return Int32Array.from({ length: datasetSize }, (_, i) => i);
  const perm = Rng.derive(seed, 1, step).permutation(datasetSize);
  return perm.subarray(0, batchSize).sort();
}

function trainedMask(
  np: number,
  target: TrainTarget,
  groups: TrainOptions['groups'],
  stage: number,
): Uint8Array | undefined {
  if (target === 'both') return undefined;
  const ranges = groups?.[target === 'network' ? 'network' : 'parameters'];
  if (ranges === undefined) {
    throw invalidOption(
      `steps[${stage}].train`,
      target,
      `"both", or options.groups.${target === 'network' ? 'network' : 'parameters'} naming which parameters are trained`,
    );
  }
  const mask = new Uint8Array(np);
  for (const r of ranges) {
    if (
      !Number.isInteger(r.start) ||
      !Number.isInteger(r.end) ||
      r.start < 0 ||
      r.end > np ||
      r.start > r.end
    ) {
      throw invalidOption('groups', r, `ranges { start, end } within [0, ${np}]`);
    }
    mask.fill(1, r.start, r.end);
  }
  return mask;
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

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** Node's setImmediate where it exists (no 1 ms clamp), else setTimeout(0) (browsers). */
const timers = globalThis as unknown as {
  setImmediate?: (f: () => void) => void;
  setTimeout: (f: () => void, ms: number) => void;
};
const nextMacrotask: (f: () => void) => void = timers.setImmediate ?? ((f) => timers.setTimeout(f, 0));

/**
 * The generic training loop. Runs the stages of `strategy` on `objective` (any model: the
 * objective maps parameters and a batch to a loss and its gradient), starting from `params`
 * (not modified).
 *
 * Per step: select the batch (seeded, counter-based), evaluate the objective, stop with
 * `TrainingDiverged` if the loss or gradient is not finite (the error's `context.checkpoint` and
 * `context.params` hold the last good state), freeze parameters outside the stage's `train` group,
 * clip or rescale the gradient, take an optimiser step at the scheduled learning rate, then
 * validate, early-stop, checkpoint and report progress as configured.
 *
 * Same seed, objective and strategy give bit-identical results, also across a checkpoint/resume.
 */
export async function train<P>(
  objective: Objective<P>,
  params: ArrayLike<number>,
  strategy: Strategy<P>,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw invalidOption('seed', seed, 'a non-negative safe integer');
  const datasetSize = options.datasetSize ?? 1;
  if (!Number.isInteger(datasetSize) || datasetSize < 1) {
    throw invalidOption('datasetSize', datasetSize, 'an integer ≥ 1 (number of measurements)');
  }
  const stages = strategy.steps;
  if (stages.length === 0) {
    throw invalidOption(
      'strategy',
      'empty',
      'a strategy with at least one step (strategy.addStep({ lr, steps }))',
    );
  }
  const validateEvery = options.validateEvery ?? 0;
  const checkpointEvery = options.checkpointEvery ?? 0;
  if (!Number.isInteger(validateEvery) || validateEvery < 0) {
    throw invalidOption('validateEvery', validateEvery, 'an integer ≥ 0');
  }
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 0) {
    throw invalidOption('checkpointEvery', checkpointEvery, 'an integer ≥ 0');
  }
  const es = options.earlyStopping;
  if (es !== undefined) {
    if (options.validate === undefined) {
      throw invalidOption('earlyStopping', es, 'early stopping together with a `validate` function');
    }
    if (!Number.isInteger(es.patience) || es.patience < 1) {
      throw invalidOption('earlyStopping.patience', es.patience, 'an integer ≥ 1');
    }
  }
  const mode = es?.mode ?? 'min';
  const metricName = es?.metric ?? 'loss';
  const minDelta = es?.minDelta ?? 0;
  const clock = options.clock ?? defaultClock;
  const historyLimit = options.historyLimit ?? Number.POSITIVE_INFINITY;
  if (!(historyLimit >= 1) || (Number.isFinite(historyLimit) && !Number.isInteger(historyLimit))) {
    throw invalidOption('historyLimit', historyLimit, 'an integer ≥ 1');
  }
  const trimmed = (h: StepRecord[]) => (h.length > historyLimit ? h.slice(h.length - historyLimit) : h);
  const description = strategy.describe();
  const totalSteps = strategy.totalSteps;

  let x: Float64Array = Float64Array.from(params);
  const np = x.length;
  let history: StepRecord[] = [];
  let validation: ValidationRecord[] = [];
  let best = mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  let bestStep = -1;
  let bestParams: Float64Array | undefined;
  let wait = 0;
  let step = 0;
  let resumeOptimizer: { stage: number; state: Checkpoint['optimizer'] } | undefined;

  if (options.resume !== undefined) {
    const c: unknown = options.resume;
    assertCheckpoint(c);
    if (c.seed !== seed) {
      throw new OdeonError(
        'CheckpointError',
        `The checkpoint was written with seed ${c.seed}, not ${seed}.`,
        {
          hint: 'Resume with the seed of the original run.',
        },
      );
    }
    if (JSON.stringify(c.strategy) !== JSON.stringify(description)) {
      throw new OdeonError('CheckpointError', 'The checkpoint was written under a different strategy.', {
        hint: 'Resume with the strategy of the original run.',
      });
    }
    x = decodeArray(c.params);
    if (x.length !== np) {
      throw new OdeonError('CheckpointError', `The checkpoint has ${x.length} parameters, the model ${np}.`);
    }
    step = c.step;
    history = c.history.map((h) => ({
      step: h.step,
      stage: h.stage,
      loss: decodeNumber(h.loss),
      lr: decodeNumber(h.lr),
      gradNorm: decodeNumber(h.gradNorm),
      ...(h.metrics ? { metrics: decodeMetrics(h.metrics) } : {}),
    }));
    validation = c.validation.map((v) => ({ step: v.step, metrics: decodeMetrics(v.metrics) }));
    best = decodeNumber(c.earlyStopping.best);
    bestStep = c.earlyStopping.bestStep;
    bestParams = c.earlyStopping.bestParams === null ? undefined : decodeArray(c.earlyStopping.bestParams);
    wait = c.earlyStopping.wait;
    resumeOptimizer = { stage: c.stage, state: c.optimizer };
  }

  let optimizer: Optimizer | undefined;
  let currentStage = 0;
  const checkpoint = (): Checkpoint => ({
    format: 'odeon-train-checkpoint',
    version: 1,
    seed,
    step,
    stage: currentStage,
    params: encodeArray(x),
    optimizer: (optimizer ?? createOptimizer(stages[currentStage].optimizer, np)).state(),
    strategy: description,
    history: trimmed(history).map((h) => ({
      step: h.step,
      stage: h.stage,
      loss: encodeNumber(h.loss),
      lr: encodeNumber(h.lr),
      gradNorm: encodeNumber(h.gradNorm),
      ...(h.metrics ? { metrics: encodeMetrics(h.metrics) } : {}),
    })),
    validation: validation.map((v) => ({ step: v.step, metrics: encodeMetrics(v.metrics) })),
    earlyStopping: {
      best: encodeNumber(best),
      bestStep,
      bestParams: bestParams === undefined ? null : encodeArray(bestParams),
      wait,
    },
  });

  const runValidation = async (): Promise<boolean> => {
    if (options.validate === undefined) return false;
    const metrics = { ...(await options.validate(x.slice())) };
    validation.push({ step, metrics });
    if (es === undefined) return false;
    const v = metrics[metricName];
    if (v === undefined) {
      throw invalidOption(
        'earlyStopping.metric',
        metricName,
        `a metric returned by validate (${Object.keys(metrics).join(', ')})`,
      );
    }
    const improved = mode === 'min' ? v < best - minDelta : v > best + minDelta;
    if (improved) {
      best = v;
      bestStep = step;
      bestParams = x.slice();
      wait = 0;
      return false;
    }
    wait++;
    return wait >= es.patience;
  };

  const startTime = clock();
  const startStep = step;
  let reason: StopReason = 'completed';
  let lastCheckpointStep = -1;
  let offset = 0;
  outer: for (let s = 0; s < stages.length; s++) {
    const stage = stages[s];
    const stageStart = offset;
    offset += stage.steps;
    if (step >= offset) continue; // stage finished before the checkpoint
    currentStage = s;
    optimizer =
      resumeOptimizer !== undefined && resumeOptimizer.stage === s && step > stageStart
        ? createOptimizer(stage.optimizer, np, resumeOptimizer.state)
        : createOptimizer(stage.optimizer, np);
    const mask = trainedMask(np, stage.train, options.groups, s);
    const g = new Float64Array(np);
    for (let k = step - stageStart; k < stage.steps; k++) {
      if (options.signal !== undefined) {
        // let a signal handler (Ctrl-C) run: it can only set `aborted` from a macrotask
        await new Promise<void>((done) => nextMacrotask(done));
        if (options.signal.aborted) {
          reason = 'aborted';
          break outer;
        }
      }
      const batch: Batch<P> = {
        indices: selectBatch(seed, step, datasetSize, stage.batchSize),
        length: stage.length,
        dropout: stage.dropout,
        stage,
        stageIndex: s,
        stageStep: k,
        step,
        rng: Rng.derive(seed, 2, step),
      };
      let r: ObjectiveResult;
      try {
        r = await objective(x.slice(), batch);
      } catch (e) {
        if (isSolverFailure(e)) {
          throw new OdeonError(
            'TrainingDiverged',
            `Training diverged at step ${step} (stage ${s}): the model could not be integrated (${e.code}: ${e.message})`,
            {
              step,
              stage: s,
              params: x.slice(),
              checkpoint: checkpoint(),
              cause: e,
              hint: 'The last good state is in error.context.checkpoint; resume from it with a smaller lr, clipNorm, or a stiff solver.',
            },
          );
        }
        throw e;
      }
      if (r.grad?.length !== np) {
        throw new OdeonError(
          'ShapeMismatch',
          `The objective returned a gradient of length ${r.grad?.length} for ${np} parameters.`,
        );
      }
      if (!Number.isFinite(r.loss) || !allFinite(r.grad)) {
        const bad = Number.isFinite(r.loss) ? 'gradient' : 'loss';
        throw new OdeonError(
          'TrainingDiverged',
          `Training diverged at step ${step} (stage ${s}): the ${bad} is ${Number.isFinite(r.loss) ? 'not finite' : String(r.loss)}.`,
          {
            step,
            stage: s,
            loss: r.loss,
            params: x.slice(),
            checkpoint: checkpoint(),
            hint: 'The last good state is in error.context.checkpoint; resume from it with a smaller lr, clipNorm, or a stiff solver.',
          },
        );
      }
      for (let i = 0; i < np; i++) g[i] = mask === undefined || mask[i] === 1 ? r.grad[i] : 0;
      const gradNorm = norm2(r.grad);
      if (stage.clipNorm !== undefined) clipByNorm(g, g, stage.clipNorm);
      else if (stage.rescaleNorm !== undefined) rescaleToNorm(g, g, stage.rescaleNorm);
      const lr = learningRate(stage.schedule, stage.lr, k, stage.steps);
      const before = x.slice();
      optimizer.update(x, g, lr);
      if (mask !== undefined) for (let i = 0; i < np; i++) if (mask[i] === 0) x[i] = before[i];
      if (!allFinite(x)) {
        x = before;
        throw new OdeonError(
          'TrainingDiverged',
          `Training diverged at step ${step} (stage ${s}): the parameters became non-finite.`,
          {
            step,
            stage: s,
            params: before,
            hint: 'error.context.params holds the last finite parameters; lower lr or clip the gradient.',
          },
        );
      }
      const record: StepRecord = {
        step,
        stage: s,
        loss: r.loss,
        lr,
        gradNorm,
        ...(r.metrics ? { metrics: { ...r.metrics } } : {}),
      };
      history.push(record);
      if (history.length > 2 * historyLimit) history = history.slice(history.length - historyLimit);
      step++;
      const stageEnd = k === stage.steps - 1;
      let stop = false;
      if ((validateEvery > 0 && step % validateEvery === 0) || stageEnd) stop = await runValidation();
      if (options.onStep?.(record) === false && !stop) {
        reason = 'callback';
        stop = true;
      } else if (stop) reason = 'earlyStopping';
      if (checkpointEvery > 0 && step % checkpointEvery === 0 && options.onCheckpoint) {
        lastCheckpointStep = step;
        await options.onCheckpoint(checkpoint());
      }
      if (options.onProgress) {
        const elapsed = (clock() - startTime) / 1000;
        options.onProgress({
          step,
          totalSteps,
          stage: s,
          stageStep: k + 1,
          stageSteps: stage.steps,
          loss: r.loss,
          lr,
          gradNorm,
          validation: validation.length > 0 ? validation[validation.length - 1].metrics : undefined,
          metrics: r.metrics,
          stepsPerSecond: elapsed > 0 ? (step - startStep) / elapsed : 0,
          elapsedSeconds: elapsed,
        });
      }
      if (stop) break outer;
    }
  }
  const final = checkpoint();
  if (options.onCheckpoint && lastCheckpointStep !== step) {
    await options.onCheckpoint(final);
  }
  const restore = es !== undefined && (es.restoreBest ?? true) && bestParams !== undefined;
  return {
    params: restore && bestParams ? bestParams.slice() : x,
    history: trimmed(history),
    validation,
    reason,
    steps: step,
    checkpoint: final,
    best: es !== undefined && bestStep >= 0 ? { value: best, step: bestStep } : undefined,
  };
}
