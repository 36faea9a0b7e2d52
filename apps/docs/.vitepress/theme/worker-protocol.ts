import type { SeriesPlot } from '../../../../docs/snippets/series-plot.ts';

/** Main thread → worker: run this TypeScript module source. */
export interface RunRequest {
  readonly code: string;
}

/** Worker → main thread messages. */
export type WorkerMessage =
  | { readonly type: 'print'; readonly level: 'log' | 'info' | 'warn' | 'error'; readonly text: string }
  | { readonly type: 'done'; readonly plot: SeriesPlot | null; readonly ms: number }
  | { readonly type: 'failed'; readonly message: string };
