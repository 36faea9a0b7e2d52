// How to start a Node worker thread on a module, from a build or from TypeScript source (a checkout).
// No node: imports here: the pool (which also runs in browsers) uses it for its thread workers.

/** What `new Worker(script, { execArgv, workerData })` needs to start a thread on a module. */
export interface WorkerThreadStart {
  /** The file to start: the module itself, or a JS bootstrap that registers tsx and then loads it. */
  readonly script: string;
  readonly execArgv: string[];
  /** The caller's data, wrapped for the bootstrap (read it back with {@link workerThreadInput}). */
  readonly workerData: unknown;
}

/** Options of {@link workerThreadStart}. */
export interface WorkerThreadStartOptions {
  /** Node flags of the thread. Default: the process's own without a tsx loader (see below). */
  readonly execArgv?: readonly string[];
  /** Data for the thread (read it with {@link workerThreadInput}). */
  readonly workerData?: unknown;
}

interface NodeProcess {
  readonly versions?: { readonly node?: string };
  readonly execArgv?: readonly string[];
}

/** The Node `process`, or undefined in a browser. */
export function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node !== undefined ? p : undefined;
}

/** `execArgv` without the flags that load tsx (`--import tsx`, `--import=tsx`, `--require tsx/cjs`, …). */
export function withoutTsx(execArgv: readonly string[]): string[] {
  const isTsx = (value: string | undefined) => value === 'tsx' || value?.startsWith('tsx/') === true;
  const loaders = ['--import', '--require', '-r', '--loader', '--experimental-loader'];
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i];
    if (loaders.includes(flag) && isTsx(execArgv[i + 1])) i++;
    else if (!loaders.some((l) => flag.startsWith(`${l}=`) && isTsx(flag.slice(l.length + 1))))
      out.push(flag);
  }
  return out;
}

/**
 * How to start a worker thread on `entry`. The flags are the process's own without a tsx loader
 * (`--import tsx`: a JS worker does not need it, and it costs each worker a loader thread). A
 * TypeScript `entry` (a checkout) starts a JS bootstrap that registers tsx in the thread, with
 * `--conditions=@odeon/source`, so the thread loads the same sources as the main thread.
 */
export function workerThreadStart(entry: URL, options: WorkerThreadStartOptions = {}): WorkerThreadStart {
  const execArgv =
    options.execArgv !== undefined ? [...options.execArgv] : withoutTsx(nodeProcess()?.execArgv ?? []);
  // Node's Worker takes a path, not a file: URL string.
  const path = decodeURIComponent(entry.pathname);
  if (!path.endsWith('.ts')) return { script: path, execArgv, workerData: options.workerData };
  if (!execArgv.includes('--conditions=@odeon/source')) execArgv.push('--conditions=@odeon/source');
  return {
    script: decodeURIComponent(new URL('./ts-worker-bootstrap.mjs', import.meta.url).pathname),
    execArgv,
    workerData: { odeonTsEntry: entry.href, data: options.workerData },
  };
}

/** In a thread started by {@link workerThreadStart}: the data its starter gave. */
export function workerThreadInput<T>(workerData: unknown): T {
  const d = workerData as { odeonTsEntry?: string; data?: unknown };
  return (typeof d === 'object' && d !== null && 'odeonTsEntry' in d ? d.data : workerData) as T;
}
