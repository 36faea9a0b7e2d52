// The default worker script of `createPool`: serves the built-in task handlers.
import { serveWorker } from './serve-worker.ts';

serveWorker();
