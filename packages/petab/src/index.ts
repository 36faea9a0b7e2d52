// Public API of @odeon/petab: explicit named re-exports only (see README.md).
export { type AugmentedModels, augmentModels, type ConditionTarget } from './augment.ts';
export { type PetabLocation, petabFormatError, unsupportedPetab } from './errors.ts';
export { fisherInformation } from './fisher.ts';
export { type ObjectiveGradient, objectiveGradient, type PetabSensitivity } from './gradient.ts';
export {
  type MultistartOptions,
  type MultistartResult,
  multistart,
  rankStarts,
  type StartResult,
} from './multistart.ts';
export { newPointTerm, type PointTerm, pointTerm } from './noise.ts';
export { type Evaluation, evaluate, priorTerm } from './objective.ts';
export {
  LOCAL_OPTIMIZE_DEFAULTS,
  type LocalOptimizeOptions,
  type LocalResult,
  localOptimize,
} from './optimize.ts';
export {
  COMPILE_PROBLEM_DEFAULTS,
  type CompileProblemOptions,
  compileProblem,
  type DeclaredRecipe,
  type Experiment,
  type ExperimentTrajectory,
  type InitialState,
  PetabModel,
  type ResolvedMeasurement,
  type ValueSource,
} from './petab-model.ts';
export { priorNegLog } from './priors.ts';
export { loadProblem, type PetabProblem, type ReadFile, readProblem } from './problem.ts';
export { PROFILE_THRESHOLDS, type Profile, type ProfileOptions, profile } from './profile.ts';
export { fromScale, fromScaleDerivative, toScale } from './scale.ts';
export { formatSimulationTable } from './simulation-table.ts';
export {
  STEADY_STATE_DEFAULTS,
  type SteadyState,
  type SteadyStateOptions,
  steadyState,
} from './steady-state.ts';
export type {
  NoiseDistribution,
  ObservableTransformation,
  ParameterScale,
  PetabCondition,
  PetabMeasurement,
  PetabObservable,
  PetabParameter,
  PetabValue,
  Prior,
  PriorType,
  PriorTypeV2,
} from './tables.ts';
export { parseTsv, type TsvTable } from './tsv.ts';
