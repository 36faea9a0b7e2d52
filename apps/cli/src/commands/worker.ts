import { DEFAULT_QUEUE, startQueueWorker } from '@odeon/ensemble/queue';
import { OdeonError } from '@odeon/ode';
import type { Command } from 'commander';
import { parseWorkers } from '../cli-pool.ts';
import type { RegisterCommand } from '../command.ts';
import type { CliIo } from '../io.ts';
import { CLI_HANDLERS } from '../task-handlers.ts';
import { CLI_VERSION } from '../version.ts';

/** Options of `odeon worker`. */
export interface WorkerCommandOptions {
  readonly redis?: string;
  readonly queue?: string;
  readonly threads?: string;
  readonly lockMs?: string;
  readonly for?: string;
}

function usage(message: string, option: string): OdeonError {
  return new OdeonError('UsageError', message, { option, hint: 'See `odeon worker --help`.' });
}

/**
 * `odeon worker --redis URL`: serves ensemble, fit and train tasks from the queue until SIGINT or
 * SIGTERM (or `--for` seconds). Resolves with the number of tasks it ran.
 */
export async function workerCommand(
  options: WorkerCommandOptions,
  io: CliIo,
  stop?: Promise<void>,
): Promise<number> {
  if (options.redis === undefined) throw usage('Give the queue with --redis redis://host:port.', 'redis');
  const threads = parseWorkers(options.threads) ?? 0;
  const lockMs = options.lockMs === undefined ? 30_000 : Number(options.lockMs);
  if (!Number.isInteger(lockMs) || lockMs < 100)
    throw usage('--lock-ms must be an integer ≥ 100.', 'lock-ms');
  const seconds = options.for === undefined ? undefined : Number(options.for);
  if (seconds !== undefined && !(seconds > 0))
    throw usage('--for must be a positive number of seconds.', 'for');
  let ran = 0;
  const worker = await startQueueWorker({
    redis: options.redis,
    queue: options.queue ?? DEFAULT_QUEUE,
    handlers: CLI_HANDLERS,
    version: CLI_VERSION,
    threads,
    script: new URL(`../task-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
    lockDurationMs: lockMs,
    onTask: (e) => {
      if (e.phase === 'end') {
        ran++;
        io.stderr(
          `odeon worker: task ${e.jobId} ${e.ok ? 'done' : 'failed (reported to the coordinator)'}\n`,
        );
      }
    },
  });
  io.stderr(
    `odeon worker ${CLI_VERSION}: serving queue ${options.queue ?? DEFAULT_QUEUE} on ${options.redis} with ${threads === 0 ? 'this thread' : `${threads} threads`}\n`,
  );
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      clearTimeout(timer);
      resolve();
    };
    const timer = seconds === undefined ? undefined : setTimeout(done, seconds * 1000);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    stop?.then(done);
  });
  await worker.close();
  io.stderr(`odeon worker: stopped after ${ran} task(s)\n`);
  return ran;
}

export const registerWorker: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('worker')
    .description(
      'Serve tasks of `odeon ensemble|fit|train --redis URL` from a Redis queue (BullMQ), on any number of machines. A worker that dies mid-task has its task retried elsewhere.',
    )
    .option('--redis <url>', 'the queue: redis://host:port[/db]')
    .option('--queue <name>', `queue name (default ${DEFAULT_QUEUE})`)
    .option('--threads <k>', 'run tasks on k worker threads of this machine (default: this thread)')
    .option('--lock-ms <ms>', 'a task whose worker is silent this long is retried elsewhere (default 30000)')
    .option('--for <s>', 'stop after this many seconds (default: until Ctrl-C or SIGTERM)')
    .addHelpText(
      'after',
      `
Workers refuse tasks queued by another odeon version (VersionMismatch): run the same version everywhere.
Example:
  odeon worker --redis redis://10.0.0.5:6379 --threads 8
`,
    )
    .action(async (options: WorkerCommandOptions) => {
      await workerCommand(options, io);
    });
};
