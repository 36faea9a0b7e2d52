/** A named, weighted penalty term: a differentiable scalar function of a model's parameter tree. */

import type { OdeModel, ParamTree } from '@odeon/neural';
import { invalidOption, OdeonError } from '@odeon/ode';
import type { Tensor } from '@odeon/tensor';

/** What state-dependent penalties need: where to evaluate the vector field, and seeds. */
export interface PenaltyContext {
  /**
   * States at which state-dependent penalties (Jacobian norms, kinetic energy, residual size) are
   * evaluated, row-major `m × n` (e.g. the saved trajectory of the current training batch).
   */
  readonly states?: ArrayLike<number>;
  /** Time passed to non-autonomous vector fields. Default 0. */
  readonly t?: number;
  /** Seed of stochastic estimators (Hutchinson probes); change it per step for fresh probes. Default 0. */
  readonly seed?: number;
  /** Flat parameters to evaluate at instead of the model's current `p`. */
  readonly params?: ArrayLike<number>;
}

/**
 * The body of a penalty: a scalar tensor computed from the parameter tree with @odeon/tensor ops (so
 * it is differentiable, to any order). `model` supplies the architecture and fixed data; custom
 * penalties are plain functions of this shape.
 */
export type PenaltyFn = (tree: ParamTree, model: OdeModel, context: PenaltyContext) => Tensor;

/** Options of {@link Penalty}. */
export interface PenaltyOptions {
  /** Unique name within a collection (the key of `byName`). */
  readonly name: string;
  readonly fn: PenaltyFn;
  /** Weight α ≥ 0; 0 turns the penalty off. Default 1. */
  readonly alpha?: number;
}

/** Throws `InvalidOption` unless `alpha` is a finite number ≥ 0. */
export function checkAlpha(option: string, alpha: unknown): number {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0)
    throw invalidOption(option, alpha, 'a finite number ≥ 0 (0 turns the penalty off)');
  return alpha;
}

/** An immutable weighted penalty α · fn(tree, model, context). */
export class Penalty {
  readonly name: string;
  readonly fn: PenaltyFn;
  readonly alpha: number;

  constructor(options: PenaltyOptions) {
    if (typeof options.name !== 'string' || options.name.length === 0)
      throw invalidOption('name', options.name, 'a non-empty string');
    if (typeof options.fn !== 'function')
      throw invalidOption('fn', typeof options.fn, 'a function (tree, model, context) => Tensor');
    this.name = options.name;
    this.fn = options.fn;
    this.alpha = checkAlpha(`alpha of ${options.name}`, options.alpha ?? 1);
  }

  /** Whether the penalty contributes (α > 0). */
  get active(): boolean {
    return this.alpha > 0;
  }

  /** A copy with weight `alpha`. */
  withAlpha(alpha: number): Penalty {
    return new Penalty({ name: this.name, fn: this.fn, alpha });
  }

  /** The unweighted term as a scalar tensor (checked to be a finite one-element tensor). */
  term(tree: ParamTree, model: OdeModel, context: PenaltyContext): Tensor {
    const v = this.fn(tree, model, context);
    if (v === null || typeof v !== 'object' || (v as Tensor).size !== 1)
      throw new OdeonError('ShapeMismatch', `Penalty ${this.name} did not return a one-element tensor.`, {
        element: this.name,
        hint: 'Reduce the penalty with sum() or mean().',
      });
    return v;
  }
}
