import { OdeonError, type OdeonErrorCode } from '@odeon/ode';
import type { FitResult } from '@odeon/train';
import type { CliIo } from '../io.ts';
import { startWorkerThread } from '../worker-thread.ts';
import type { FitSettingsData } from './fit-multistart.ts';

/** What `fit-worker` is given: the fit settings as plain data and the L-BFGS iteration limit. */
export interface FitWorkerInput {
  readonly settings: FitSettingsData;
  readonly maxIterations: number;
}

/** What `fit-worker` posts: each iteration, then the result or the error. */
export type FitWorkerMessage =
  | {
      readonly kind: 'iteration';
      readonly iteration: number;
      readonly value: number;
      readonly x: Float64Array;
    }
  | { readonly kind: 'done'; readonly result: FitResult }
  | {
      readonly kind: 'error';
      readonly code: OdeonErrorCode;
      readonly message: string;
      readonly context: Record<string, unknown>;
    }
  | { readonly kind: 'crash'; readonly message: string };

/** How an L-BFGS run in a worker ended: its result, or the signal that stopped it. */
export type FitThreadOutcome =
  | { readonly result: FitResult; readonly signal?: undefined }
  | { readonly signal: string };

/**
 * Runs an L-BFGS fit (`fit` of @odeon/train, as `prepareFit` sets it up) on a worker thread, calling
 * `onIteration` with each iteration's loss and iterate (unconstrained coordinates). On the first
 * SIGINT/SIGTERM (through `io.onInterrupt`) the worker is terminated at once and the outcome is that
 * signal: the caller keeps what `onIteration` saw.
 */
export function lbfgsOnThread(
  input: FitWorkerInput,
  io: CliIo,
  onIteration: (iteration: number, value: number, x: Float64Array) => void,
): Promise<FitThreadOutcome> {
  return new Promise((resolve, reject) => {
    const worker = startWorkerThread('fit-worker', input);
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      unregister?.();
      void worker.terminate();
      f();
    };
    const unregister = io.onInterrupt?.((signal) => {
      io.stderr(stoppingMessage(signal));
      // terminate() stops the worker's synchronous loop; the iterations it reported are kept
      finish(() => resolve({ signal }));
    });
    worker.on('message', (m: FitWorkerMessage) => {
      if (settled) return;
      if (m.kind === 'iteration') onIteration(m.iteration, m.value, m.x);
      else if (m.kind === 'done') finish(() => resolve({ result: m.result }));
      else if (m.kind === 'error')
        finish(() => reject(new OdeonError(m.code, stripHint(m.message, m.context.hint), m.context)));
      else finish(() => reject(new Error(`The fit's worker thread failed: ${m.message}`)));
    });
    worker.on('error', (error) =>
      finish(() => reject(new Error(`The fit's worker thread failed: ${error.stack ?? error.message}`))),
    );
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`The fit's worker thread exited (code ${code}) without a result.`))),
    );
  });
}

/** What `odeon fit` prints to stderr when a signal stops it. */
export function stoppingMessage(signal: string): string {
  return `\n${signal}: stopping the fit; writing the best parameters so far and the plot...\n`;
}

/** An OdeonError's message ends with its hint; the rebuilt error appends it again. */
function stripHint(message: string, hint: unknown): string {
  return typeof hint === 'string' && message.endsWith(` ${hint}`)
    ? message.slice(0, -(hint.length + 1))
    : message;
}
