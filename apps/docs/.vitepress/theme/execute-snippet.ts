import { transform } from 'sucrase';
import type { SeriesPlot } from '../../../../docs/snippets/series-plot.ts';
import { formatLine } from './format-value.ts';
import { requiredModules } from './worker-modules.ts';

/** Where a running snippet's `console` output goes. */
export type PrintLevel = 'log' | 'info' | 'warn' | 'error';

/** What a snippet run produced. */
export interface SnippetResult {
  readonly exports: Readonly<Record<string, unknown>>;
  readonly plot: SeriesPlot | null;
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<void>;

/** TypeScript module source → a CommonJS-style function body (types stripped, imports → require). */
export function transpileSnippet(source: string): string {
  return transform(source, {
    transforms: ['typescript', 'imports'],
    disableESTransforms: true,
    production: true,
  }).code;
}

/**
 * Runs a snippet module the way the Run button does: types stripped by sucrase, its imports served
 * from `modules` (loaded on demand), its `console` routed to `print`, top-level `await` allowed. The
 * same function runs in the browser's worker and in the Node test that checks every snippet through it.
 */
export async function executeSnippet(
  source: string,
  modules: Readonly<Record<string, () => Promise<unknown>>>,
  print: (level: PrintLevel, text: string) => void,
): Promise<SnippetResult> {
  const code = transpileSnippet(source);
  const loaded = new Map<string, unknown>();
  for (const id of requiredModules(code)) {
    const load = modules[id];
    if (!load) {
      throw new Error(`cannot import "${id}" here: snippets can import ${Object.keys(modules).join(', ')}`);
    }
    loaded.set(id, await load());
  }
  const require = (id: string) => {
    if (!loaded.has(id)) throw new Error(`cannot import "${id}" here`);
    return loaded.get(id);
  };
  const exports: Record<string, unknown> = {};
  const module = { exports };
  const printer =
    (level: PrintLevel) =>
    (...args: unknown[]) =>
      print(level, formatLine(args));
  const console = {
    log: printer('log'),
    info: printer('info'),
    debug: printer('log'),
    warn: printer('warn'),
    error: printer('error'),
  };
  // An async function body, so top-level `await` works as it does in an ES module.
  await new AsyncFunction('require', 'exports', 'module', 'console', code)(require, exports, module, console);
  const out = module.exports as Record<string, unknown>;
  return { exports: out, plot: (out.plot as SeriesPlot | undefined) ?? null };
}

/** Copies a plot into plain arrays, for postMessage (a typed-array view would copy its whole buffer). */
export function toPlainPlot(plot: SeriesPlot): SeriesPlot {
  const series: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(plot.series ?? {})) series[k] = Array.from(v);
  return {
    ...plot,
    ...(plot.x ? { x: Array.from(plot.x) } : {}),
    series,
    ...(plot.curves
      ? { curves: plot.curves.map((c) => ({ name: c.name, x: Array.from(c.x), y: Array.from(c.y) })) }
      : {}),
    ...(plot.columns
      ? { columns: { data: Array.from(plot.columns.data), names: [...plot.columns.names] } }
      : {}),
  };
}
