/** Penalties on the parts of a UniversalODE: gate weights G and the neural residual. */
import { OdeonError } from '@odeon/ode';
import { abs, div, sum, sumSquares, type Tensor } from '@odeon/tensor';
import { asUniversal, statesTensor } from './internal/model-parts.ts';
import type { PenaltyFn } from './penalty.ts';

function gateMatrix(tree: Parameters<PenaltyFn>[0], model: Parameters<PenaltyFn>[1], name: string): Tensor {
  const m = asUniversal(model, name);
  const G = (tree as { G?: Tensor }).G;
  if (!m.gate || G === undefined)
    throw new OdeonError(
      'InvalidOption',
      `Penalty ${name} needs a gated UniversalODE (built with gate: false).`,
      { element: name, hint: 'Drop the gate penalties or build the model with gate: true.' },
    );
  return G;
}

/** L2 of the gate: Σ G_ij² (pushes the gate σ(G·y) towards the constant ½). */
export const l2Gate: PenaltyFn = (tree, model) => sumSquares(gateMatrix(tree, model, 'l2Gate'));

/** L1 of the gate: Σ |G_ij| (a sparse gate: few species switch the residual). */
export const l1Gate: PenaltyFn = (tree, model) => sum(abs(gateMatrix(tree, model, 'l1Gate')));

function residualAt(
  tree: Parameters<PenaltyFn>[0],
  model: Parameters<PenaltyFn>[1],
  states: ArrayLike<number> | undefined,
  name: string,
) {
  const m = asUniversal(model, name);
  const { Y, m: count } = statesTensor(states, m.n, name, m.y0);
  return { r: m.residualField(tree, Y), count };
}

/**
 * L2 of the residual: (1/m) Σ_k ‖r(y_k)‖² with r = softplus(α)⊙σ(G·y)⊙MLP(y) at `context.states`
 * (default: the mechanistic model's initial state). Keeps the network from explaining what the
 * mechanism can.
 */
export const l2Residual: PenaltyFn = (tree, model, context) => {
  const { r, count } = residualAt(tree, model, context.states, 'l2Residual');
  return div(sumSquares(r), count);
};

/** L1 of the residual: (1/m) Σ_k Σ_i |r_i(y_k)| at `context.states` (default: the initial state). */
export const l1Residual: PenaltyFn = (tree, model, context) => {
  const { r, count } = residualAt(tree, model, context.states, 'l1Residual');
  return div(sum(abs(r)), count);
};
