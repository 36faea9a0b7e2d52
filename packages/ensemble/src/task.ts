import { OdeonError, type OdeonErrorCode } from '@odeon/ode';
import {
  describeError,
  type EnsembleMember,
  type MemberResult,
  type MemberSolveOptions,
  solveMember,
} from './member.ts';
import { buildProblem, type ProblemSource } from './problem-source.ts';

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

/** Input of the built-in `ensemble.members` task: a chunk of members of one ensemble. */
export interface MembersTaskInput {
  readonly source: ProblemSource;
  readonly options: MemberSolveOptions;
  readonly members: readonly { readonly index: number; readonly member: EnsembleMember }[];
}

/** Solves a chunk of ensemble members (the problem is rebuilt once per worker and source). */
export async function solveMembersTask(input: MembersTaskInput): Promise<MemberResult[]> {
  const built = await buildProblem(input.source);
  return input.members.map(({ index, member }) => solveMember(built, member, input.options, index));
}

/** The handlers every worker has. */
export const BUILTIN_HANDLERS: TaskHandlers = {
  'ensemble.members': solveMembersTask as TaskHandler,
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
