import { executeSnippet, toPlainPlot } from './execute-snippet.ts';
import { workerModules } from './worker-modules.ts';
import type { RunRequest, WorkerMessage } from './worker-protocol.ts';

// Runs one snippet per worker: the page terminates the worker to stop a run and starts a fresh one
// for the next, so no state leaks between runs.

const post = (msg: WorkerMessage) =>
  (self as unknown as { postMessage(m: WorkerMessage): void }).postMessage(msg);

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${e.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${e.message}`;
  }
  return String(e);
}

self.onmessage = async (event: MessageEvent<RunRequest>) => {
  const started = performance.now();
  try {
    const { plot } = await executeSnippet(event.data.code, workerModules, (level, text) =>
      post({ type: 'print', level, text }),
    );
    post({ type: 'done', plot: plot ? toPlainPlot(plot) : null, ms: performance.now() - started });
  } catch (e) {
    post({ type: 'failed', message: describeError(e) });
  }
};
