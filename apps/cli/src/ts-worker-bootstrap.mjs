// Worker bootstrap for TypeScript sources (a checkout run without a build): Node 20 ignores
// `--import tsx` in a worker's execArgv, so the worker registers tsx itself, then loads the entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.odeonTsEntry);
