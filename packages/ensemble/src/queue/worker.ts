import { invalidOption, OdeonError } from '@odeon/ode';
import { UnrecoverableError, Worker } from 'bullmq';
import { createPool } from '../pool.ts';
import type { TaskHandlers } from '../task.ts';
import { bullConnection, checkRedis, parseRedisUrl } from './connection.ts';
import { DEFAULT_QUEUE, type JobData, QUEUE_PROTOCOL } from './protocol.ts';
import { fromWire, toWire } from './wire.ts';

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  /** `redis://host:port[/db]`. */
  readonly redis: string;
  /** Queue name. Default `odeon`. */
  readonly queue?: string;
  /** Handlers beside the built-in ones. */
  readonly handlers?: TaskHandlers;
  /** This program's version: jobs from coordinators of another version are refused. */
  readonly version?: string;
  /** Worker threads for tasks (0: this thread, one task at a time). Default 0. */
  readonly threads?: number;
  /** Worker script of the threads (see `createPool`). */
  readonly script?: string | URL;
  /** A job whose worker stops renewing its lock for this long is stalled and retried. Default 30 000. */
  readonly lockDurationMs?: number;
  /** How often stalled jobs are looked for. Default half the lock duration. */
  readonly stalledIntervalMs?: number;
  /** Stalls after which a job fails instead of being retried. Default 3. */
  readonly maxStalledCount?: number;
  /** Called as a task starts and ends (for logs and tests). */
  readonly onTask?: (event: {
    readonly jobId: string;
    readonly phase: 'start' | 'end';
    readonly ok?: boolean;
  }) => void;
}

/** A running queue worker. */
export interface QueueWorker {
  /** Stops taking jobs, finishes the running ones, closes connections. */
  close(): Promise<void>;
}

/**
 * Serves tasks from a BullMQ queue on Redis: `odeon worker --redis URL` on as many machines as you
 * like. A worker that dies mid-task loses its lock; another worker finds the job stalled and runs it
 * again. Jobs of another protocol or program version fail with `VersionMismatch` (not retried; a
 * coordinator rerun after upgrading retries them).
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const target = parseRedisUrl(options.redis);
  const threads = options.threads ?? 0;
  const lockDuration = options.lockDurationMs ?? 30_000;
  if (!Number.isInteger(lockDuration) || lockDuration < 100)
    throw invalidOption('lockDurationMs', lockDuration, 'an integer ≥ 100');
  await checkRedis(target);
  const version = options.version ?? String(QUEUE_PROTOCOL);
  const pool = createPool({
    workers: threads,
    handlers: options.handlers ?? {},
    ...(options.script !== undefined ? { script: options.script } : {}),
  });
  const worker = new Worker<JobData, string>(
    options.queue ?? DEFAULT_QUEUE,
    async (job) => {
      const id = job.id ?? '?';
      const d = job.data;
      if (d?.protocol !== QUEUE_PROTOCOL || d.version !== version) {
        throw new UnrecoverableError(
          `VersionMismatch: the job was queued by version ${JSON.stringify(d?.version)} (protocol ${d?.protocol}); this worker runs version ${JSON.stringify(version)} (protocol ${QUEUE_PROTOCOL}).`,
        );
      }
      options.onTask?.({ jobId: id, phase: 'start' });
      const reply = await pool.run({ name: d.name, input: fromWire(d.input) });
      options.onTask?.({ jobId: id, phase: 'end', ok: reply.ok });
      return toWire(reply);
    },
    {
      connection: bullConnection(target),
      concurrency: Math.max(1, threads),
      lockDuration,
      stalledInterval: options.stalledIntervalMs ?? Math.max(50, Math.floor(lockDuration / 2)),
      maxStalledCount: options.maxStalledCount ?? 3,
    },
  );
  worker.on('error', () => {
    // Connection errors: ioredis reconnects; jobs of a lost worker are retried as stalled.
  });
  try {
    await worker.waitUntilReady();
  } catch (cause) {
    await pool.close();
    throw new OdeonError(
      'QueueUnavailable',
      `The worker could not attach to Redis: ${(cause as Error).message}`,
      {
        cause,
        hint: 'Check --redis and that redis-server runs.',
      },
    );
  }
  return {
    close: async () => {
      await worker.close();
      await pool.close();
    },
  };
}
