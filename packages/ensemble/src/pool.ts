import { invalidOption } from '@odeon/ode';
import workerpool from 'workerpool';
import { runTask, type Task, type TaskHandlers, type TaskReply } from './task.ts';

/** Runs tasks: in this thread (`workers: 0`), or on a pool of worker threads / Web Workers. */
export interface TaskRunner {
  /** Number of workers (0: this thread). */
  readonly workers: number;
  /** Runs one task; its errors come back in the reply (see `unwrapReply`). */
  run(task: Task): Promise<TaskReply>;
  /** Stops the workers (waits for running tasks). Idempotent. */
  close(): Promise<void>;
  /**
   * Runs a whole list at once (a distributed queue does, to resume a run by task index). Replies come
   * in task order; `onResult` sees each once, in completion order.
   */
  runAll?(
    tasks: readonly Task[],
    onResult: (reply: TaskReply, index: number, done: number, total: number) => void,
  ): Promise<TaskReply[]>;
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
   * Node flags of worker threads. Default: the process's own (plus `--conditions=@odeon/source` and a
   * tsx bootstrap when the script is TypeScript source, i.e. a monorepo checkout).
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

interface NodeProcess {
  readonly versions?: { readonly node?: string };
  readonly execArgv?: readonly string[];
}

function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node !== undefined ? p : undefined;
}

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
    // Node's Worker takes a path, not a file: URL string.
    script = decodeURIComponent(url.pathname);
    const execArgv = [...(options.execArgv ?? node?.execArgv ?? [])];
    const threadOpts: Record<string, unknown> = {};
    if (script.endsWith('.ts')) {
      // TypeScript source (a monorepo checkout): a JS bootstrap registers tsx in the worker first.
      if (!execArgv.includes('--conditions=@odeon/source')) execArgv.push('--conditions=@odeon/source');
      threadOpts.workerData = { odeonTsEntry: url.href };
      script = decodeURIComponent(new URL('./ts-worker-bootstrap.mjs', import.meta.url).pathname);
    }
    extra.workerThreadOpts = { ...threadOpts, execArgv };
  } else {
    script = url.href;
    extra.workerOpts = { type: 'module' };
  }
  const pool = workerpool.pool(script, { maxWorkers: o.workers, workerType, ...extra });
  let closing: Promise<void> | undefined;
  return {
    workers: o.workers,
    run: (task) => pool.exec('run', [task]) as unknown as Promise<TaskReply>,
    close: () => {
      closing ??= Promise.resolve(pool.terminate()).then(() => undefined);
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
