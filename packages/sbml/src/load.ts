import { OdeonError } from '@odeon/ode';
import { parseModelJson } from './builder.ts';
import type { Model } from './model.ts';
import { type ParseSbmlOptions, parseSbml } from './sbml-reader.ts';

/**
 * Reads a model from text, detecting the format: SBML (XML, starts with `<`) or the JSON model format
 * (starts with `{`).
 * @throws OdeonError `ModelFormatError` when the format is neither, plus the errors of each reader.
 */
export function loadModel(text: string, options: ParseSbmlOptions = {}): Model {
  const head = text.trimStart().slice(0, 1);
  if (head === '<') return parseSbml(text, options);
  if (head === '{') return parseModelJson(text, options.maxChars);
  throw new OdeonError('ModelFormatError', 'The model is neither SBML (XML) nor the JSON model format.', {
    hint: 'Give an .xml/.sbml file, or a .json file in the Odeon model format.',
  });
}
