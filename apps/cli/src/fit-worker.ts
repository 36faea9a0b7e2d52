// Worker script of `odeon fit`'s L-BFGS run: the fit runs here, so the main thread stays free to
// handle Ctrl-C/SIGTERM (L-BFGS is synchronous) and to write what the fit has found so far.
import { parentPort, workerData } from 'node:worker_threads';
import { isOdeonError } from '@odeon/ode';
import { fit as fitModel } from '@odeon/train';
import type { FitSettingsData } from './commands/fit-multistart.ts';
import { prepareFit } from './commands/fit-prepare.ts';
import type { FitWorkerInput, FitWorkerMessage } from './commands/fit-thread.ts';
import { workerInput } from './worker-thread.ts';

const input = workerInput<FitWorkerInput>(workerData);
const post = (m: FitWorkerMessage) => parentPort?.postMessage(m);

function settingsOf(data: FitSettingsData) {
  return { ...data, bounds: new Map(data.bounds) };
}

try {
  const p = prepareFit(settingsOf(input.settings));
  const result = fitModel(p.problem, p.data, {
    ...p.fitOptions,
    lbfgs: {
      maxIterations: input.maxIterations,
      onIteration: (info) => {
        post({ kind: 'iteration', iteration: info.iteration, value: info.value, x: info.x.slice() });
      },
    },
  });
  post({ kind: 'done', result });
} catch (error) {
  if (isOdeonError(error)) {
    // the context as plain data (its `cause` may not survive the thread boundary)
    const { cause: _cause, ...context } = error.context as Record<string, unknown>;
    post({
      kind: 'error',
      code: error.code,
      message: error.message,
      context: JSON.parse(JSON.stringify(context)),
    });
  } else
    post({ kind: 'crash', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
