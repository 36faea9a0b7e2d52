import { Worker } from 'node:worker_threads';
import { workerThreadInput, workerThreadStart } from '@odeon/ensemble';

/**
 * Starts a Node worker thread on the CLI module `name` (beside this one: `src/<name>.ts` in a checkout,
 * `dist/<name>.js` when built), the way the ensemble pool starts its threads (`workerThreadStart`:
 * from TypeScript source, a bootstrap registers tsx in the thread instead of `--import tsx`).
 */
export function startWorkerThread(name: string, workerData: unknown): Worker {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const start = workerThreadStart(new URL(`./${name}.${ext}`, import.meta.url), { workerData });
  return new Worker(start.script, { execArgv: start.execArgv, workerData: start.workerData });
}

/** The data a worker started by {@link startWorkerThread} was given. */
export const workerInput = workerThreadInput;
