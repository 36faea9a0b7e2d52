import type { OdeModel, ParamTree, RateFlowODE, UniversalODE } from '@odeon/neural';
import { OdeonError } from '@odeon/ode';
import { add, scalar, type Tensor, tensor } from '@odeon/tensor';

/** Σ of tensors (a scalar 0 for none). */
export function sumAll(xs: readonly Tensor[]): Tensor {
  let acc = xs.length > 0 ? xs[0] : scalar(0);
  for (let i = 1; i < xs.length; i++) acc = add(acc, xs[i]);
  return acc;
}

/** The weight matrices (not biases) of the model's network, from its tree. */
export function networkWeights(tree: ParamTree, penalty: string): Tensor[] {
  const mlp = (tree as { mlp?: readonly { weight?: Tensor }[] }).mlp;
  if (!Array.isArray(mlp))
    throw new OdeonError(
      'InvalidOption',
      `Penalty ${penalty} needs a model with a network (tree key \`mlp\`).`,
      {
        element: penalty,
        hint: 'Use it with NeuralODE, RateFlowODE or UniversalODE, or write a custom penalty.',
      },
    );
  return mlp.map((l) => l.weight as Tensor);
}

export function asRateFlow(model: OdeModel, penalty: string): RateFlowODE {
  if (model.kind !== 'rate-flow-ode')
    throw new OdeonError(
      'InvalidOption',
      `Penalty ${penalty} applies to RateFlowODE models (got ${model.kind}).`,
      {
        element: penalty,
        value: model.kind,
        hint: 'Stoichiometry penalties need a stoichiometry matrix S.',
      },
    );
  return model as RateFlowODE;
}

export function asUniversal(model: OdeModel, penalty: string): UniversalODE {
  if (model.kind !== 'universal-ode')
    throw new OdeonError(
      'InvalidOption',
      `Penalty ${penalty} applies to UniversalODE models (got ${model.kind}).`,
      {
        element: penalty,
        value: model.kind,
      },
    );
  return model as UniversalODE;
}

/** The context states as an `[m, n]` tensor (or `fallback` when none are given). */
export function statesTensor(
  states: ArrayLike<number> | undefined,
  n: number,
  penalty: string,
  fallback?: ArrayLike<number>,
): { readonly Y: Tensor; readonly m: number; readonly values: Float64Array } {
  const src = states ?? fallback;
  if (src === undefined || src.length === 0 || src.length % n !== 0)
    throw new OdeonError(
      'InvalidOption',
      `Penalty ${penalty} needs context.states: m × ${n} numbers (row-major).`,
      {
        option: 'context.states',
        value: src?.length,
        element: penalty,
        hint: 'Pass the states of the current trajectory (e.g. the saved solution) as context.states.',
      },
    );
  const values = Float64Array.from(src);
  const m = values.length / n;
  return { Y: tensor(values, [m, n]), m, values };
}
