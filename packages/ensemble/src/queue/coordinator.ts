import { createHash } from 'node:crypto';
import { invalidOption, OdeonError } from '@odeon/ode';
import { type Job, Queue, QueueEvents } from 'bullmq';
import type { TaskRunner } from '../pool.ts';
import type { Task, TaskReply } from '../task.ts';
import { bullConnection, checkRedis, parseRedisUrl } from './connection.ts';
import { DEFAULT_QUEUE, type JobData, jobId, QUEUE_PROTOCOL } from './protocol.ts';
import { memoryStore, type ResultStore } from './result-store.ts';
import { fromWire, toWire } from './wire.ts';

/** Progress of a distributed run, summed over every worker. */
export interface QueueProgress {
  readonly done: number;
  readonly total: number;
  /** Workers connected to the queue (all programs using it). */
  readonly workers: number;
  /** Tasks that were already finished when this coordinator started (resumed). */
  readonly resumed: number;
}

/** Options of {@link queueRunner}. */
export interface QueueRunnerOptions {
  /** `redis://host:port[/db]`. */
  readonly redis: string;
  /** Queue name. Default `odeon`. */
  readonly queue?: string;
  /** Where finished tasks are written as they arrive (default: memory, no resume). */
  readonly store?: ResultStore;
  /** This program's version; workers of another version refuse the jobs. */
  readonly version?: string;
  /** Run id; default a hash of the version and the tasks, so a rerun of the same tasks resumes. */
  readonly runId?: string;
  /** Give up (keeping what finished) after this long. Default 24 h. */
  readonly timeoutMs?: number;
  /** How often the queue is swept for results missed by events and lost jobs. Default 1000 ms. */
  readonly sweepMs?: number;
  /** Redis connection check budget. Default 3000 ms. */
  readonly connectTimeoutMs?: number;
  readonly onProgress?: (progress: QueueProgress) => void;
}

const QUEUE_DEFAULTS = {
  queue: DEFAULT_QUEUE,
  version: String(QUEUE_PROTOCOL),
  timeoutMs: 24 * 3600 * 1000,
  sweepMs: 1000,
  connectTimeoutMs: 3000,
} as const satisfies Partial<Required<QueueRunnerOptions>>;

/** The id of a run: a hash of the version and the tasks. */
export function runIdOf(version: string, tasks: readonly Task[]): string {
  const h = createHash('sha256');
  h.update(version);
  for (const t of tasks) h.update(toWire(t));
  return h.digest('hex').slice(0, 16);
}

/**
 * A task runner on a BullMQ queue: `runAll` enqueues every task not yet in the store (job id = run id
 * and task index, so nothing is queued twice), writes each result to the store as it arrives, and
 * returns the replies in task order. A coordinator killed and started again with the same tasks and
 * store redoes no finished task (results finished meanwhile wait in Redis). Workers: `startQueueWorker`.
 */
export function queueRunner(options: QueueRunnerOptions): TaskRunner {
  const o = { ...QUEUE_DEFAULTS, ...options };
  const target = parseRedisUrl(o.redis);
  if (!(o.timeoutMs > 0)) throw invalidOption('timeoutMs', o.timeoutMs, 'a positive number of milliseconds');
  const runAll = async (
    tasks: readonly Task[],
    onResult: (reply: TaskReply, index: number, done: number, total: number) => void,
  ): Promise<TaskReply[]> => {
    const total = tasks.length;
    const runId = o.runId ?? runIdOf(o.version, tasks);
    await checkRedis(target, o.connectTimeoutMs);
    const store = o.store ?? memoryStore();
    const done = store.load(runId, total);
    const resumed = done.size;
    let count = 0;
    for (const [i, reply] of [...done].sort((a, b) => a[0] - b[0])) onResult(reply, i, ++count, total);
    const replies = (): TaskReply[] => Array.from({ length: total }, (_, i) => done.get(i) as TaskReply);
    if (done.size === total) return replies();

    const connection = bullConnection(target);
    const queue = new Queue<JobData, string>(o.queue, { connection });
    const events = new QueueEvents(o.queue, { connection });
    queue.on('error', () => {});
    events.on('error', () => {});
    let fatal: OdeonError | undefined;
    let wake: (() => void) | undefined;
    const prefix = `${runId}-`;
    const indexOf = (id: string | undefined) => {
      if (id === undefined || !id.startsWith(prefix)) return -1;
      const i = Number(id.slice(prefix.length));
      return Number.isInteger(i) && i >= 0 && i < total ? i : -1;
    };
    const record = (i: number, wire: unknown) => {
      if (done.has(i) || typeof wire !== 'string') return;
      const reply = fromWire(wire) as TaskReply;
      store.write(i, reply);
      done.set(i, reply);
      onResult(reply, i, ++count, total);
      queue.remove(jobId(runId, i)).catch(() => {});
      wake?.();
    };
    const failed = (i: number, reason: string) => {
      if (done.has(i) || fatal !== undefined) return;
      const mismatch = reason.startsWith('VersionMismatch');
      fatal = new OdeonError(
        mismatch ? 'VersionMismatch' : 'TaskFailed',
        `Task ${i} of run ${runId} failed on a worker: ${reason.slice(0, 500)}`,
        {
          hint: mismatch
            ? 'Run workers of the same version as the coordinator, then rerun: finished tasks are kept and failed ones retried.'
            : 'Finished tasks are kept; fix the cause and rerun to retry the rest.',
        },
      );
      wake?.();
    };
    const inspect = async (i: number, job: Job<JobData, string> | undefined) => {
      if (job === undefined) return 'missing';
      const state = await job.getState();
      if (state === 'completed') record(i, job.returnvalue);
      else if (state === 'failed') return 'failed';
      return state;
    };
    try {
      try {
        await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      } catch (cause) {
        throw new OdeonError(
          'QueueUnavailable',
          `Cannot open the queue on Redis: ${(cause as Error).message}`,
          {
            cause,
            hint: 'Check --redis; finished results are kept.',
          },
        );
      }
      events.on('completed', ({ jobId: id, returnvalue }) => {
        const i = indexOf(id);
        if (i >= 0) record(i, returnvalue);
      });
      events.on('failed', ({ jobId: id, failedReason }) => {
        const i = indexOf(id);
        if (i < 0) return;
        // A failed attempt with attempts left goes back to waiting: only a job in `failed` is final.
        queue
          .getJob(id)
          .then(async (job) => {
            if (job !== undefined && (await job.getState()) === 'failed') failed(i, failedReason);
          })
          .catch(() => {});
      });
      // Enqueue what is not finished: jobs that already exist (a resumed run) are looked at instead.
      const toAdd: { name: string; data: JobData; opts: { jobId: string } }[] = [];
      for (let i = 0; i < total; i++) {
        if (done.has(i)) continue;
        const id = jobId(runId, i);
        const state = await inspect(i, await queue.getJob(id));
        if (state === 'failed') await (await queue.getJob(id))?.retry('failed');
        else if (state === 'missing')
          toAdd.push({
            name: tasks[i].name,
            data: {
              protocol: QUEUE_PROTOCOL,
              version: o.version,
              name: tasks[i].name,
              input: toWire(tasks[i].input),
            },
            opts: { jobId: id },
          });
      }
      for (let k = 0; k < toAdd.length; k += 500) await queue.addBulk(toAdd.slice(k, k + 500));
      // Wait for results: events wake us; a periodic sweep catches missed events and lost jobs.
      const deadline = Date.now() + o.timeoutMs;
      const maxSweeps = Math.ceil(o.timeoutMs / o.sweepMs) + 1;
      for (let sweep = 0; sweep < maxSweeps && done.size < total && fatal === undefined; sweep++) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(o.sweepMs, Math.max(0, deadline - Date.now())));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        if (done.size === total || fatal !== undefined) break;
        if (Date.now() >= deadline) break;
        let pendingChecked = 0;
        for (let i = 0; i < total && pendingChecked < 10_000; i++) {
          if (done.has(i)) continue;
          pendingChecked++;
          const job = await queue.getJob(jobId(runId, i));
          const state = await inspect(i, job);
          if (state === 'failed' && job !== undefined) failed(i, job.failedReason ?? 'failed');
          if (state === 'missing' && !done.has(i)) {
            // Not in Redis and not finished (e.g. removed by hand or Redis restarted): queue it again.
            await queue.add(
              tasks[i].name,
              {
                protocol: QUEUE_PROTOCOL,
                version: o.version,
                name: tasks[i].name,
                input: toWire(tasks[i].input),
              },
              { jobId: jobId(runId, i) },
            );
          }
        }
        o.onProgress?.({
          done: done.size,
          total,
          workers: await queue.getWorkersCount().catch(() => 0),
          resumed,
        });
      }
      if (fatal !== undefined) throw fatal;
      if (done.size < total)
        throw new OdeonError(
          'QueueUnavailable',
          `${total - done.size} of ${total} tasks of run ${runId} had no result after ${Math.round(o.timeoutMs / 1000)} s.`,
          { hint: 'Start workers (odeon worker --redis URL), then rerun: finished tasks are kept.' },
        );
      return replies();
    } finally {
      await Promise.allSettled([events.close(), queue.close()]);
    }
  };
  return {
    workers: 1,
    run: async (task) => (await runAll([task], () => {}))[0],
    runAll,
    close: async () => {},
  };
}
