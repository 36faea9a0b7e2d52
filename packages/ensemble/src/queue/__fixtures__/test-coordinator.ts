// A coordinator process for the resume test: `... test-coordinator.ts <redis-url> <queue> <results> <n> <ms>`.
import { queueRunner } from '../coordinator.ts';
import { jsonlStore } from '../result-store.ts';

const [url, queue, results, n, ms] = process.argv.slice(2);
const tasks = Array.from({ length: Number(n) }, (_, i) => ({
  name: 'test.slow',
  input: { i, ms: Number(ms) },
}));
const runner = queueRunner({
  redis: url,
  queue,
  version: 'test-1',
  store: jsonlStore(results),
  sweepMs: 200,
  timeoutMs: 60_000,
});
await runner.runAll?.(tasks, (_reply, i) => process.stdout.write(`result ${i}\n`));
process.stdout.write('finished\n');
