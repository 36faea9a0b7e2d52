/** Weight-decay terms on a model's network. */
import { abs, sum, sumSquares, type Tensor } from '@odeon/tensor';
import { networkWeights, sumAll } from './internal/model-parts.ts';
import type { PenaltyFn } from './penalty.ts';

/** L2 of the network: Σ over weight matrices of Σ W_ij² (biases excluded). */
export const l2Weights: PenaltyFn = (tree): Tensor =>
  sumAll(networkWeights(tree, 'l2').map((w) => sumSquares(w)));

/** L1 of the network: Σ over weight matrices of Σ |W_ij| (biases excluded). */
export const l1Weights: PenaltyFn = (tree): Tensor =>
  sumAll(networkWeights(tree, 'l1').map((w) => sum(abs(w))));
