// Worker bootstrap for TypeScript sources (a monorepo checkout run without a build): workerThreadStart drops
// `--import tsx` from a worker's flags, so the worker registers tsx itself, then loads the entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.odeonTsEntry);
