import { invalidOption, OdeonError, type OdeProblem } from '@odeon/ode';
import type { EnsembleMember, MemberResult, MemberSolveOptions } from './member.ts';
import { solveMember } from './member.ts';
import { createPool, runTasks, type TaskRunner } from './pool.ts';
import { fromProblem, type ProblemSource, sourceKey } from './problem-source.ts';
import { type EnsembleStats, ensembleStats } from './stats.ts';
import {
  type MembersTaskInput,
  type MembersTaskOutput,
  type Task,
  type TaskReply,
  unpackMembers,
  unwrapReply,
} from './task.ts';

/** Options of {@link runEnsemble}. */
export interface EnsembleOptions extends MemberSolveOptions {
  /**
   * The base problem: a source a worker can rebuild (model text, or a module path), or an in-memory
   * `OdeProblem` (this thread only).
   */
  readonly problem: ProblemSource | OdeProblem;
  /** Parameter names of an in-memory problem (for members that set `p` by name). */
  readonly paramNames?: readonly string[];
  /** The members: what each changes (see `sampleMembers` for random draws and grids). */
  readonly members: readonly EnsembleMember[];
  /** Quantile levels of the statistics. Default [0.05, 0.5, 0.95]. */
  readonly quantiles?: readonly number[];
  /** Workers (0: this thread). Ignored when `pool` is given. Default 0. */
  readonly workers?: number;
  /** A pool to run on (e.g. Web Workers in a browser); the caller closes it. */
  readonly pool?: TaskRunner;
  /**
   * Members per task. Default: sized as the ensemble runs, from the measured time per member (about
   * 40 ms a task, smaller towards the end); for a queue (`runAll`), about 4 tasks per worker, at most 64
   * members each. The results do not depend on it.
   */
  readonly chunkSize?: number;
  /** Called as members finish (in completion order): stream results to disk or a plot. */
  readonly onMember?: (result: MemberResult, done: number, total: number) => void;
}

/** Result of {@link runEnsemble}: every member (in member order) and the statistics. */
export interface EnsembleResult {
  readonly members: readonly MemberResult[];
  readonly stats: EnsembleStats;
}

function isProblem(p: ProblemSource | OdeProblem): p is OdeProblem {
  return typeof (p as OdeProblem).rhs === 'function';
}

/**
 * Solves every member of an ensemble and summarises them (mean, std, quantiles at `saveAt`, status
 * counts). Members fail alone (their `status` and `error` say why); the ensemble throws only for bad
 * options. The results do not depend on the number of workers or the chunk size: each member is
 * solved on its own, and statistics are taken in member order.
 */
export async function runEnsemble(options: EnsembleOptions): Promise<EnsembleResult> {
  const members = options.members;
  if (!Array.isArray(members) || members.length === 0)
    throw invalidOption('members', members, 'a non-empty list of members');
  checkSaveAt(options);
  const solveOptions: MemberSolveOptions = {
    saveAt: [...options.saveAt],
    ...(options.t0 !== undefined ? { t0: options.t0 } : {}),
    ...(options.t1 !== undefined ? { t1: options.t1 } : {}),
    ...(options.method !== undefined ? { method: options.method } : {}),
    ...(options.rtol !== undefined ? { rtol: options.rtol } : {}),
    ...(options.atol !== undefined ? { atol: options.atol } : {}),
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
  };
  const results: MemberResult[] = new Array(members.length);
  let done = 0;
  const emit = (r: MemberResult) => {
    results[r.index] = r;
    options.onMember?.(r, ++done, members.length);
  };
  if (isProblem(options.problem)) {
    if ((options.pool?.workers ?? options.workers ?? 0) > 0)
      throw new OdeonError(
        'InvalidProblem',
        'An in-memory OdeProblem cannot be sent to workers (functions do not cross threads).',
        {
          option: 'problem',
          hint: 'Give { kind: "model", text } or { kind: "module", module, export } so each worker can rebuild it, or use workers: 0.',
        },
      );
    const built = fromProblem(options.problem, options.paramNames);
    members.forEach((member, index) => {
      emit(solveMember(built, member, solveOptions, index));
    });
  } else {
    const source = options.problem;
    const pool = options.pool ?? createPool({ workers: options.workers ?? 0 });
    try {
      if (options.chunkSize !== undefined && (!Number.isInteger(options.chunkSize) || options.chunkSize < 1))
        throw invalidOption('chunkSize', options.chunkSize, 'an integer ≥ 1');
      const chunks = { source, members, options: solveOptions, chunkSize: options.chunkSize, emit };
      if (pool.runAll !== undefined) await runFixedChunks(pool, chunks);
      else await runAdaptiveChunks(pool, chunks);
    } finally {
      if (options.pool === undefined) await pool.close();
    }
  }
  return { members: results, stats: ensembleStats(results, solveOptions.saveAt, options.quantiles) };
}

function checkSaveAt(options: EnsembleOptions): void {
  const s = options.saveAt;
  const ok =
    Array.isArray(s) && s.length > 0 && s.every((t, i) => Number.isFinite(t) && (i === 0 || t >= s[i - 1]));
  if (!ok) throw invalidOption('saveAt', s, 'a non-empty, sorted list of finite output times');
}

interface Chunks {
  readonly source: ProblemSource;
  readonly members: readonly EnsembleMember[];
  readonly options: MemberSolveOptions;
  readonly chunkSize: number | undefined;
  readonly emit: (result: MemberResult) => void;
}

function membersTask(c: Chunks, start: number, end: number, key: string | undefined, withSource: boolean) {
  const input: MembersTaskInput = {
    ...(withSource || key === undefined ? { source: c.source } : {}),
    ...(key !== undefined ? { key } : {}),
    options: c.options,
    members: c.members.slice(start, end).map((member, k) => ({ index: start + k, member })),
  };
  return { name: 'ensemble.members', input } satisfies Task<MembersTaskInput>;
}

function emitReply(c: Chunks, reply: TaskReply): void {
  for (const r of unpackMembers(unwrapReply<MembersTaskOutput>(reply, 'An ensemble task'))) c.emit(r);
}

/**
 * A runner that takes the whole list (a queue: its run id names the tasks, so a rerun resumes):
 * fixed chunks, each with the source. A task that failed as a whole is reported after the others.
 */
async function runFixedChunks(pool: TaskRunner, c: Chunks): Promise<void> {
  const workers = Math.max(1, pool.workers);
  const n = c.members.length;
  const chunk = c.chunkSize ?? Math.max(1, Math.min(64, Math.ceil(n / (4 * workers))));
  const key = await sourceKey(c.source);
  const tasks: Task<MembersTaskInput>[] = [];
  for (let start = 0; start < n; start += chunk)
    tasks.push(membersTask(c, start, Math.min(n, start + chunk), key, true));
  let failed: TaskReply | undefined;
  await runTasks(pool, tasks, {
    onResult: (reply) => {
      if (reply.ok) emitReply(c, reply);
      else failed ??= reply;
    },
  });
  if (failed !== undefined) unwrapReply(failed, 'An ensemble task');
}

/** Milliseconds a chunk should take: long against the cost of a task, short against the ensemble. */
const TARGET_CHUNK_MS = 40;

/**
 * Threads (or this thread): chunks are cut as workers free up, sized from the measured time per
 * member so each takes about {@link TARGET_CHUNK_MS}, and shrinking towards the end so the workers
 * finish together. The problem travels by key once a worker has built it. Members are solved
 * independently, so the results do not depend on the chunks.
 */
async function runAdaptiveChunks(pool: TaskRunner, c: Chunks): Promise<void> {
  const n = c.members.length;
  const workers = Math.max(1, pool.workers);
  const key = pool.workers > 0 ? await sourceKey(c.source) : undefined;
  const inFlight = 2 * workers;
  let next = 0;
  // Milliseconds per member, from the latest chunks (the first ones run before the JIT has warmed up).
  let perMember = Number.NaN;
  let failed: TaskReply | undefined;
  const size = (): number => {
    if (c.chunkSize !== undefined) return c.chunkSize;
    const share = Math.ceil((n - next) / (2 * workers));
    // Until a chunk has been timed: small chunks.
    if (Number.isNaN(perMember)) return Math.max(1, Math.min(share, 8, Math.ceil(n / (16 * workers))));
    return Math.max(1, Math.min(share, Math.round(TARGET_CHUNK_MS / Math.max(perMember, 1e-3))));
  };
  const runChunk = async (start: number, end: number): Promise<void> => {
    let reply = await pool.run(membersTask(c, start, end, key, false));
    const missing = reply.ok && (reply.output as { missingSource?: string }).missingSource !== undefined;
    if (missing) reply = await pool.run(membersTask(c, start, end, key, true));
    if (!reply.ok) {
      // Reported once every other chunk has finished: nothing else is lost.
      failed ??= reply;
      return;
    }
    const rate = (reply.output as MembersTaskOutput).ms / (end - start);
    perMember = Number.isNaN(perMember) ? rate : 0.5 * (perMember + rate);
    emitReply(c, reply);
  };
  const lane = async (): Promise<void> => {
    while (next < n) {
      const start = next;
      next = Math.min(n, start + size());
      await runChunk(start, next);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, lane));
  if (failed !== undefined) unwrapReply(failed, 'An ensemble task');
}
