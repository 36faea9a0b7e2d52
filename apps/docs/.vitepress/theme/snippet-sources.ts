// The raw text of every snippet file, loaded on demand: the Run button executes exactly the file that
// the page shows (by region) and that the snippet tests run.
const loaders = import.meta.glob<string>(
  ['../../../../docs/snippets/**/*.ts', '!../../../../docs/snippets/**/*.test.ts'],
  { query: '?raw', import: 'default' },
);

const prefix = '../../../../docs/snippets/';

/** The source of `docs/snippets/<id>.ts`. */
export async function loadSnippetSource(id: string): Promise<string> {
  const load = loaders[`${prefix}${id}.ts`];
  if (!load) throw new Error(`no snippet docs/snippets/${id}.ts`);
  return load();
}
