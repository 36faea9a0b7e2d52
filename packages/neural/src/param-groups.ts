import type { OdeModel } from './model.ts';
import { UniversalODE } from './universal-ode.ts';

/** A half-open index range [start, end) of a model's flat parameter vector. */
export interface ParamRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The parameter groups of a model (`train`'s `groups`): `network` = the neural parameters (for a
 * universal ODE the gate G, α and the MLP), `parameters` = the trainable mechanistic θ (universal
 * ODE only; empty otherwise).
 */
export function parameterGroups(model: OdeModel): {
  readonly network: readonly ParamRange[];
  readonly parameters: readonly ParamRange[];
} {
  if (model instanceof UniversalODE) {
    return {
      network: [{ start: 0, end: model.offsets.theta }],
      parameters: [{ start: model.offsets.theta, end: model.np }],
    };
  }
  return { network: [{ start: 0, end: model.np }], parameters: [] };
}
