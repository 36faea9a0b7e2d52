import { OdeonError, type OdeProblem } from '@odeon/ode';
import { type CompiledModel, compileModel, loadModel } from '@odeon/sbml';

/**
 * A problem that a worker can rebuild: passed by value (a message to a worker thread, a Web Worker or a
 * Redis job), so it holds no functions.
 * - `model`: SBML or Odeon JSON model text, compiled in the worker (events and initial assignments are
 *   honoured through `simulate` of `@odeon/sbml`). `externals` holds the text of the comp external model
 *   files it names, as `[source, text]` pairs (a worker reads no files).
 * - `module`: user code by module specifier (a path or URL the worker can import); `export` names a
 *   function `(args) => OdeProblem` (or a promise of one), default export `problem`.
 */
export type ProblemSource =
  | {
      readonly kind: 'model';
      readonly text: string;
      readonly externals?: readonly (readonly [source: string, text: string])[];
    }
  | {
      readonly kind: 'module';
      readonly module: string;
      readonly export?: string;
      readonly args?: unknown;
    };

/** A problem rebuilt from its source, with the names that member overrides refer to. */
export type BuiltProblem =
  | {
      readonly kind: 'model';
      readonly model: CompiledModel;
      readonly stateNames: readonly string[];
      readonly paramNames: readonly string[];
    }
  | {
      readonly kind: 'problem';
      readonly problem: OdeProblem;
      readonly stateNames: readonly string[];
      readonly paramNames: readonly string[];
    };

/** Wraps an in-memory problem (one thread only: functions cannot be sent to a worker). */
export function fromProblem(problem: OdeProblem, paramNames: readonly string[] = []): BuiltProblem {
  return { kind: 'problem', problem, stateNames: problem.names ?? [], paramNames };
}

/** A problem factory module may export `paramNames` beside its factory. */
interface ProblemModule {
  readonly [name: string]: unknown;
}

/** The part of Web Crypto's `SubtleCrypto` used here (Node ≥ 20 and browsers in secure contexts). */
interface Digester {
  digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer>;
}

/** Rebuilt problems of this thread, by source key, newest last (a long-lived worker keeps a few). */
const cache = new Map<string, Promise<BuiltProblem>>();
const CACHE_SIZE = 8;

/**
 * The cache key of a source: the SHA-256 of its JSON (hex), so a task can name a problem a worker has
 * already built instead of carrying the model text. `undefined` where Web Crypto is missing (a page
 * served over plain http): tasks then carry the source itself.
 */
export async function sourceKey(source: ProblemSource): Promise<string | undefined> {
  const subtle = (globalThis as { crypto?: { subtle?: Digester } }).crypto?.subtle;
  if (subtle === undefined) return undefined;
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(source)));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The problem this thread built under `key`, if it still has it. */
export function cachedProblem(key: string): Promise<BuiltProblem> | undefined {
  const built = cache.get(key);
  if (built !== undefined) {
    cache.delete(key);
    cache.set(key, built);
  }
  return built;
}

/**
 * Rebuilds a problem from its source; memoised per key (default the source's JSON), so a worker
 * compiles each model once. `key` must identify the source (see {@link sourceKey}).
 */
export function buildProblem(
  source: ProblemSource,
  key: string = JSON.stringify(source),
): Promise<BuiltProblem> {
  let built = cachedProblem(key);
  if (built === undefined) {
    built = build(source);
    cache.set(key, built);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    // A failed build is not cached: the next task reports the error again rather than a stale one.
    built.catch(() => cache.delete(key));
  }
  return built;
}

async function build(source: ProblemSource): Promise<BuiltProblem> {
  if (source === null || typeof source !== 'object')
    throw new OdeonError('InvalidProblem', 'An ensemble problem source must be an object.', {
      hint: 'Give { kind: "model", text } or { kind: "module", module, export }.',
    });
  if (source.kind === 'model') {
    if (typeof source.text !== 'string')
      throw new OdeonError('InvalidProblem', 'A model source needs the model text.', {
        hint: 'Pass the SBML or JSON model text as `text`.',
      });
    const ext: unknown = source.externals ?? [];
    const pair = (e: unknown) =>
      Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string';
    if (!Array.isArray(ext) || !ext.every(pair))
      throw new OdeonError('InvalidProblem', 'A model source has malformed `externals`.', {
        option: 'externals',
        hint: 'Give the external model files as [source, text] pairs of strings.',
      });
    const files = new Map<string, string>(source.externals ?? []);
    const model = compileModel(loadModel(source.text, { resolveExternal: (s) => files.get(s) }));
    return { kind: 'model', model, stateNames: model.stateIds, paramNames: model.paramIds };
  }
  if (source.kind === 'module') {
    const name = source.export ?? 'problem';
    let mod: ProblemModule;
    try {
      mod = (await import(/* @vite-ignore */ source.module)) as ProblemModule;
    } catch (cause) {
      throw new OdeonError(
        'InvalidProblem',
        `Cannot import the problem module ${JSON.stringify(source.module)}.`,
        {
          cause,
          hint: 'Give an absolute path or URL that the worker can import (relative paths resolve from the worker script).',
        },
      );
    }
    const factory = mod[name];
    if (typeof factory !== 'function')
      throw new OdeonError(
        'InvalidProblem',
        `The module ${JSON.stringify(source.module)} has no function export ${JSON.stringify(name)}.`,
        {
          element: name,
          hint: 'Export a function (args) => OdeProblem under that name.',
        },
      );
    const problem = (await factory(source.args)) as OdeProblem;
    if (problem === null || typeof problem !== 'object' || typeof problem.rhs !== 'function')
      throw new OdeonError(
        'InvalidProblem',
        `The export ${JSON.stringify(name)} did not return an OdeProblem.`,
        {
          element: name,
          hint: 'Return { rhs, y0, t0, t1, p? } from the factory.',
        },
      );
    const paramNames = Array.isArray(mod.paramNames) ? (mod.paramNames as string[]) : [];
    return fromProblem(problem, paramNames);
  }
  throw new OdeonError(
    'InvalidProblem',
    `Unknown problem source kind ${JSON.stringify((source as { kind: unknown }).kind)}.`,
    {
      allowed: 'model, module',
      hint: 'Give { kind: "model", text } or { kind: "module", module, export }.',
    },
  );
}
