import { Worker } from 'node:worker_threads';

/**
 * Starts a Node worker thread on the CLI module `name` (beside this one: `src/<name>.ts` in a checkout,
 * `dist/<name>.js` when built). From TypeScript source, a JS bootstrap registers tsx in the worker
 * first (Node 20 ignores `--import tsx` in a worker's execArgv) and the `@odeon/source` condition is
 * passed on, so the worker loads the same sources as the main thread.
 */
export function startWorkerThread(name: string, workerData: unknown): Worker {
  const source = import.meta.url.endsWith('.ts');
  const entry = new URL(`./${name}.${source ? 'ts' : 'js'}`, import.meta.url);
  if (!source) return new Worker(entry, { workerData });
  const execArgv = [...process.execArgv];
  if (!execArgv.includes('--conditions=@odeon/source')) execArgv.push('--conditions=@odeon/source');
  return new Worker(new URL('./ts-worker-bootstrap.mjs', import.meta.url), {
    execArgv,
    workerData: { odeonTsEntry: entry.href, data: workerData },
  });
}

/** The data a worker started by {@link startWorkerThread} was given. */
export function workerInput<T>(data: unknown): T {
  const d = data as { odeonTsEntry?: string; data?: unknown };
  return (typeof d === 'object' && d !== null && 'odeonTsEntry' in d ? d.data : data) as T;
}
