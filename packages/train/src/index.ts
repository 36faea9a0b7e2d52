// Public API of @odeon/train: explicit named re-exports only (see README.md).

export { Rng, type RngState } from '@odeon/core';
export { addNoise, type NoiseOptions } from './augment.ts';
export type { Checkpoint, StepRecord, ValidationRecord } from './checkpoint.ts';
export { type ParseCsvOptions, parseCsv, toCsv } from './csv.ts';
export {
  Dataset,
  type DatasetJson,
  type Measurement,
  type MeasurementInput,
  truncatedLength,
} from './dataset.ts';
export type { EarlyStoppingOptions } from './early-stopping.ts';
export type { TrainErrorCode } from './errors.ts';
export {
  type FitObjective,
  type FitOptions,
  type FitParameter,
  type FitResult,
  type FitStart,
  type FitUncertainty,
  fit,
  fitObjective,
  fitStartTheta,
  fitUncertainty,
} from './fit.ts';
export {
  type BatchLossResult,
  batchLoss,
  createLoss,
  type Loss,
  type LossName,
  type LossSpec,
  type LossTerm,
  logcosh,
  mae,
  mse,
  scaledMae,
  scaledMse,
  type TemporalDropout,
  temporalDropoutMask,
} from './losses.ts';
export type { GradientEngine } from './measurement-loss.ts';
export { type OdeObjectiveOptions, odeObjective, type PenaltyResult } from './ode-objective.ts';
export { clipByNorm, norm2, rescaleToNorm } from './optimizers/clip.ts';
export {
  LBFGS_CONVERGED,
  Lbfgs,
  type LbfgsOptions,
  type LbfgsReason,
  type LbfgsResult,
  type LbfgsState,
  minimizeLbfgs,
} from './optimizers/lbfgs.ts';
export type { ValueAndGrad } from './optimizers/line-search.ts';
export {
  type AdaBeliefSpec,
  type AdamSpec,
  type AdamWSpec,
  createOptimizer,
  type Optimizer,
  type OptimizerKind,
  type OptimizerSpec,
  type OptimizerState,
  resolveOptimizerSpec,
  type SgdSpec,
} from './optimizers/optimizer.ts';
export { learningRate, type Schedule, validateSchedule } from './optimizers/schedules.ts';
export { type SplitOptions, splitDataset } from './split.ts';
export {
  Strategy,
  type StrategyStep,
  type StrategyStepOptions,
  type TrainTarget,
} from './strategy.ts';
export {
  type Batch,
  fullBatch,
  type Objective,
  type ObjectiveResult,
  type ParamRange,
  type Progress,
  type StopReason,
  selectBatch,
  type TrainOptions,
  type TrainResult,
  train,
} from './train.ts';
export { createTransform, type ParamTransform, type TransformKind } from './transforms.ts';
