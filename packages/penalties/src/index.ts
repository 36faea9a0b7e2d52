// Public API of @odeon/penalties: explicit named re-exports only (see README.md).
export {
  type FrobeniusOptions,
  jacobianCondition,
  jacobianFrobenius,
  jacobianSpectral,
  kineticEnergy,
  penaltyField,
  type SpectralOptions,
} from './jacobian-penalties.ts';
export {
  type NeuralOdePenaltyOptions,
  Penalties,
  type PenaltyEvaluation,
  type PenaltyGradient,
  PRESET_DEFAULT_ALPHA,
  RATE_FLOW_DEFAULT_ALPHA,
  type RateFlowPenaltyOptions,
  type UniversalOdePenaltyOptions,
} from './penalties.ts';
export { checkAlpha, Penalty, type PenaltyContext, type PenaltyFn, type PenaltyOptions } from './penalty.ts';
export {
  type BipolarOptions,
  bipolarPenalty,
  conservationPenalty,
  type DensityOptions,
  type DuplicateOptions,
  densityPenalty,
  duplicateReactionsPenalty,
  fluxPenalty,
  integerPenalty,
  sparsityPenalty,
} from './stoichiometry-penalties.ts';
export { l1Gate, l1Residual, l2Gate, l2Residual } from './universal-penalties.ts';
export { l1Weights, l2Weights } from './weight-penalties.ts';
