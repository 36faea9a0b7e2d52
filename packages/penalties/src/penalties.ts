/** The `Penalties` collection: weighted sum, per-term breakdown, gradients, and presets. */

import type { OdeModel, ParamTree } from '@odeon/neural';
import { OdeonError } from '@odeon/ode';
import { add, flatten, mul, scalar, type Tensor, valueAndGrad } from '@odeon/tensor';
import { checkAlpha, Penalty, type PenaltyContext, type PenaltyOptions } from './penalty.ts';
import {
  bipolarPenalty,
  conservationPenalty,
  densityPenalty,
  duplicateReactionsPenalty,
  fluxPenalty,
  integerPenalty,
  sparsityPenalty,
} from './stoichiometry-penalties.ts';
import { l1Gate, l1Residual, l2Gate, l2Residual } from './universal-penalties.ts';
import { l1Weights, l2Weights } from './weight-penalties.ts';

/** Result of {@link Penalties.evaluate}. */
export interface PenaltyEvaluation {
  /** alpha · Σ α_i · term_i over active penalties. */
  readonly total: number;
  /** Weighted contribution alpha · α_i · term_i of each active penalty (they sum to `total`). */
  readonly byName: Readonly<Record<string, number>>;
  /** Unweighted term_i of each active penalty. */
  readonly terms: Readonly<Record<string, number>>;
}

/** Result of {@link Penalties.valueAndGrad}: the evaluation plus d total / d p (flat parameters). */
export interface PenaltyGradient extends PenaltyEvaluation {
  readonly grad: Float64Array;
}

/** Knobs of {@link Penalties.forNeuralOde}. */
export interface NeuralOdePenaltyOptions {
  readonly l2Alpha?: number;
  readonly l1Alpha?: number;
}

/** Knobs of {@link Penalties.forRateFlow}. */
export interface RateFlowPenaltyOptions {
  /** Global multiplier of the collection. Default 1. */
  readonly alpha?: number;
  readonly densityAlpha?: number;
  readonly bipolarAlpha?: number;
  readonly integerAlpha?: number;
  readonly conservationAlpha?: number;
  readonly duplicateReactionsAlpha?: number;
  readonly sparsityAlpha?: number;
  /** Flux parsimony ({@link fluxPenalty}); needs `context.states` (e.g. the data states). */
  readonly fluxAlpha?: number;
  readonly l2Alpha?: number;
}

/** Knobs of {@link Penalties.forUniversalOde}. */
export interface UniversalOdePenaltyOptions {
  readonly l2GateAlpha?: number;
  readonly l1GateAlpha?: number;
  readonly l2ResidualAlpha?: number;
  readonly l1ResidualAlpha?: number;
  readonly l2MlpAlpha?: number;
  readonly l1MlpAlpha?: number;
}

/** Builds a collection from (name, fn, alpha) triples, dropping zero or missing alphas. */
function preset(
  entries: readonly (readonly [string, PenaltyOptions['fn'], number | undefined])[],
  alpha = 1,
): Penalties {
  const list: Penalty[] = [];
  for (const [name, fn, a] of entries) {
    if (a === undefined) continue;
    if (checkAlpha(`${name}Alpha`, a) > 0) list.push(new Penalty({ name, fn, alpha: a }));
  }
  return new Penalties(list, alpha);
}

/**
 * An immutable collection of weighted penalties: total = alpha · Σ_i α_i · term_i(tree, model, context).
 * `add`, `remove` and `updateAlpha` return new collections. Penalties with α = 0 are skipped (not even
 * evaluated).
 */
export class Penalties {
  readonly penalties: readonly Penalty[];
  /** Global multiplier. */
  readonly alpha: number;

  constructor(penalties: readonly Penalty[] = [], alpha = 1) {
    const seen = new Set<string>();
    for (const p of penalties) {
      if (seen.has(p.name))
        throw new OdeonError('InvalidOption', `Two penalties are named ${p.name}.`, {
          element: p.name,
          hint: 'Names must be unique.',
        });
      seen.add(p.name);
    }
    this.penalties = [...penalties];
    this.alpha = checkAlpha('alpha', alpha);
  }

  /** Names in order. */
  get names(): readonly string[] {
    return this.penalties.map((p) => p.name);
  }

  /** The penalty called `name`, if any. */
  get(name: string): Penalty | undefined {
    return this.penalties.find((p) => p.name === name);
  }

  /** A collection with `penalty` appended (a `Penalty` or its options). */
  add(penalty: Penalty | PenaltyOptions): Penalties {
    const p = penalty instanceof Penalty ? penalty : new Penalty(penalty);
    return new Penalties([...this.penalties, p], this.alpha);
  }

  /** A collection without the penalty `name` (throws `InvalidOption` if absent). */
  remove(name: string): Penalties {
    if (!this.get(name))
      throw new OdeonError('InvalidOption', `No penalty named ${name}.`, {
        option: 'name',
        value: name,
        allowed: this.names.join(', '),
      });
    return new Penalties(
      this.penalties.filter((p) => p.name !== name),
      this.alpha,
    );
  }

  /**
   * A collection with the global multiplier set to `alpha` (unchanged when undefined) and the weights of
   * the named penalties set to `perName[name]` (0 turns one off). Unknown names throw `InvalidOption`.
   */
  updateAlpha(alpha?: number, perName: Readonly<Record<string, number>> = {}): Penalties {
    for (const name of Object.keys(perName))
      if (!this.get(name))
        throw new OdeonError('InvalidOption', `No penalty named ${name}.`, {
          option: 'perName',
          value: name,
          allowed: this.names.join(', '),
        });
    return new Penalties(
      this.penalties.map((p) => (name(p) in perName ? p.withAlpha(perName[p.name]) : p)),
      alpha === undefined ? this.alpha : alpha,
    );
  }

  /** The active penalties (α > 0, and a non-zero global alpha). */
  get active(): readonly Penalty[] {
    return this.alpha > 0 ? this.penalties.filter((p) => p.active) : [];
  }

  /**
   * The weighted total as a differentiable scalar tensor of `tree` (compose it into a larger loss).
   * Also returns each weighted term.
   */
  loss(
    tree: ParamTree,
    model: OdeModel,
    context: PenaltyContext = {},
  ): { total: Tensor; byName: Record<string, Tensor> } {
    const byName: Record<string, Tensor> = {};
    let total: Tensor = scalar(0);
    for (const p of this.active) {
      const w = mul(p.term(tree, model, context), this.alpha * p.alpha);
      byName[p.name] = w;
      total = add(total, w);
    }
    return { total, byName };
  }

  /** Values for monitoring: total, weighted breakdown (sums to total) and unweighted terms. */
  evaluate(model: OdeModel, context: PenaltyContext = {}): PenaltyEvaluation {
    const tree = model.paramTree(context.params ?? model.p);
    return this.summarise(this.loss(tree, model, context).byName);
  }

  /** `evaluate` plus the gradient of the total with respect to the model's flat parameters. */
  valueAndGrad(model: OdeModel, context: PenaltyContext = {}): PenaltyGradient {
    const tree = model.paramTree(context.params ?? model.p);
    let parts: Record<string, Tensor> = {};
    const { grad } = valueAndGrad((tr: ParamTree) => {
      const r = this.loss(tr, model, context);
      parts = r.byName;
      return r.total;
    })(tree);
    const g = flatten(grad);
    return { ...this.summarise(parts), grad: g.length === model.np ? g : new Float64Array(model.np) };
  }

  private summarise(parts: Record<string, Tensor>): PenaltyEvaluation {
    const byName: Record<string, number> = {};
    const terms: Record<string, number> = {};
    let total = 0;
    for (const p of this.active) {
      const v = parts[p.name].item();
      byName[p.name] = v;
      terms[p.name] = v / (this.alpha * p.alpha);
      total += v;
    }
    return { total, byName, terms };
  }

  /**
   * NeuralODE preset: `l2` = Σ W² and `l1` = Σ |W| over the network's weight matrices (biases excluded).
   * A zero or missing alpha leaves a term out.
   */
  static forNeuralOde(options: NeuralOdePenaltyOptions = {}): Penalties {
    return preset([
      ['l2', l2Weights, options.l2Alpha],
      ['l1', l1Weights, options.l1Alpha],
    ]);
  }

  /**
   * RateFlowODE preset (terms on S, species × reactions; see the README for the exact formulas):
   * `density` (few reactions per species), `bipolar` (each reaction consumes and produces), `integer`
   * (stoichiometries near integers), `conservation` (‖M·S‖²), `duplicateReactions` (no two columns of S
   * alike), `sparsity` (Σ|S|), `l2` (network weights). `alpha` multiplies them all.
   */
  static forRateFlow(options: RateFlowPenaltyOptions = {}): Penalties {
    return preset(
      [
        ['density', densityPenalty(), options.densityAlpha],
        ['bipolar', bipolarPenalty(), options.bipolarAlpha],
        ['integer', integerPenalty, options.integerAlpha],
        ['conservation', conservationPenalty, options.conservationAlpha],
        ['duplicateReactions', duplicateReactionsPenalty(), options.duplicateReactionsAlpha],
        ['sparsity', sparsityPenalty, options.sparsityAlpha],
        ['flux', fluxPenalty, options.fluxAlpha],
        ['l2', l2Weights, options.l2Alpha],
      ],
      options.alpha ?? 1,
    );
  }

  /**
   * UniversalODE preset: `l2Gate`/`l1Gate` on G, `l2Residual`/`l1Residual` on the residual
   * softplus(α)⊙σ(G·y)⊙MLP(y) at `context.states` (default: the initial state), `l2Mlp`/`l1Mlp` on the
   * residual network's weights.
   */
  static forUniversalOde(options: UniversalOdePenaltyOptions = {}): Penalties {
    return preset([
      ['l2Gate', l2Gate, options.l2GateAlpha],
      ['l1Gate', l1Gate, options.l1GateAlpha],
      ['l2Residual', l2Residual, options.l2ResidualAlpha],
      ['l1Residual', l1Residual, options.l1ResidualAlpha],
      ['l2Mlp', l2Weights, options.l2MlpAlpha],
      ['l1Mlp', l1Weights, options.l1MlpAlpha],
    ]);
  }
}

function name(p: Penalty): string {
  return p.name;
}
