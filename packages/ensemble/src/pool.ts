import { invalidOption } from '@odeon/ode';
import workerpool from 'workerpool';
import { describeError } from './member.ts';
import { runTask, type Task, type TaskHandlers, type TaskReply } from './task.ts';
import { nodeProcess, workerThreadStart } from './worker-thread.ts';

/** Runs tasks: in this thread (`workers: 0`), or on a pool of worker threads / Web Workers. */
export interface TaskRunner {
  /** Number of workers (0: this thread). */
  readonly workers: number;
  /** Runs one task; its errors come back in the reply (see `unwrapReply`). */
  run(task: Task): Promise<TaskReply>;
  /**
   * Stops the workers: waits for running tasks, or with `force` stops them at once (their `run`
   * replies fail, queued tasks are dropped). Idempotent; a forced close may follow a waiting one.
   */
  close(options?: CloseOptions): Promise<void>;
  /**
   * Runs a whole list at once (a distributed queue does, to resume a run by task index). Replies come
   * in task order; `onResult` sees each once, in completion order.
   */
  runAll?(
    tasks: readonly Task[],
    onResult: (reply: TaskReply, index: number, done: number, total: number) => void,
  ): Promise<TaskReply[]>;
}

/** Options of {@link TaskRunner.close}. */
export interface CloseOptions {
  /** Stop the running tasks at once (terminate the worker threads) instead of waiting. Default false. */
  readonly force?: boolean;
}

/** Options of {@link createPool}. */
export interface PoolOptions {
  /** Workers: 0 runs every task in this thread. Default 0. */
  readonly workers?: number;
  /**
   * Worker script: a module that calls `serveWorker(handlers)`. Default this package's worker, which
   * knows the built-in handlers. In a browser give the URL of your bundled worker module.
   */
  readonly script?: string | URL;
  /** Handlers for `workers: 0` (workers get theirs from their script). */
  readonly handlers?: TaskHandlers;
  /** `thread` (Node worker_threads), `web` (Web Workers) or `auto` (the platform's). Default `auto`. */
  readonly workerType?: 'auto' | 'thread' | 'web';
  /**
   * Node flags of worker threads. Default: the process's own without a tsx loader (`--import tsx`:
   * a JS worker does not need it, and it costs each worker a loader thread), plus
   * `--conditions=@odeon/source` and a tsx bootstrap when the script is TypeScript source (a checkout).
   */
  readonly execArgv?: readonly string[];
}

const POOL_DEFAULTS = {
  workers: 0,
  script: '',
  handlers: {},
  workerType: 'auto',
  execArgv: [],
} as const satisfies Required<PoolOptions>;

const MAX_WORKERS = 1024;

/** The URL of this package's worker script (source or build, beside this module). */
export function defaultWorkerScript(): URL {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./worker-entry.${ext}`, import.meta.url);
}

/** A task runner: this thread, or a `workerpool` pool of worker threads (Node) or Web Workers (browsers). */
export function createPool(options: PoolOptions = {}): TaskRunner {
  const o = { ...POOL_DEFAULTS, ...options };
  if (!Number.isInteger(o.workers) || o.workers < 0 || o.workers > MAX_WORKERS)
    throw invalidOption('workers', o.workers, `an integer in [0, ${MAX_WORKERS}]`);
  if (o.workers === 0) {
    let closed = false;
    return {
      workers: 0,
      run: (task) =>
        closed
          ? Promise.reject(invalidOption('pool', 'closed', 'a pool that is still open'))
          : runTask(o.handlers, task),
      close: async () => {
        closed = true;
      },
    };
  }
  const url = options.script === undefined ? defaultWorkerScript() : new URL(String(options.script));
  const node = nodeProcess();
  const workerType = o.workerType === 'auto' ? (node !== undefined ? 'thread' : 'web') : o.workerType;
  let script: string;
  const extra: Record<string, unknown> = {};
  if (workerType === 'thread') {
    const start = workerThreadStart(
      url,
      options.execArgv !== undefined ? { execArgv: options.execArgv } : {},
    );
    script = start.script;
    extra.workerThreadOpts = {
      execArgv: start.execArgv,
      ...(start.workerData !== undefined ? { workerData: start.workerData } : {}),
    };
  } else {
    script = url.href;
    extra.workerOpts = { type: 'module' };
  }
  // Every worker starts now (not at its first task), so start-up overlaps the caller's own work.
  const pool = workerpool.pool(script, { minWorkers: 'max', maxWorkers: o.workers, workerType, ...extra });
  let closing: Promise<void> | undefined;
  let forced: Promise<void> | undefined;
  // a forced close also settles a waiting close made before it (workerpool leaves that one pending)
  let stopped = () => {};
  const stoppedAtOnce = new Promise<void>((done) => {
    stopped = done;
  });
  return {
    workers: o.workers,
    // A worker that dies (or a script that fails to load) rejects: that becomes a failed reply too.
    // (workerpool would start new workers for a task after terminate: a closed pool refuses it)
    run: (task) =>
      Promise.resolve(
        closing !== undefined || forced !== undefined
          ? Promise.reject(invalidOption('pool', 'closed', 'a pool that is still open'))
          : (pool.exec('run', [task]) as unknown as Promise<TaskReply>),
      ).catch((error: unknown): TaskReply => ({ ok: false, error: describeError(error) })),
    close: (closeOptions = {}) => {
      if (closeOptions.force === true) {
        forced ??= Promise.resolve(pool.terminate(true)).then(stopped);
        return forced;
      }
      closing ??= Promise.race([Promise.resolve(pool.terminate()).then(() => undefined), stoppedAtOnce]);
      return closing;
    },
  };
}

/** Options of {@link runTasks}. */
export interface RunTasksOptions {
  /** Called as each task finishes (in completion order) with its reply and position. */
  readonly onResult?: (reply: TaskReply, index: number, done: number, total: number) => void;
}

/**
 * Runs tasks on a runner and returns their replies in task order (so whatever finishes first, the
 * result is the same). Every task is submitted; the pool queues what its workers cannot take yet.
 */
export async function runTasks(
  runner: TaskRunner,
  tasks: readonly Task[],
  options: RunTasksOptions = {},
): Promise<TaskReply[]> {
  if (runner.runAll !== undefined) return runner.runAll(tasks, options.onResult ?? (() => {}));
  const replies: TaskReply[] = new Array(tasks.length);
  let done = 0;
  if (runner.workers === 0) {
    for (let i = 0; i < tasks.length; i++) {
      replies[i] = await runner.run(tasks[i]);
      options.onResult?.(replies[i], i, ++done, tasks.length);
    }
    return replies;
  }
  await Promise.all(
    tasks.map(async (task, i) => {
      replies[i] = await runner.run(task);
      options.onResult?.(replies[i], i, ++done, tasks.length);
    }),
  );
  return replies;
}
