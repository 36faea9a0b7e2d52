import type { SeriesPlot } from '../../../../docs/snippets/series-plot.ts';
import type { WorkerMessage } from './worker-protocol.ts';

/** Callbacks of one snippet run. */
export interface RunHandlers {
  print(level: 'log' | 'info' | 'warn' | 'error', text: string): void;
  done(plot: SeriesPlot | null, ms: number): void;
  failed(message: string): void;
}

/** A running snippet; `stop()` terminates its worker. */
export interface RunningSnippet {
  stop(): void;
}

/** Runs a TypeScript snippet module in a fresh module Web Worker. */
export function runInWorker(code: string, handlers: RunHandlers): RunningSnippet {
  const worker = new Worker(new URL('./snippet-worker.ts', import.meta.url), { type: 'module' });
  const stop = () => worker.terminate();
  worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
    const msg = event.data;
    if (msg.type === 'print') handlers.print(msg.level, msg.text);
    else if (msg.type === 'done') {
      stop();
      handlers.done(msg.plot, msg.ms);
    } else {
      stop();
      handlers.failed(msg.message);
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    stop();
    handlers.failed(event.message || 'the snippet worker failed to start');
  };
  worker.postMessage({ code });
  return { stop };
}
