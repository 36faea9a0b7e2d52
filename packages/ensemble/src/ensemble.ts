import { invalidOption, OdeonError, type OdeProblem } from '@odeon/ode';
import type { EnsembleMember, MemberResult, MemberSolveOptions } from './member.ts';
import { solveMember } from './member.ts';
import { createPool, runTasks, type TaskRunner } from './pool.ts';
import { fromProblem, type ProblemSource } from './problem-source.ts';
import { type EnsembleStats, ensembleStats } from './stats.ts';
import { type MembersTaskInput, type Task, type TaskReply, unwrapReply } from './task.ts';

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
  /** Members per task. Default: about 4 tasks per worker, at most 64 members each. */
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
    const workers = Math.max(1, pool.workers);
    const chunk = options.chunkSize ?? Math.max(1, Math.min(64, Math.ceil(members.length / (4 * workers))));
    if (!Number.isInteger(chunk) || chunk < 1) throw invalidOption('chunkSize', chunk, 'an integer ≥ 1');
    const tasks: Task<MembersTaskInput>[] = [];
    for (let start = 0; start < members.length; start += chunk) {
      const slice = members.slice(start, start + chunk).map((member, k) => ({ index: start + k, member }));
      tasks.push({ name: 'ensemble.members', input: { source, options: solveOptions, members: slice } });
    }
    // A task that failed as a whole is reported after the others finished (nothing else is lost).
    let failedReply: TaskReply | undefined;
    try {
      await runTasks(pool, tasks, {
        onResult: (reply) => {
          if (reply.ok) for (const r of reply.output as MemberResult[]) emit(r);
          else failedReply ??= reply;
        },
      });
    } finally {
      if (options.pool === undefined) await pool.close();
    }
    if (failedReply !== undefined) unwrapReply(failedReply, 'An ensemble task');
  }
  return { members: results, stats: ensembleStats(results, solveOptions.saveAt, options.quantiles) };
}

function checkSaveAt(options: EnsembleOptions): void {
  const s = options.saveAt;
  const ok =
    Array.isArray(s) && s.length > 0 && s.every((t, i) => Number.isFinite(t) && (i === 0 || t >= s[i - 1]));
  if (!ok) throw invalidOption('saveAt', s, 'a non-empty, sorted list of finite output times');
}
