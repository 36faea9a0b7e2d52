/** The resolved architecture and flat parameter layout of an MLP, shared by `MLP` and `MlpKernel`. */
import type { ActivationName } from './activations.ts';

/** Weight initialisation: Glorot/Xavier uniform (tanh, sigmoid, gelu) or He/Kaiming normal (relu family). */
export type MlpInit = 'glorot' | 'he';

/** The resolved architecture of an MLP (what its JSON form stores). */
export interface MlpSpec {
  readonly inputs: number;
  readonly outputs: number;
  readonly width: number;
  readonly depth: number;
  readonly activation: ActivationName;
  readonly finalActivation: ActivationName;
  readonly useFinalBias: boolean;
  readonly init: MlpInit;
  readonly seed: number;
}

/** Position of one affine layer inside the MLP's flat parameter block. */
export interface MlpLayerLayout {
  readonly inputs: number;
  readonly outputs: number;
  /** Offset of the bias (length `outputs`), or -1 without bias. */
  readonly biasOffset: number;
  /** Offset of the row-major weight matrix (`outputs × inputs`). */
  readonly weightOffset: number;
}

/** What an evaluator needs to know of an MLP: its architecture, layer sizes and parameter layout. */
export interface MlpLayout {
  readonly spec: MlpSpec;
  /** Layer sizes [inputs, width × depth, outputs]. */
  readonly sizes: readonly number[];
  readonly layers: readonly MlpLayerLayout[];
}
