// Worker script of the CLI's thread pools (--workers): serves the CLI's task handlers.
import { serveWorker } from '@odeon/ensemble';
import { CLI_HANDLERS } from './task-handlers.ts';

serveWorker(CLI_HANDLERS);
