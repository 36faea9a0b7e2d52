/** The `Penalties` collection: weighted sum, per-term breakdown, gradients, and presets. */

import type { OdeModel, ParamTree } from '@odeon/neural';
import { didYouMean, OdeonError, rejectUnknownKeys } from '@odeon/ode';
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

/**
 * Knobs of {@link Penalties.forNeuralOde} (Catalax `for_neural_ode`): `l2` is on with weight 1e-3
 * unless given, `l1` is off unless given; 0 turns a term off.
 */
export interface NeuralOdePenaltyOptions {
  readonly l2Alpha?: number;
  readonly l1Alpha?: number;
}

/**
 * Knobs of {@link Penalties.forRateFlow} (Catalax `for_rateflow`): `alpha` is the default weight of
 * each term; a term's own alpha overrides it (0 turns it off). `density`, `bipolar`, `integer`,
 * `duplicateReactions`, `sparsity` and `l2` are on by default; `conservation` and `flux` only when given.
 */
export interface RateFlowPenaltyOptions {
  /** The default weight of every default-on term. Default 0.1. */
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

/**
 * Knobs of {@link Penalties.forUniversalOde} (Catalax `for_universal_ode`): the l2 terms (`l2Gate`,
 * `l2Residual`, `l2Mlp`) are on with weight 1e-3 unless given, the l1 terms off unless given; 0 turns a
 * term off.
 */
export interface UniversalOdePenaltyOptions {
  readonly l2GateAlpha?: number;
  readonly l1GateAlpha?: number;
  readonly l2ResidualAlpha?: number;
  readonly l1ResidualAlpha?: number;
  readonly l2MlpAlpha?: number;
  readonly l1MlpAlpha?: number;
}

/**
 * Builds a collection from (name, fn, given alpha, default alpha) entries: a term gets its given
 * alpha, else its default (undefined: off); a weight of 0 leaves it out.
 */
function preset(
  entries: readonly (readonly [string, PenaltyOptions['fn'], number | undefined, number | undefined])[],
): Penalties {
  const list: Penalty[] = [];
  for (const [name, fn, given, fallback] of entries) {
    const a = given ?? fallback;
    if (a === undefined) continue;
    if (checkAlpha(`${name}Alpha`, a) > 0) list.push(new Penalty({ name, fn, alpha: a }));
  }
  return new Penalties(list);
}

/** Catalax's default weight of the terms the neural and universal presets switch on. */
export const PRESET_DEFAULT_ALPHA = 1e-3;
/** Catalax's default `alpha` of the rate-flow preset (the weight of each default-on term). */
export const RATE_FLOW_DEFAULT_ALPHA = 0.1;

/** Rejects unknown preset knobs (a misspelt knob is an error, not a term left at its default). */
function checkKnobs(options: object, allowed: readonly string[], preset: string): void {
  rejectUnknownKeys(options, allowed, `${preset} options`);
}

/**
 * An immutable collection of weighted penalties: total = scale · Σ_i α_i · term_i(tree, model, context).
 * `add`, `remove` and `updateAlpha` return new collections. Penalties with α = 0 are skipped (not even
 * evaluated). `scale` (the constructor's second argument, default 1) multiplies every term; the presets
 * leave it at 1 and put their alphas on the terms, as Catalax does.
 */
export class Penalties {
  readonly penalties: readonly Penalty[];
  /** Multiplier of the whole collection (default 1; the presets and `updateAlpha` leave it as is). */
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
   * A collection whose weights are replaced (Catalax `update_alpha`): a penalty named in `perName` gets
   * `perName[name]`, every other penalty gets `alpha` (unchanged when undefined); 0 turns one off.
   * Unknown names throw `InvalidOption`. The collection's `scale` is unchanged.
   */
  updateAlpha(alpha?: number, perName: Readonly<Record<string, number>> = {}): Penalties {
    for (const key of Object.keys(perName))
      if (!this.get(key))
        throw new OdeonError('InvalidOption', `No penalty named ${key}${didYouMean(key, this.names)}.`, {
          option: 'perName',
          value: key,
          allowed: this.names.join(', '),
        });
    if (alpha !== undefined) checkAlpha('alpha', alpha);
    return new Penalties(
      this.penalties.map((p) =>
        Object.hasOwn(perName, p.name)
          ? p.withAlpha(perName[p.name])
          : alpha !== undefined
            ? p.withAlpha(alpha)
            : p,
      ),
      this.alpha,
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
   * NeuralODE preset: `l2` = Σ W² (on, weight 1e-3 unless given) and `l1` = Σ |W| (off unless given)
   * over the network's weight matrices (biases excluded). A zero alpha leaves a term out.
   */
  static forNeuralOde(options: NeuralOdePenaltyOptions = {}): Penalties {
    checkKnobs(options, ['l2Alpha', 'l1Alpha'], 'forNeuralOde');
    return preset([
      ['l2', l2Weights, options.l2Alpha, PRESET_DEFAULT_ALPHA],
      ['l1', l1Weights, options.l1Alpha, undefined],
    ]);
  }

  /**
   * RateFlowODE preset (terms on S, species × reactions; see the README for the exact formulas):
   * `density` (few reactions per species), `bipolar` (each reaction consumes and produces), `integer`
   * (stoichiometries near integers), `conservation` (‖M·S‖²), `duplicateReactions` (no two columns of S
   * alike), `sparsity` (Σ|S|), `l2` (network weights), `flux` (needs states). `alpha` (default 0.1) is
   * the weight of every term that is on by default and not given its own; `conservation` and `flux`
   * are on only when given. `forRateFlow({ alpha: 0.1, densityAlpha: 0.05 })` weighs density 0.05 and
   * bipolar, integer, duplicateReactions, sparsity and l2 0.1 (Catalax `for_rateflow`).
   */
  static forRateFlow(options: RateFlowPenaltyOptions = {}): Penalties {
    checkKnobs(
      options,
      [
        'alpha',
        'densityAlpha',
        'bipolarAlpha',
        'integerAlpha',
        'conservationAlpha',
        'duplicateReactionsAlpha',
        'sparsityAlpha',
        'fluxAlpha',
        'l2Alpha',
      ],
      'forRateFlow',
    );
    const a = checkAlpha('alpha', options.alpha ?? RATE_FLOW_DEFAULT_ALPHA);
    return preset([
      ['density', densityPenalty(), options.densityAlpha, a],
      ['bipolar', bipolarPenalty(), options.bipolarAlpha, a],
      ['integer', integerPenalty, options.integerAlpha, a],
      ['conservation', conservationPenalty, options.conservationAlpha, undefined],
      ['duplicateReactions', duplicateReactionsPenalty(), options.duplicateReactionsAlpha, a],
      ['sparsity', sparsityPenalty, options.sparsityAlpha, a],
      ['flux', fluxPenalty, options.fluxAlpha, undefined],
      ['l2', l2Weights, options.l2Alpha, a],
    ]);
  }

  /**
   * UniversalODE preset: `l2Gate`/`l1Gate` on G, `l2Residual`/`l1Residual` on the residual
   * softplus(α)⊙σ(G·y)⊙MLP(y) at `context.states` (default: the initial state), `l2Mlp`/`l1Mlp` on the
   * residual network's weights. The l2 terms are on with weight 1e-3 unless given, the l1 terms off
   * unless given (Catalax `for_universal_ode`).
   */
  static forUniversalOde(options: UniversalOdePenaltyOptions = {}): Penalties {
    checkKnobs(
      options,
      ['l2GateAlpha', 'l1GateAlpha', 'l2ResidualAlpha', 'l1ResidualAlpha', 'l2MlpAlpha', 'l1MlpAlpha'],
      'forUniversalOde',
    );
    return preset([
      ['l2Gate', l2Gate, options.l2GateAlpha, PRESET_DEFAULT_ALPHA],
      ['l1Gate', l1Gate, options.l1GateAlpha, undefined],
      ['l2Residual', l2Residual, options.l2ResidualAlpha, PRESET_DEFAULT_ALPHA],
      ['l1Residual', l1Residual, options.l1ResidualAlpha, undefined],
      ['l2Mlp', l2Weights, options.l2MlpAlpha, PRESET_DEFAULT_ALPHA],
      ['l1Mlp', l1Weights, options.l1MlpAlpha, undefined],
    ]);
  }
}
