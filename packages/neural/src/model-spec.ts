import { OdeonError } from '@odeon/ode';
import type { Model } from '@odeon/sbml';
import type { ActivationName } from './activations.ts';
import { type EquationScaling, type NetworkOptions, NeuralODE } from './neural-ode.ts';
import { UniversalODE } from './universal-ode.ts';

/** A NeuralODE by its architecture. */
export interface NeuralOdeSpec {
  readonly kind: 'neural-ode';
  readonly width?: number;
  readonly depth?: number;
  readonly activation?: ActivationName;
  readonly timeInput?: boolean;
  /** Kim et al. equation scaling from the data (see `ModelSpecContext.scaling`). */
  readonly scaling?: boolean;
  readonly seed?: number;
}

/** A mechanistic model plus a gated neural residual ({@link UniversalODE}). */
export interface UniversalOdeSpec {
  readonly kind: 'universal-ode';
  /** The mechanistic part: a name that `ModelSpecContext.readMechanism` turns into SBML or Odeon JSON text. */
  readonly mechanism: string;
  /** Mechanistic parameters trained together with the residual network (default none). */
  readonly trainable?: readonly string[];
  readonly width?: number;
  readonly depth?: number;
  readonly activation?: ActivationName;
  /** Gate the residual with softplus(α) ⊙ σ(G·y) (default true). */
  readonly gate?: boolean;
  readonly alphaInit?: number;
  readonly seed?: number;
}

/** A model to build, as a training configuration describes it. */
export type ModelSpec = NeuralOdeSpec | UniversalOdeSpec;

/** What {@link modelFromSpec} needs besides the spec. */
export interface ModelSpecContext {
  /** The data's species columns: the model's states, in this order. */
  readonly species: readonly string[];
  /** The equation scaling of the data, for `scaling: true` (see `equationScaling`). */
  readonly scaling?: () => EquationScaling;
  /** A universal ODE's mechanism: its text (SBML or Odeon JSON) or the parsed model. */
  readonly readMechanism?: (name: string) => string | Model;
  /** How messages name the spec (default `model`): options appear as `<at>.kind`, `<at>.mechanism`. */
  readonly at?: string;
}

function specError(message: string, option: string): OdeonError {
  return new OdeonError('InvalidOption', message, { option, hint: 'Fix the model description.' });
}

function networkOf(spec: NeuralOdeSpec | UniversalOdeSpec): NetworkOptions {
  return {
    ...(spec.width !== undefined ? { width: spec.width } : {}),
    ...(spec.depth !== undefined ? { depth: spec.depth } : {}),
    ...(spec.activation !== undefined ? { activation: spec.activation } : {}),
    ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
  };
}

/**
 * Builds a NeuralODE or UniversalODE from its description (the `model` of a training configuration)
 * for data with the given species.
 * @throws OdeonError `InvalidOption` for a bad spec or species that are not the mechanism's states in
 *   order; `UnsupportedSbmlFeature` for a mechanism with events or piecewise switches, which a
 *   universal ODE does not carry into training.
 */
export function modelFromSpec(spec: ModelSpec, context: ModelSpecContext): NeuralODE | UniversalODE {
  const at = context.at ?? 'model';
  const s = spec as unknown as Partial<Record<string, unknown>> | null;
  if (s === null || typeof s !== 'object') throw specError(`\`${at}\` is required.`, at);
  if (s.kind === 'universal-ode') return universalFromSpec(spec as UniversalOdeSpec, context, at);
  if (s.kind !== 'neural-ode')
    throw specError(`\`${at}.kind\` must be "neural-ode" or "universal-ode".`, `${at}.kind`);
  const c = spec as NeuralOdeSpec;
  return new NeuralODE({
    n: context.species.length,
    network: networkOf(c),
    ...(c.timeInput !== undefined ? { timeInput: c.timeInput } : {}),
    ...(c.scaling === true && context.scaling !== undefined ? { scaling: context.scaling() } : {}),
  });
}

function universalFromSpec(c: UniversalOdeSpec, context: ModelSpecContext, at: string): UniversalODE {
  if (typeof c.mechanism !== 'string')
    throw specError(
      `\`${at}.mechanism\` must be the path of an SBML or Odeon JSON model.`,
      `${at}.mechanism`,
    );
  if (
    c.trainable !== undefined &&
    !(Array.isArray(c.trainable) && c.trainable.every((x) => typeof x === 'string'))
  )
    throw specError(`\`${at}.trainable\` must be a list of parameter ids.`, `${at}.trainable`);
  if (context.readMechanism === undefined)
    throw specError(`\`${at}.mechanism\` needs a reader (context.readMechanism).`, `${at}.mechanism`);
  const model = new UniversalODE({
    model: context.readMechanism(c.mechanism),
    ...(c.trainable !== undefined ? { trainable: c.trainable } : {}),
    network: networkOf(c),
    ...(c.gate !== undefined ? { gate: c.gate } : {}),
    ...(c.alphaInit !== undefined ? { alphaInit: c.alphaInit } : {}),
  });
  // the universal ODE's problem has no events yet: training through them would be silently wrong
  const cm = model.compiled;
  if (cm.events.length > 0 || cm.discontinuities.length > 0) {
    throw new OdeonError(
      'UnsupportedSbmlFeature',
      `The mechanism has ${cm.events.length} event(s)${cm.events.length > 0 ? ` (${cm.events.map((e) => e.id).join(', ')})` : ''} and ${cm.discontinuities.length} piecewise switch(es), which a universal ODE does not carry into training yet.`,
      {
        feature: cm.events.length > 0 ? 'event' : 'piecewise',
        element: cm.events[0]?.id ?? c.mechanism,
        hint: 'Fit the mechanism alone with `odeon fit` (events are differentiated there), or remove the events.',
      },
    );
  }
  const ids = model.stateIds;
  const species = context.species;
  if (ids.length !== species.length || ids.some((id, j) => id !== species[j])) {
    throw specError(
      `the data's species columns (${species.join(', ')}) must be the states of \`${at}.mechanism\` in order (${ids.join(', ')}).`,
      `${at}.mechanism`,
    );
  }
  return model;
}
