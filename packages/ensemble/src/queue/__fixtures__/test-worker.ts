// A queue worker process for the tests: `node --conditions=@odeon/source --import tsx test-worker.ts
// <redis-url> <queue> <version> <exec-log>`. Prints `start <jobId>` when a task starts; appends the task
// index to the exec log when it finishes (to count executions).
import { appendFileSync } from 'node:fs';
import { startQueueWorker } from '../worker.ts';

const [url, queue, version, log] = process.argv.slice(2);

/** Busy for `ms`, then a value only of `i`: the same on every worker. */
function slow(input: { i: number; ms: number }) {
  const end = Date.now() + input.ms;
  while (Date.now() < end) {
    // busy: a CPU-bound task
  }
  appendFileSync(log, `${input.i}\n`);
  return { i: input.i, value: Math.sin(input.i) * 1e3, f64: Float64Array.of(input.i, Number.NaN) };
}

function boom(): never {
  throw new Error('a task that throws');
}

const worker = await startQueueWorker({
  redis: url,
  queue,
  version,
  handlers: { 'test.slow': slow as never, 'test.boom': boom as never },
  lockDurationMs: 1000,
  stalledIntervalMs: 300,
  onTask: (e) => {
    if (e.phase === 'start') process.stdout.write(`start ${e.jobId}\n`);
  },
});
process.stdout.write('ready\n');
const stop = async () => {
  await worker.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
