import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createPool, type TaskHandlers, type TaskRunner } from '@odeon/ensemble';
import { jsonlStore, type QueueProgress, queueRunner, runIdOf } from '@odeon/ensemble/queue';
import { OdeonError } from '@odeon/ode';
import type { CliIo } from './io.ts';
import { CLI_VERSION } from './version.ts';

/** How a command spreads its tasks: `--workers K` threads here, or `--redis URL` on `odeon worker`s. */
export interface ScaleOptions {
  readonly workers?: string;
  readonly redis?: string;
  /** Results file of a `--redis` run (default out/runs/<run id>.jsonl). */
  readonly results?: string;
  /** Give up waiting for a `--redis` run after this many seconds (default one day). */
  readonly timeout?: string;
}

/** The worker script of the CLI's threads: it knows the CLI's task handlers. */
function workerScript(): URL {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./task-worker.${ext}`, import.meta.url);
}

function usage(message: string, option: string): OdeonError {
  return new OdeonError('UsageError', message, { option, hint: 'See the command’s --help.' });
}

/** Parses --workers (an integer in [0, 256]); undefined when not given. */
export function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const k = Number(value);
  if (value.trim() === '' || !Number.isInteger(k) || k < 0 || k > 256)
    throw usage(`--workers must be an integer in [0, 256] (got ${JSON.stringify(value)}).`, 'workers');
  return k;
}

/**
 * The runner of a command's tasks: a BullMQ queue with a resumable results file for `--redis`, a
 * pool of `--workers` threads, or this thread (with `handlers`) when neither is given. `identity`
 * (plain data describing the whole run) names the run, so a rerun of the same work resumes it.
 */
export function cliRunner(
  options: ScaleOptions,
  identity: unknown,
  handlers: TaskHandlers,
  io: CliIo,
  label: string,
): TaskRunner {
  const workers = parseWorkers(options.workers);
  if (options.redis !== undefined) {
    if (workers !== undefined)
      throw usage(
        'Give --workers or --redis, not both: with --redis, odeon worker processes do the work.',
        'workers',
      );
    const timeout = options.timeout === undefined ? 86_400 : Number(options.timeout);
    if (!(timeout > 0))
      throw usage(
        `--timeout must be a positive number of seconds (got ${JSON.stringify(options.timeout)}).`,
        'timeout',
      );
    // The run id names the results file: a rerun of the same work finds and resumes it.
    const runId = runIdOf(CLI_VERSION, [{ name: label, input: identity }]);
    const path = resolve(io.cwd, options.results ?? `out/runs/${label}-${runId}.jsonl`);
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (cause) {
      throw new OdeonError('IoError', `Cannot create the folder of ${JSON.stringify(path)}.`, {
        cause,
        hint: 'Check --results.',
      });
    }
    io.stderr(`odeon: run ${runId} on ${options.redis}; results in ${path}\n`);
    return queueRunner({
      redis: options.redis,
      version: CLI_VERSION,
      runId,
      store: jsonlStore(path),
      timeoutMs: timeout * 1000,
      onProgress: (p: QueueProgress) => {
        io.stderr(
          `odeon: ${p.done}/${p.total} done (${p.resumed} resumed), ${p.workers} worker(s) connected\n`,
        );
      },
    });
  }
  if (options.results !== undefined) throw usage('--results goes with --redis.', 'results');
  return createPool({ workers: workers ?? 0, handlers, script: workerScript() });
}
