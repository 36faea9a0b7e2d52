/**
 * Penalties on the stoichiometry matrix S (species × reactions) of a RateFlowODE. Each term is exactly
 * as documented, differentiable, and has a non-zero gradient wherever its value is non-zero (except on
 * the measure-zero sets noted).
 */

import type { RateFlowODE } from '@odeon/neural';
import { invalidOption } from '@odeon/ode';
import {
  abs,
  add,
  div,
  exp,
  logsumexp,
  matmul,
  maximum,
  mean,
  mul,
  neg,
  slice,
  square,
  sub,
  sum,
  sumSquares,
  type Tensor,
  tensor,
} from '@odeon/tensor';
import { asRateFlow, statesTensor, sumAll } from './internal/model-parts.ts';
import type { PenaltyFn } from './penalty.ts';

function stoich(
  tree: Parameters<PenaltyFn>[0],
  model: Parameters<PenaltyFn>[1],
  name: string,
): { S: Tensor; m: RateFlowODE } {
  const m = asRateFlow(model, name);
  return { S: m.stoichiometryTensor(tree), m };
}

function positive(option: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw invalidOption(option, v, 'a positive number');
  return v;
}

/** Options of {@link densityPenalty}. */
export interface DensityOptions {
  /** Softness ε of the soft count |s|/(|s| + ε). Default 0.1. */
  readonly epsilon?: number;
}

/**
 * Density ("few reactions per species"): with the soft count c(s) = |s| / (|s| + ε) of a non-zero
 * entry, each species' number of reactions is k_i = Σ_j c(S_ij), and
 *
 *   density(S) = (1/n) Σ_i k_i².
 *
 * Squaring charges species taking part in many reactions more than spreading them. c′(s) =
 * sign(s)·ε/(|s|+ε)² ≠ 0 for every s ≠ 0, so the gradient is non-zero wherever the value is (unlike a
 * hard count of non-zeros, whose gradient is identically zero).
 */
export function densityPenalty(options: DensityOptions = {}): PenaltyFn {
  const eps = positive('epsilon', options.epsilon ?? 0.1);
  return (tree, model) => {
    const { S } = stoich(tree, model, 'density');
    const a = abs(S);
    const counts = sum(div(a, add(a, eps)), 1);
    return mean(square(counts));
  };
}

/** Options of {@link bipolarPenalty}. */
export interface BipolarOptions {
  /** Required consumption and production δ (in stoichiometric units). Default 1. */
  readonly margin?: number;
  /** Temperature τ of the soft minimum/maximum. Default 0.1. */
  readonly temperature?: number;
}

/**
 * Bipolar ("each reaction consumes and produces"): for column j, the soft minimum
 * m_j = −τ log Σ_i exp(−S_ij/τ) ≤ min_i S_ij and soft maximum M_j = τ log Σ_i exp(S_ij/τ) ≥ max_i S_ij, and
 *
 *   bipolar(S) = Σ_j [ max(0, δ + m_j)² + max(0, δ − M_j)² ],
 *
 * zero when every reaction has a coefficient ≤ −δ (a reactant) and one ≥ δ (a product). Softmax weights
 * are positive, so a violated column always has a non-zero gradient (a hard min/max or relu of single
 * entries would be flat for an all-positive column).
 */
export function bipolarPenalty(options: BipolarOptions = {}): PenaltyFn {
  const delta = positive('margin', options.margin ?? 1);
  const tau = positive('temperature', options.temperature ?? 0.1);
  return (tree, model) => {
    const { S } = stoich(tree, model, 'bipolar');
    const softMin = mul(logsumexp(div(S, -tau), 0), -tau);
    const softMax = mul(logsumexp(div(S, tau), 0), tau);
    const lack = add(square(maximum(add(softMin, delta), 0)), square(maximum(sub(delta, softMax), 0)));
    return sum(lack);
  };
}

/**
 * Integer ("stoichiometries near integers"): integer(S) = Σ_ij (S_ij − round(S_ij))². The gradient
 * 2(S_ij − round(S_ij)) is non-zero wherever the value is (round is piecewise constant; at exact
 * half-integers either one-sided value is a valid subgradient).
 */
export const integerPenalty: PenaltyFn = (tree, model) => {
  const { S } = stoich(tree, model, 'integer');
  const rounded = tensor(S.toFloat64().map(Math.round), S.shape);
  return sumSquares(sub(S, rounded));
};

/**
 * Conservation ("M·S ≈ 0"): conservation(S) = ‖M S‖_F² with the model's mass-conservation matrix M
 * (constraints × species): every reaction must conserve each conserved quantity.
 */
export const conservationPenalty: PenaltyFn = (tree, model) => {
  const { S, m } = stoich(tree, model, 'conservation');
  if (m.conservation === null)
    throw invalidOption('conservation', null, 'a RateFlowODE built with a `conservation` matrix M');
  const M = tensor(m.conservation, [m.conservationRows, m.n]);
  return sumSquares(matmul(M, S));
};

/** Options of {@link duplicateReactionsPenalty}. */
export interface DuplicateOptions {
  /** Length scale w of the similarity kernel. Default 0.5. */
  readonly width?: number;
}

/**
 * Duplicate reactions ("no two columns of S alike"): with columns s_j = S[:, j] (reactions, not
 * species rows),
 *
 *   duplicates(S) = Σ_{j<k} exp(−‖s_j − s_k‖² / w²),
 *
 * 1 for identical reactions and ≈ 0 for distinct ones. The gradient −(2/w²)·e·(s_j − s_k) is non-zero
 * for every pair of distinct columns (at exactly identical columns the similarity is at its maximum).
 */
export function duplicateReactionsPenalty(options: DuplicateOptions = {}): PenaltyFn {
  const w = positive('width', options.width ?? 0.5);
  return (tree, model) => {
    const { S, m } = stoich(tree, model, 'duplicateReactions');
    const n = m.n;
    const R = m.reactions;
    const cols: Tensor[] = [];
    for (let j = 0; j < R; j++) cols.push(slice(S, [0, j], [n, 1]));
    const terms: Tensor[] = [];
    for (let j = 0; j < R; j++)
      for (let k = j + 1; k < R; k++) terms.push(exp(neg(div(sumSquares(sub(cols[j], cols[k])), w * w))));
    return sumAll(terms);
  };
}

/** Sparsity: elementwise L1, sparsity(S) = Σ_ij |S_ij|. */
export const sparsityPenalty: PenaltyFn = (tree, model) => {
  const { S } = stoich(tree, model, 'sparsity');
  return sum(abs(S));
};

/**
 * Flux parsimony ("no futile cycles"): the mean total flux through the network at the states in
 * `context.states` (m × species, e.g. the data), each reaction's rate weighted by the size of its
 * column,
 *
 *   flux(S, r) = (1/m) Σ_k Σ_j r_j(y_k) · ‖s_j‖₁.
 *
 * r_j‖s_j‖₁ is invariant to scaling a column and dividing its rate by the same factor. Since
 * ‖dy/dt‖₁ ≤ Σ_j r_j‖s_j‖₁ (r ≥ 0, equality without cancellation), it penalises a reaction and its
 * reverse running at once and columns that leak into unrelated species (as parsimonious FBA does).
 * Gradients: r_j·sign(S_ij) for S, ‖s_j‖₁·∂r_j/∂θ for the rate network.
 */
export const fluxPenalty: PenaltyFn = (tree, model, context) => {
  const { S, m } = stoich(tree, model, 'flux');
  const { Y, m: count } = statesTensor(context.states, m.n, 'flux');
  const R = m.rates(tree, Y);
  const columnSizes = sum(abs(S), 0);
  return div(sum(mul(R, columnSizes)), count);
};
