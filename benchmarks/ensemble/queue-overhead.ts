/**
 * Per-task overhead of the Redis queue (BullMQ): N no-op tasks (`ensemble.members` with no members is
 * not allowed, so a registered `bench.noop` handler) through `queueRunner` with one worker, against
 * the same tasks run in this thread. Starts its own redis-server on 127.0.0.1 (a free port) and
 * stops it. Prints the machine, Node and redis-server versions. Not a test.
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/ensemble/queue-overhead.ts [tasks] [workers]
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { createPool } from '@odeon/ensemble';
import { queueRunner, startQueueWorker } from '@odeon/ensemble/queue';
import { startRedis } from '@odeon/testkit';

const N = Number(process.argv[2] ?? 1000);
const WORKERS = Number(process.argv[3] ?? 1);
const handlers = { 'bench.noop': ((input: { i: number }) => ({ i: input.i })) as never };
const tasks = Array.from({ length: N }, (_, i) => ({ name: 'bench.noop', input: { i } }));

const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(
  `# Queue overhead — ${cpus()[0]?.model ?? '?'} × ${cpus().length}, Node ${process.version}, ${version}`,
);
const redis = await startRedis();
try {
  const local = createPool({ workers: 0, handlers });
  let t = performance.now();
  for (const task of tasks) await local.run(task);
  const direct = (performance.now() - t) / N;

  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () => startQueueWorker({ redis: redis.url, queue: 'bench', handlers })),
  );
  const rows: string[] = [];
  for (const rep of [1, 2, 3]) {
    const runner = queueRunner({ redis: redis.url, queue: 'bench', runId: `bench-${rep}`, sweepMs: 500 });
    t = performance.now();
    const replies = await runner.runAll?.(tasks, () => {});
    const per = (performance.now() - t) / N;
    if (replies?.length !== N || !replies.every((r, i) => r.ok && (r.output as { i: number }).i === i))
      throw new Error('lost tasks');
    rows.push(
      `| ${rep} | ${N} | ${WORKERS} (in this process) | ${per.toFixed(3)} | ${(per - direct).toFixed(3)} |`,
    );
  }
  await Promise.all(workers.map((w) => w.close()));
  console.log(`\nNo-op task in this thread: ${(direct * 1000).toFixed(1)} µs per task\n`);
  console.log('| run | tasks | workers | ms per task through Redis | overhead ms per task |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log('\nOverhead = queue wall time per task (enqueue, a worker takes and completes it, the');
  console.log('coordinator records the result and removes the job) minus the direct call; target ≤ 5 ms.');
} finally {
  await redis.stop();
}
