import { basename } from 'node:path';

/** A plot title for a model: its SBML `name`, else its `id`, else the file's name (never the path). */
export function modelTitle(model: { readonly name?: string; readonly id?: string }, file: string): string {
  const name = (model.name ?? '').trim() || (model.id ?? '').trim() || basename(file);
  return name.length > 80 ? `${name.slice(0, 77)}...` : name;
}
