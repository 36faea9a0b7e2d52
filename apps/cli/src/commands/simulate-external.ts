import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { OdeonError } from '@odeon/ode';
import { type CliIo, readTextFile } from '../io.ts';

/** A URI scheme (`http:`, `file:`, `urn:` …), not a Windows drive letter. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:/;

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function refuse(source: string, why: string): never {
  throw new OdeonError(
    'UnsafeInput',
    `The external model file ${JSON.stringify(source.slice(0, 200))} ${why}.`,
    {
      element: source.slice(0, 200),
      hint: "Put the file in the model's folder (or a subfolder) and name it by its relative path in `source`.",
    },
  );
}

/**
 * The `resolveExternal` of `parseSbml` for a model file: a comp `externalModelDefinition`'s `source` is
 * read relative to the model file's folder. URLs, absolute paths and paths that lead outside that folder
 * (also through a symbolic link) are refused with `UnsafeInput`; a missing file is an `IoError`.
 */
export function externalModelResolver(io: CliIo, modelPath: string): (source: string) => string {
  const base = resolve(io.cwd, dirname(modelPath));
  return (source) => {
    if (SCHEME.test(source)) refuse(source, 'is a URL; Odeon reads only files beside the model');
    if (source === '' || isAbsolute(source) || /^[A-Za-z]:/.test(source))
      refuse(source, 'is not a relative path');
    const target = resolve(base, source);
    if (!inside(base, target)) refuse(source, "lies outside the model's folder");
    let real: string | undefined;
    try {
      real = realpathSync(target);
    } catch {
      real = undefined; // missing: readTextFile reports it
    }
    if (real !== undefined && !inside(realpathSync(base), real))
      refuse(source, "links to a file outside the model's folder");
    return readTextFile(io, target, 'external model file');
  };
}
