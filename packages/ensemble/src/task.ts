import { OdeonError, type OdeonErrorCode } from '@odeon/ode';
import {
  describeError,
  type EnsembleMember,
  type MemberResult,
  type MemberSolveOptions,
  solveMember,
} from './member.ts';
import { buildProblem, cachedProblem, type ProblemSource } from './problem-source.ts';

/** A unit of work, plain data: the name of a handler and its input. */
export interface Task<I = unknown> {
  readonly name: string;
  readonly input: I;
}

/** A task handler: plain data in, plain data out (it runs in a worker thread, Web Worker or machine). */
export type TaskHandler = (input: never) => unknown;

/** Handlers by name. Workers only run handlers they were given: a task names one, never code. */
export type TaskHandlers = Readonly<Record<string, TaskHandler>>;

/** What a worker sends back: the output, or the error as data (so its code survives the boundary). */
export type TaskReply =
  | { readonly ok: true; readonly output: unknown }
  | {
      readonly ok: false;
      readonly error: { readonly code: OdeonErrorCode | 'Error'; readonly message: string };
    };

/**
 * Input of the built-in `ensemble.members` task: a chunk of members of one ensemble. The problem is
 * given by `source`, or by `key` alone once the worker has built it (see `sourceKey`); a worker
 * without it answers `{ missingSource: key }` and gets the task again with the source.
 */
export interface MembersTaskInput {
  readonly source?: ProblemSource;
  readonly key?: string;
  readonly options: MemberSolveOptions;
  readonly members: readonly { readonly index: number; readonly member: EnsembleMember }[];
}

/** One member of a {@link MembersTaskOutput}, without its values. */
export interface PackedMember {
  readonly index: number;
  readonly status: MemberResult['status'];
  /** Position of its names in `names`. */
  readonly names: number;
  /** How many values of `y` are its own (`saveAt.length × names.length`). */
  readonly length: number;
  readonly steps: number;
  readonly rhsEvals: number;
  readonly error?: MemberResult['error'];
}

/**
 * Output of `ensemble.members`: the chunk's values in one Float64Array (transferred from a worker
 * thread, not copied), member after member, each `saveAt.length × names.length`.
 */
export interface MembersTaskOutput {
  /** The distinct name lists of the chunk's members (one, unless some failed). */
  readonly names: readonly (readonly string[])[];
  readonly members: readonly PackedMember[];
  readonly y: Float64Array;
  /** Milliseconds the worker spent on the chunk (the ensemble sizes its next chunks from it). */
  readonly ms: number;
}

const TRANSFER = Symbol('odeon.transfer');

/** Marks buffers of a handler's output to be moved, not copied, to the thread that sent the task. */
export function withTransfer<O extends object>(output: O, buffers: readonly ArrayBuffer[]): O {
  Object.defineProperty(output, TRANSFER, { value: buffers, enumerable: false });
  return output;
}

/** The buffers a reply's output marked with {@link withTransfer} (none for other replies). */
export function transferList(reply: TaskReply): readonly ArrayBuffer[] {
  if (!reply.ok || reply.output === null || typeof reply.output !== 'object') return [];
  return (reply.output as { [TRANSFER]?: readonly ArrayBuffer[] })[TRANSFER] ?? [];
}

/** Solves a chunk of ensemble members (the problem is rebuilt once per worker and source). */
export async function solveMembersTask(
  input: MembersTaskInput,
): Promise<MembersTaskOutput | { readonly missingSource: string }> {
  const cached = input.key !== undefined ? cachedProblem(input.key) : undefined;
  if (cached === undefined && input.source === undefined) return { missingSource: String(input.key) };
  const built = await (cached ?? buildProblem(input.source as ProblemSource, input.key));
  const start = performance.now();
  const results = input.members.map(({ index, member }) => solveMember(built, member, input.options, index));
  return packMembers(results, performance.now() - start);
}

/** Packs member results into one {@link MembersTaskOutput} (its values buffer marked for transfer). */
export function packMembers(results: readonly MemberResult[], ms: number): MembersTaskOutput {
  const names: (readonly string[])[] = [];
  let size = 0;
  for (const r of results) size += r.y.length;
  const y = new Float64Array(size);
  let at = 0;
  const members = results.map((r): PackedMember => {
    let k = names.findIndex((n) => n === r.names || sameNames(n, r.names));
    if (k < 0) k = names.push(r.names) - 1;
    y.set(r.y, at);
    at += r.y.length;
    return {
      index: r.index,
      status: r.status,
      names: k,
      length: r.y.length,
      steps: r.steps,
      rhsEvals: r.rhsEvals,
      ...(r.error !== undefined ? { error: r.error } : {}),
    };
  });
  return withTransfer({ names, members, y, ms }, [y.buffer]);
}

/** The member results of a {@link MembersTaskOutput}; their `y` are views of its one buffer. */
export function unpackMembers(output: MembersTaskOutput): MemberResult[] {
  let at = 0;
  return output.members.map((m) => {
    const names = output.names[m.names];
    const y = output.y.subarray(at, at + m.length);
    at += m.length;
    return {
      index: m.index,
      status: m.status,
      names,
      y,
      steps: m.steps,
      rhsEvals: m.rhsEvals,
      ...(m.error !== undefined ? { error: m.error } : {}),
    };
  });
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/** The handlers every worker has (`pool.ping` answers at once: a pool's start-up is timed with it). */
export const BUILTIN_HANDLERS: TaskHandlers = {
  'ensemble.members': solveMembersTask as TaskHandler,
  'pool.ping': () => ({}),
};

/** Runs a task with the given handlers; errors come back as data (`ok: false`), never thrown. */
export async function runTask(handlers: TaskHandlers, task: Task): Promise<TaskReply> {
  try {
    const handler = handlers[task?.name] ?? BUILTIN_HANDLERS[task?.name];
    if (typeof handler !== 'function')
      throw new OdeonError(
        'InvalidOption',
        `No task handler named ${JSON.stringify(String(task?.name).slice(0, 60))}.`,
        {
          option: 'task',
          allowed: [...new Set([...Object.keys(BUILTIN_HANDLERS), ...Object.keys(handlers)])].join(', '),
          hint: 'Start the workers with the handlers this task needs (same program and version).',
        },
      );
    return { ok: true, output: await (handler as (input: unknown) => unknown)(task.input) };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

/** Turns a reply back into the output, or throws its error as an `OdeonError` of the same code. */
export function unwrapReply<O>(reply: TaskReply, what: string): O {
  if (reply.ok) return reply.output as O;
  const code: OdeonErrorCode = reply.error.code === 'Error' ? 'TaskFailed' : reply.error.code;
  throw new OdeonError(
    code,
    `${what} failed: ${reply.error.message}`,
    code === 'TaskFailed'
      ? { hint: 'The task threw an error that is not an OdeonError: see its message.' }
      : {},
  );
}
