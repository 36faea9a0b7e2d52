// Public API of @odeon/neural: explicit named re-exports only (see README.md).
export {
  ACTIVATIONS,
  type ActivationName,
  activate,
  activateDerivative,
  activateTensor,
  sigmoidScalar,
  softplusScalar,
} from './activations.ts';
export { BatchedMlpCpu } from './batched-mlp-cpu.ts';
export { BatchedMlpWasmF32 } from './batched-mlp-wasm.ts';
export {
  BATCHED_CROSSOVER_WORK,
  type BatchedBackend,
  type BatchedNeuralOdeOptions,
  batchedNeuralOdeProblem,
  chooseBatchedBackend,
} from './batched-neural-ode.ts';
export { MLP, MLP_DEFAULTS, type MlpOptions, type MlpTree } from './mlp.ts';
export { MlpKernel } from './mlp-kernel.ts';
export type { MlpInit, MlpLayerLayout, MlpLayout, MlpSpec } from './mlp-layout.ts';
export type { ModelJson, ModelKind, ModelProblemOptions, OdeModel, ParamTree } from './model.ts';
export {
  type ModelSpec,
  type ModelSpecContext,
  modelFromSpec,
  type NeuralOdeSpec,
  type UniversalOdeSpec,
} from './model-spec.ts';
export {
  type EquationScaling,
  equationScaling,
  type NetworkOptions,
  NeuralODE,
  type NeuralOdeOptions,
  type NeuralOdeTree,
} from './neural-ode.ts';
export {
  type TensorOdeProblem,
  type TensorVectorField,
  type ToOdeProblemOptions,
  toOdeProblem,
} from './ode-problem.ts';
export { type ParamRange, parameterGroups } from './param-groups.ts';
export {
  type RateActivation,
  RateFlowODE,
  type RateFlowOdeOptions,
  type RateFlowTree,
} from './rate-flow-ode.ts';
export { modelFromJson, modelToJson } from './serialize.ts';
export { UniversalODE, type UniversalOdeOptions, type UniversalTree } from './universal-ode.ts';
