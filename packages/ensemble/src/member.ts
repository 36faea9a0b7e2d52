import { type MethodName, OdeonError, type OdeonErrorCode, solve } from '@odeon/ode';
import { simulate } from '@odeon/sbml';
import type { BuiltProblem } from './problem-source.ts';

/** Values by name (state or parameter id), or a full vector in the problem's order. */
export type Overrides = Readonly<Record<string, number>> | readonly number[];

/** One member of an ensemble: what differs from the base problem. Plain data (sent to workers). */
export interface EnsembleMember {
  /** Parameter values by id, or the full parameter vector. */
  readonly p?: Overrides;
  /** Initial values by state id, or the full initial state. */
  readonly y0?: Overrides;
  /** Solver settings of this member (override the ensemble's). */
  readonly method?: MethodName;
  readonly rtol?: number;
  readonly atol?: number;
  readonly maxSteps?: number;
}

/** Time span, output times and solver settings shared by the members of an ensemble. */
export interface MemberSolveOptions {
  /** Start time; default the problem's `t0` (0 for models). */
  readonly t0?: number;
  /** End time; default the problem's `t1`, required for models. */
  readonly t1?: number;
  /** Output times (sorted, within [t0, t1]): every member reports its state there. */
  readonly saveAt: readonly number[];
  readonly method?: MethodName;
  readonly rtol?: number;
  readonly atol?: number;
  readonly maxSteps?: number;
}

/** Outcome of one member: its trajectory at `saveAt`, or why it failed. Plain data. */
export interface MemberResult {
  /** Position of the member in the ensemble. */
  readonly index: number;
  /** `success`: reached t1; `terminated`: a terminal event stopped it; `failed`: see `error`. */
  readonly status: 'success' | 'terminated' | 'failed';
  /** Reported quantities (the states, or a model's species). */
  readonly names: readonly string[];
  /** Row-major saveAt.length × names.length; NaN rows after a terminal event or failure. */
  readonly y: Float64Array;
  /** Solver steps and right-hand-side evaluations. */
  readonly steps: number;
  readonly rhsEvals: number;
  readonly error?: { readonly code: OdeonErrorCode | 'Error'; readonly message: string };
}

function resolveOverrides(
  out: Float64Array,
  overrides: Overrides | undefined,
  names: readonly string[],
  what: 'p' | 'y0',
): Float64Array {
  if (overrides === undefined) return out;
  if (Array.isArray(overrides)) {
    if (overrides.length !== out.length)
      throw new OdeonError(
        'ShapeMismatch',
        `A member's ${what} has ${overrides.length} values; the problem has ${out.length}.`,
        {
          option: what,
          hint: 'Give the full vector, or values by name.',
        },
      );
    for (let i = 0; i < out.length; i++) out[i] = overrides[i];
    return out;
  }
  for (const [name, value] of Object.entries(overrides as Record<string, number>)) {
    const k = names.indexOf(name);
    if (k < 0)
      throw new OdeonError(
        'InvalidOption',
        `A member sets ${what} ${JSON.stringify(name.slice(0, 60))}, which the problem does not have.`,
        {
          option: what,
          element: name,
          allowed: names.slice(0, 20).join(', ') || '(no names: give the full vector)',
          hint: 'Use the ids of the model (odeon info lists them).',
        },
      );
    if (typeof value !== 'number') throw invalidMember(what, name, value);
    out[k] = value;
  }
  return out;
}

function invalidMember(what: string, name: string, value: unknown): OdeonError {
  return new OdeonError('InvalidOption', `A member's ${what}.${name} is not a number.`, {
    option: what,
    element: name,
    value,
    hint: 'Give numbers.',
  });
}

/** Solves one member on a rebuilt problem. Solver errors become a `failed` result, never a throw. */
export function solveMember(
  built: BuiltProblem,
  member: EnsembleMember,
  options: MemberSolveOptions,
  index: number,
): MemberResult {
  const saveAt = options.saveAt;
  const method = member.method ?? options.method;
  const rtol = member.rtol ?? options.rtol;
  const atol = member.atol ?? options.atol;
  const maxSteps = member.maxSteps ?? options.maxSteps;
  const solver = {
    ...(method !== undefined ? { method } : {}),
    ...(rtol !== undefined ? { rtol } : {}),
    ...(atol !== undefined ? { atol } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
  };
  let names: readonly string[] = built.stateNames;
  try {
    if (built.kind === 'model') {
      const model = built.model;
      const t0 = options.t0 ?? 0;
      if (options.t1 === undefined)
        throw new OdeonError('InvalidOption', 'An ensemble over a model needs an end time t1.', {
          option: 't1',
          hint: 'Set t1 (or saveAt ending at it).',
        });
      // Overrides go into the declared numbers so that initial assignments see them, then win.
      const declared = Float64Array.from(model.declared);
      const yDecl = resolveOverrides(declared.subarray(0, model.n), member.y0, model.stateIds, 'y0');
      const pDecl = resolveOverrides(declared.subarray(model.n), member.p, model.paramIds, 'p');
      const init = model.initialize(declared, t0);
      if (member.y0 !== undefined) pinOverrides(init.y0, yDecl, member.y0, model.stateIds);
      if (member.p !== undefined) pinOverrides(init.p, pDecl, member.p, model.paramIds);
      const course = simulate(model, {
        t0,
        t1: options.t1,
        times: saveAt,
        y0: init.y0,
        p: init.p,
        ...solver,
      });
      return {
        index,
        status: 'success',
        names: course.names,
        y: course.values,
        steps: course.stats.steps,
        rhsEvals: course.stats.rhsEvals,
      };
    }
    const problem = built.problem;
    const y0 = resolveOverrides(Float64Array.from(problem.y0), member.y0, built.stateNames, 'y0');
    const p = resolveOverrides(Float64Array.from(problem.p ?? []), member.p, built.paramNames, 'p');
    const t0 = options.t0 ?? problem.t0;
    const t1 = options.t1 ?? problem.t1;
    const sol = solve({ ...problem, y0, p, t0, t1 }, { ...solver, saveAt });
    names =
      built.stateNames.length === sol.n ? built.stateNames : Array.from({ length: sol.n }, (_, i) => `y${i}`);
    const y = new Float64Array(saveAt.length * sol.n).fill(Number.NaN);
    y.set(sol.y.subarray(0, Math.min(sol.y.length, y.length)));
    return { index, status: sol.status, names, y, steps: sol.stats.steps, rhsEvals: sol.stats.rhsEvals };
  } catch (error) {
    const n = names.length;
    return {
      index,
      status: 'failed',
      names,
      y: new Float64Array(saveAt.length * n).fill(Number.NaN),
      steps: 0,
      rhsEvals: 0,
      error: describeError(error),
    };
  }
}

function pinOverrides(
  out: Float64Array,
  requested: Float64Array,
  overrides: Overrides,
  names: readonly string[],
): void {
  if (Array.isArray(overrides)) out.set(requested);
  else for (const name of Object.keys(overrides)) out[names.indexOf(name)] = requested[names.indexOf(name)];
}

/** An error as plain data (its `OdeonError` code, or `Error`). */
export function describeError(error: unknown): { code: OdeonErrorCode | 'Error'; message: string } {
  if (error instanceof OdeonError) return { code: error.code, message: error.message };
  return { code: 'Error', message: error instanceof Error ? error.message : String(error) };
}
