import { Rng } from '@odeon/core';
import { invalidOption, OdeonError } from '@odeon/ode';
import type { Checkpoint, StepRecord, ValidationRecord } from './checkpoint.ts';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.ts';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.ts';
import { isSolverFailure } from './internal/solver-failures.ts';
import type { LossSpec } from './losses.ts';
import { clipByNorm, norm2, rescaleToNorm } from './optimizers/clip.ts';
import { createOptimizer, type Optimizer, type OptimizerState } from './optimizers/optimizer.ts';
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

/** Validated settings of a run. */
interface TrainSettings {
  readonly seed: number;
  readonly datasetSize: number;
  readonly validateEvery: number;
  readonly checkpointEvery: number;
  readonly historyLimit: number;
  readonly clock: () => number;
  readonly earlyStopping: EarlyStopping;
}

function trainSettings(strategy: Strategy<unknown>, options: TrainOptions): TrainSettings {
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw invalidOption('seed', seed, 'a non-negative safe integer');
  const datasetSize = options.datasetSize ?? 1;
  if (!Number.isInteger(datasetSize) || datasetSize < 1) {
    throw invalidOption('datasetSize', datasetSize, 'an integer ≥ 1 (number of measurements)');
  }
  if (strategy.steps.length === 0) {
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
  const earlyStopping = new EarlyStopping(options.earlyStopping, options.validate !== undefined);
  const historyLimit = options.historyLimit ?? Number.POSITIVE_INFINITY;
  if (!(historyLimit >= 1) || (Number.isFinite(historyLimit) && !Number.isInteger(historyLimit))) {
    throw invalidOption('historyLimit', historyLimit, 'an integer ≥ 1');
  }
  const clock = options.clock ?? defaultClock;
  return { seed, datasetSize, validateEvery, checkpointEvery, historyLimit, clock, earlyStopping };
}

const DIVERGED_HINT =
  'The last good state is in error.context.checkpoint; resume from it with a smaller lr, clipNorm, or a stiff solver.';

/** The objective at a copy of `x`, checked: solver failures and non-finite values become `TrainingDiverged`. */
async function evaluateObjective<P>(
  objective: Objective<P>,
  x: Float64Array,
  batch: Batch<P>,
  checkpoint: () => Checkpoint,
): Promise<ObjectiveResult> {
  const { step, stageIndex: stage } = batch;
  let r: ObjectiveResult;
  try {
    r = await objective(x.slice(), batch);
  } catch (e) {
    if (isSolverFailure(e)) {
      throw new OdeonError(
        'TrainingDiverged',
        `Training diverged at step ${step} (stage ${stage}): the model could not be integrated (${e.code}: ${e.message})`,
        { step, stage, params: x.slice(), checkpoint: checkpoint(), cause: e, hint: DIVERGED_HINT },
      );
    }
    throw e;
  }
  if (r.grad?.length !== x.length) {
    throw new OdeonError(
      'ShapeMismatch',
      `The objective returned a gradient of length ${r.grad?.length} for ${x.length} parameters.`,
    );
  }
  if (!Number.isFinite(r.loss) || !allFinite(r.grad)) {
    const bad = Number.isFinite(r.loss) ? 'gradient' : 'loss';
    throw new OdeonError(
      'TrainingDiverged',
      `Training diverged at step ${step} (stage ${stage}): the ${bad} is ${Number.isFinite(r.loss) ? 'not finite' : String(r.loss)}.`,
      { step, stage, loss: r.loss, params: x.slice(), checkpoint: checkpoint(), hint: DIVERGED_HINT },
    );
  }
  return r;
}

/**
 * One optimiser step on `x` (in place): freezes parameters outside `mask`, clips or rescales the
 * gradient (`g` is scratch), steps at the scheduled learning rate. Returns the rate and the gradient
 * norm before clipping.
 */
function optimizerStep(
  x: Float64Array,
  g: Float64Array,
  grad: ArrayLike<number>,
  mask: Uint8Array | undefined,
  optimizer: Optimizer,
  at: Batch<unknown>,
): { lr: number; gradNorm: number } {
  const stage = at.stage;
  const np = x.length;
  for (let i = 0; i < np; i++) g[i] = mask === undefined || mask[i] === 1 ? grad[i] : 0;
  const gradNorm = norm2(grad);
  if (stage.clipNorm !== undefined) clipByNorm(g, g, stage.clipNorm);
  else if (stage.rescaleNorm !== undefined) rescaleToNorm(g, g, stage.rescaleNorm);
  const lr = learningRate(stage.schedule, stage.lr, at.stageStep, stage.steps);
  const before = x.slice();
  optimizer.update(x, g, lr);
  if (mask !== undefined) for (let i = 0; i < np; i++) if (mask[i] === 0) x[i] = before[i];
  if (!allFinite(x)) {
    throw new OdeonError(
      'TrainingDiverged',
      `Training diverged at step ${at.step} (stage ${at.stageIndex}): the parameters became non-finite.`,
      {
        step: at.step,
        stage: at.stageIndex,
        params: before,
        hint: 'error.context.params holds the last finite parameters; lower lr or clip the gradient.',
      },
    );
  }
  return { lr, gradNorm };
}

/** The state a run starts from: `params`, or the state of the checkpoint it resumes. */
function initialState(
  params: ArrayLike<number>,
  resume: Checkpoint | undefined,
  cfg: TrainSettings,
  description: unknown,
): {
  x: Float64Array;
  step: number;
  history: StepRecord[];
  validation: ValidationRecord[];
  optimizer: { stage: number; state: OptimizerState } | undefined;
} {
  const x = Float64Array.from(params);
  if (resume === undefined) return { x, step: 0, history: [], validation: [], optimizer: undefined };
  const saved = decodeCheckpoint(resume, { seed: cfg.seed, strategy: description, np: x.length });
  cfg.earlyStopping.restore(saved.earlyStopping);
  return {
    x: saved.params,
    step: saved.step,
    history: saved.history.slice(),
    validation: saved.validation.slice(),
    optimizer: { stage: saved.stage, state: saved.optimizer },
  };
}

/** The batch of global step `step` (step `k` of stage `s`). */
function batchAt<P>(
  seed: number,
  step: number,
  datasetSize: number,
  stage: StrategyStep<P>,
  s: number,
  k: number,
): Batch<P> {
  return {
    indices: selectBatch(seed, step, datasetSize, stage.batchSize),
    length: stage.length,
    dropout: stage.dropout,
    stage,
    stageIndex: s,
    stageStep: k,
    step,
    rng: Rng.derive(seed, 2, step),
  };
}

/** Lets a signal handler (Ctrl-C) run (it can only set `aborted` from a macrotask), then reads the signal. */
async function aborted(signal: { readonly aborted: boolean }): Promise<boolean> {
  await new Promise<void>((done) => nextMacrotask(done));
  return signal.aborted;
}

/** The progress report after the step of `batch` (its record `record`). */
function progressOf(
  batch: Batch<unknown>,
  totalSteps: number,
  record: StepRecord,
  r: ObjectiveResult,
  validation: readonly ValidationRecord[],
  stepsPerSecond: number,
  elapsedSeconds: number,
): Progress {
  return {
    step: record.step + 1,
    totalSteps,
    stage: batch.stageIndex,
    stageStep: batch.stageStep + 1,
    stageSteps: batch.stage.steps,
    loss: r.loss,
    lr: record.lr,
    gradNorm: record.gradNorm,
    validation: validation.length > 0 ? validation[validation.length - 1].metrics : undefined,
    metrics: r.metrics,
    stepsPerSecond,
    elapsedSeconds,
  };
}

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
  const cfg = trainSettings(strategy, options);
  const { seed, historyLimit, earlyStopping: es } = cfg;
  const stages = strategy.steps;
  const trimmed = (h: StepRecord[]) => (h.length > historyLimit ? h.slice(h.length - historyLimit) : h);
  const description = strategy.describe();
  const start = initialState(params, options.resume, cfg, description);
  const x = start.x;
  const np = x.length;
  let history = start.history;
  const validation = start.validation;
  let step = start.step;
  const resumeOptimizer = start.optimizer;

  let optimizer: Optimizer | undefined;
  let currentStage = 0;
  const checkpoint = (): Checkpoint =>
    encodeCheckpoint({
      seed,
      step,
      stage: currentStage,
      params: x,
      optimizer: (optimizer ?? createOptimizer(stages[currentStage].optimizer, np)).state(),
      strategy: description,
      history: trimmed(history),
      validation,
      earlyStopping: es.state(),
    });
  const runValidation = async (): Promise<boolean> => {
    if (options.validate === undefined) return false;
    const metrics = { ...(await options.validate(x.slice())) };
    validation.push({ step, metrics });
    return es.update(metrics, step, x);
  };

  const startTime = cfg.clock();
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
      if (options.signal !== undefined && (await aborted(options.signal))) {
        reason = 'aborted';
        break outer;
      }
      const batch = batchAt(seed, step, cfg.datasetSize, stage, s, k);
      const r = await evaluateObjective(objective, x, batch, checkpoint);
      const { lr, gradNorm } = optimizerStep(x, g, r.grad, mask, optimizer, batch);
      const record: StepRecord = {
        ...{ step, stage: s, loss: r.loss, lr, gradNorm },
        ...(r.metrics ? { metrics: { ...r.metrics } } : {}),
      };
      history.push(record);
      if (history.length > 2 * historyLimit) history = history.slice(history.length - historyLimit);
      step++;
      const stageEnd = k === stage.steps - 1;
      let stop = false;
      if ((cfg.validateEvery > 0 && step % cfg.validateEvery === 0) || stageEnd) stop = await runValidation();
      if (options.onStep?.(record) === false && !stop) {
        reason = 'callback';
        stop = true;
      } else if (stop) reason = 'earlyStopping';
      if (cfg.checkpointEvery > 0 && step % cfg.checkpointEvery === 0 && options.onCheckpoint) {
        lastCheckpointStep = step;
        await options.onCheckpoint(checkpoint());
      }
      if (options.onProgress) {
        const elapsed = (cfg.clock() - startTime) / 1000;
        const rate = elapsed > 0 ? (step - startStep) / elapsed : 0;
        options.onProgress(progressOf(batch, strategy.totalSteps, record, r, validation, rate, elapsed));
      }
      if (stop) break outer;
    }
  }
  const final = checkpoint();
  if (options.onCheckpoint && lastCheckpointStep !== step) await options.onCheckpoint(final);
  return {
    params: es.result(x),
    history: trimmed(history),
    validation,
    reason,
    steps: step,
    checkpoint: final,
    best: es.bestResult(),
  };
}
