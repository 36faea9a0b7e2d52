import { loadModel, type Model } from '@odeon/sbml';
import { externalModelResolver } from './commands/simulate-external.ts';
import { type CliIo, readTextFile } from './io.ts';

/**
 * A model file as the CLI read it: its text and the text of every comp external model file it names
 * (`[source, text]` pairs), so a worker thread or queue task can parse it again without the filesystem.
 */
export interface ModelFile {
  readonly path: string;
  readonly text: string;
  readonly externals: readonly (readonly [source: string, text: string])[];
}

/**
 * Reads and parses a model file (SBML or Odeon JSON). comp external model files are read beside it
 * through `externalModelResolver` (URLs, absolute paths and paths leaving its folder are `UnsafeInput`).
 * Every CLI command reads its model here.
 */
export function loadModelFile(
  io: CliIo,
  path: string,
  what = 'model',
): { readonly model: Model; readonly file: ModelFile } {
  const text = readTextFile(io, path, what);
  const resolve = externalModelResolver(io, path);
  const externals: [string, string][] = [];
  const model = loadModel(text, {
    resolveExternal: (source) => {
      const ext = resolve(source);
      externals.push([source, ext]);
      return ext;
    },
  });
  return { model, file: { path, text, externals } };
}

/** Parses a `ModelFile` again (in a worker): external files come from the pairs it carries. */
export function parseModelFile(file: ModelFile): Model {
  const externals = new Map(file.externals);
  return loadModel(file.text, { resolveExternal: (source) => externals.get(source) });
}
