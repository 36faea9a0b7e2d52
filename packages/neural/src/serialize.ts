/** JSON save/load of any @odeon/neural model, bit-exact in the parameters. */
import { OdeonError } from '@odeon/ode';
import type { ModelJson, OdeModel } from './model.ts';
import { NeuralODE } from './neural-ode.ts';
import { RateFlowODE } from './rate-flow-ode.ts';
import { UniversalODE } from './universal-ode.ts';

/** The JSON document of `model` (the same as `model.toJSON()`); `JSON.stringify` it to save. */
export function modelToJson(model: OdeModel): ModelJson {
  return model.toJSON();
}

/**
 * Restores a model from its JSON document or text. Parameters are restored bit for bit (they are
 * stored as base64 IEEE 754 doubles), so a saved model evaluates exactly as the original.
 *
 * @throws OdeonError `ModelFormatError` for anything that is not a saved model.
 */
export function modelFromJson(json: string | ModelJson): NeuralODE | RateFlowODE | UniversalODE {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (error) {
      throw new OdeonError('ModelFormatError', 'The model file is not valid JSON.', { cause: error });
    }
  }
  const d = doc as Partial<ModelJson> | null;
  if (d === null || typeof d !== 'object' || d.format !== 'odeon-neural-model' || d.version !== 1)
    throw new OdeonError(
      'ModelFormatError',
      'Not an Odeon neural model document (format "odeon-neural-model", version 1).',
      {
        element: 'format',
        hint: 'Load text written by JSON.stringify(model).',
      },
    );
  switch (d.kind) {
    case 'neural-ode':
      return NeuralODE.fromJSON(d as ModelJson);
    case 'rate-flow-ode':
      return RateFlowODE.fromJSON(d as ModelJson);
    case 'universal-ode':
      return UniversalODE.fromJSON(d as ModelJson);
    default:
      throw new OdeonError('ModelFormatError', `Unknown model kind ${JSON.stringify(d.kind)}.`, {
        element: 'kind',
        value: d.kind,
        hint: 'Expected neural-ode, rate-flow-ode or universal-ode.',
      });
  }
}
