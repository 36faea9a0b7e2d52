import { massMatrixOf } from './dae/mass-matrix.ts';
import { prepareDae } from './dae/prepare-dae.ts';
import { invalidOption, isOdeonError, OdeonError } from './errors.ts';
import { emptyStats, type SolverContext } from './internal/context.ts';
import { type IntegrateSettings, integrate } from './internal/integrate.ts';
import type { Stepper } from './internal/stepper.ts';
import { validatePattern } from './linalg/sparsity.ts';
import { guardRhs } from './rhs-guard.ts';
import {
  FIXED_STEP_METHODS,
  METHODS,
  type MethodName,
  SOLVE_DEFAULTS,
  type SolveOptions,
} from './solve-options.ts';
import { createStepper } from './solvers/create-stepper.ts';
import { explicitRk, rosenbrock, type Solver, solverName } from './solvers/solver-values.ts';
import type { OdeProblem, Solution } from './types.ts';
import { rejectUnknownKeys } from './unknown-keys.ts';

/** Every key of `SolveOptions` (a misspelt key is an error, not a silent default). */
const SOLVE_OPTION_KEYS = [
  'method',
  'rtol',
  'atol',
  'saveAt',
  'dense',
  'dt',
  'dt0',
  'dtMax',
  'maxSteps',
  'tstops',
  'events',
  'linearSolver',
  'preconditioner',
] as const satisfies readonly (keyof SolveOptions)[];

/**
 * Solves an initial value problem dy/dt = rhs(t, y, p), y(t0) = y0 on [t0, t1] (t1 < t0 integrates
 * backwards).
 *
 * @example
 * ```ts
 * const sol = solve(
 *   { rhs: (t, y, p, dy) => { dy[0] = -p[0] * y[0]; }, y0: [1], t0: 0, t1: 1, p: [2] },
 *   { method: 'tsit5', rtol: 1e-8, saveAt: [0, 0.5, 1] },
 * );
 * sol.y; // Float64Array [1, e^-1, e^-2] (to 1e-8)
 * ```
 * @throws OdeonError `InvalidOption` / `InvalidProblem` for bad input, `MaxStepsReached`,
 * `StepSizeTooSmall`, `NonFiniteState` when the integration cannot proceed.
 */
export function solve(problem: OdeProblem, options: SolveOptions = {}): Solution {
  rejectUnknownKeys(options, SOLVE_OPTION_KEYS, 'solve options');
  const { ctx, stepper, settings } = prepareSolve(problem, options);
  try {
    return integrate(ctx, stepper, settings);
  } catch (e) {
    const m = options.method ?? SOLVE_DEFAULTS.method;
    throw withMethodAwareHint(e, typeof m === 'string' ? m : '');
  }
}

/** Methods that already handle stiffness: a hint must not suggest switching to one of them. */
const STIFF_CAPABLE = new Set<string>(['rodas5p', 'rodas4', 'rosenbrock23', 'bdf', 'auto']);

/** A solver error whose hint suggests a stiff method when one is in use gets a hint that does not. */
function withMethodAwareHint(e: unknown, method: string): unknown {
  if (!isOdeonError(e) || !STIFF_CAPABLE.has(method)) return e;
  const hint = e.context.hint;
  if (typeof hint !== 'string' || !/stiff|rodas5p/.test(hint)) return e;
  const base = e.message.endsWith(` ${hint}`) ? e.message.slice(0, -hint.length - 1) : e.message;
  const next =
    e.code === 'MaxStepsReached'
      ? `Method "${method}" already handles stiffness: raise maxSteps, loosen the tolerances, or check the model for fast oscillations.`
      : `Method "${method}" already handles stiffness: check the model for a blow-up, a discontinuity or a singularity near this time (events or tstops mark discontinuities).`;
  return new OdeonError(e.code, base, { ...e.context, hint: next });
}

/** What `solve` runs: the validated context, the method's stepper and the driver's settings. */
export interface PreparedSolve {
  readonly ctx: SolverContext;
  readonly stepper: Stepper;
  readonly settings: IntegrateSettings;
}

/**
 * Validates `problem` and `options` as `solve` does and builds its context, stepper and settings, so
 * that callers (the gradient code) run the very same driver with their own hooks.
 */
export function prepareSolve(problem: OdeProblem, options: SolveOptions = {}): PreparedSolve {
  const y0 = toVector(problem.y0, 'y0', 'InvalidProblem');
  const n = y0.length;
  if (n === 0)
    throw new OdeonError('InvalidProblem', 'The problem has no state (y0 is empty).', {
      hint: 'Give y0 at least one component.',
    });
  const p = problem.p === undefined ? new Float64Array(0) : toVector(problem.p, 'p', 'InvalidProblem');
  const { t0, t1 } = problem;
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) {
    throw new OdeonError('InvalidProblem', `t0 and t1 must be finite numbers (got ${t0}, ${t1}).`, {
      value: [t0, t1],
      hint: 'Give a finite time span.',
    });
  }
  if (typeof problem.rhs !== 'function') {
    throw new OdeonError('InvalidProblem', 'problem.rhs must be a function (t, y, p, dydt) => void.', {
      hint: 'Write the derivatives into dydt.',
    });
  }

  const solver = resolveSolver(options.method ?? SOLVE_DEFAULTS.method);
  const method = solverName(solver);
  const rtol = options.rtol ?? SOLVE_DEFAULTS.rtol;
  if (!(rtol > 0 && rtol < 1)) throw invalidOption('rtol', rtol, 'a number in (0, 1)');
  const atol = new Float64Array(n);
  const atolIn = options.atol ?? SOLVE_DEFAULTS.atol;
  if (typeof atolIn === 'number') {
    if (!(atolIn >= 0 && Number.isFinite(atolIn))) throw invalidOption('atol', atolIn, 'a finite number ≥ 0');
    atol.fill(atolIn);
  } else {
    if (atolIn.length !== n) throw invalidOption('atol', atolIn, `a number or an array of length ${n}`);
    for (let i = 0; i < n; i++) {
      const v = atolIn[i];
      if (!(v >= 0 && Number.isFinite(v))) throw invalidOption(`atol[${i}]`, v, 'a finite number ≥ 0');
      atol[i] = v;
    }
  }
  for (let i = 0; i < n; i++)
    if (atol[i] === 0 && rtol === 0) throw invalidOption('atol', 0, 'atol > 0 or rtol > 0');

  const fixed =
    solver.kind === 'method'
      ? FIXED_STEP_METHODS.includes(solver.name)
      : solver.kind === 'explicit-rk' && solver.tableau.e === undefined;
  let dt = Number.NaN;
  if (fixed) {
    if (options.dt === undefined)
      throw invalidOption('dt', undefined, `a step size > 0 (method "${method}" is fixed-step)`);
    if (!(options.dt > 0 && Number.isFinite(options.dt)))
      throw invalidOption('dt', options.dt, 'a finite number > 0');
    dt = options.dt;
  } else if (options.dt !== undefined) {
    throw invalidOption(
      'dt',
      options.dt,
      `undefined for the adaptive method "${method}" (use dt0 for its initial step)`,
    );
  }
  const dt0 = options.dt0 ?? Number.NaN;
  if (options.dt0 !== undefined && !(options.dt0 > 0 && Number.isFinite(options.dt0))) {
    throw invalidOption('dt0', options.dt0, 'a finite number > 0');
  }
  const span = Math.abs(t1 - t0);
  const dtMax = options.dtMax ?? (span > 0 ? span : 1);
  if (!(dtMax > 0)) throw invalidOption('dtMax', options.dtMax, 'a number > 0');
  const maxSteps = options.maxSteps ?? SOLVE_DEFAULTS.maxSteps;
  if (!(Number.isInteger(maxSteps) && maxSteps > 0))
    throw invalidOption('maxSteps', maxSteps, 'a positive integer');
  const dir = t1 >= t0 ? 1 : -1;
  const lo = Math.min(t0, t1);
  const hi = Math.max(t0, t1);

  let saveAt: Float64Array | undefined;
  if (options.saveAt !== undefined) {
    saveAt = toVector(options.saveAt, 'saveAt', 'InvalidOption');
    for (let i = 0; i < saveAt.length; i++) {
      if (saveAt[i] < lo || saveAt[i] > hi) {
        throw invalidOption(
          'saveAt',
          options.saveAt,
          `times within [${lo}, ${hi}] (saveAt[${i}] = ${saveAt[i]})`,
        );
      }
      if (i > 0 && dir * (saveAt[i] - saveAt[i - 1]) < 0) {
        throw invalidOption('saveAt', options.saveAt, 'times sorted in the direction of integration');
      }
    }
  }
  const tstops =
    options.tstops === undefined ? new Float64Array(0) : toVector(options.tstops, 'tstops', 'InvalidOption');
  tstops.sort();
  if (dir < 0) tstops.reverse();
  let events =
    problem.events === undefined || problem.events.length === 0
      ? (options.events ?? [])
      : [...problem.events, ...(options.events ?? [])];
  for (let i = 0; i < events.length; i++) {
    const ev = events[i];
    if (typeof ev?.condition !== 'function')
      throw invalidOption(`events[${i}].condition`, ev?.condition, 'a function (t, y, p) => number');
    if (ev.direction !== undefined && ev.direction !== 1 && ev.direction !== -1 && ev.direction !== 0) {
      throw invalidOption(`events[${i}].direction`, ev.direction, '1, -1 or 0');
    }
  }

  const sparse = sparseSetup(problem, options, n);
  const ctx: SolverContext = {
    n,
    rhs: guardRhs(problem.rhs),
    p,
    jacobian: problem.jacobian,
    tgrad: problem.tgrad,
    rtol,
    atol,
    stats: emptyStats(),
    ...sparse,
    jvp: problem.jvp,
    t0,
    y0,
  };
  // large systems: the variable-order BDF with sparse linear algebra (see README, "Large stiff systems")
  const chosen: Solver = method === 'auto' && n >= AUTO_BDF_MIN_N ? { kind: 'method', name: 'bdf' } : solver;
  let stepper: Stepper;
  if (problem.massMatrix === undefined) stepper = createStepper(ctx, chosen);
  else {
    // an index-1 DAE: consistent y0 (in place), the Rosenbrock stepper on M/(hγ) − J, events re-initialise
    const dae = prepareDae(ctx, massMatrixOf(problem.massMatrix, n), solver, y0, t0, events, problem.names);
    stepper = dae.stepper;
    events = dae.events;
  }
  const settings: IntegrateSettings = {
    t0,
    t1,
    y0,
    dt,
    dt0,
    dtMax,
    maxSteps,
    saveAt,
    tstops,
    events,
    dense: options.dense ?? SOLVE_DEFAULTS.dense,
    names: problem.names,
  };
  return { ctx, stepper, settings };
}

/** A method name or a solver value, validated. */
function resolveSolver(m: unknown): Solver {
  if (typeof m === 'string') {
    if (!(METHODS as readonly string[]).includes(m))
      throw invalidOption('method', m, `one of ${METHODS.join(', ')}`);
    return { kind: 'method', name: m as MethodName };
  }
  const v = m as Partial<Solver> | null;
  if (v !== null && typeof v === 'object') {
    if (v.kind === 'method' && (METHODS as readonly string[]).includes(v.name as string)) return v as Solver;
    // re-validate tableaus built by hand rather than by rosenbrock()/explicitRk()
    if (v.kind === 'rosenbrock' && v.tableau !== undefined) return rosenbrock(v.tableau);
    if (v.kind === 'explicit-rk' && v.tableau !== undefined) return explicitRk(v.tableau);
  }
  throw invalidOption(
    'method',
    m,
    `one of ${METHODS.join(', ')}, or a solver value (rodas5p(), rosenbrock(tableau), ...)`,
  );
}

/** From this many states on, `auto` uses BDF with sparse linear algebra instead of Tsit5/Rodas5P switching. */
const AUTO_BDF_MIN_N = 200;

const LINEAR_SOLVERS = ['auto', 'dense', 'sparse', 'banded', 'gmres'] as const;

/** Validates the sparse parts of the problem and the linear-solver options at the public boundary. */
function sparseSetup(
  problem: OdeProblem,
  options: SolveOptions,
  n: number,
): Pick<SolverContext, 'sparsity' | 'sparseJacobian' | 'linearSolver' | 'preconditioner'> {
  const linearSolver = options.linearSolver ?? 'auto';
  if (!(LINEAR_SOLVERS as readonly string[]).includes(linearSolver))
    throw invalidOption('linearSolver', linearSolver, `one of ${LINEAR_SOLVERS.join(', ')}`);
  if (options.preconditioner !== undefined && typeof options.preconditioner !== 'function')
    throw invalidOption(
      'preconditioner',
      options.preconditioner,
      'a function (out, v, t, y, scale, shift) => void',
    );
  if (problem.sparseJacobian !== undefined && problem.jacobianSparsity === undefined) {
    throw new OdeonError('InvalidProblem', 'problem.sparseJacobian needs problem.jacobianSparsity.', {
      hint: 'Give the CSR pattern { n, rowPtr, colIdx } whose order sparseJacobian writes its values in.',
    });
  }
  const sparsity =
    problem.jacobianSparsity === undefined ? undefined : validatePattern(problem.jacobianSparsity, n);
  return {
    sparsity,
    sparseJacobian: problem.sparseJacobian,
    linearSolver,
    preconditioner: options.preconditioner,
  };
}

function toVector(
  v: ArrayLike<number>,
  name: string,
  code: 'InvalidProblem' | 'InvalidOption',
): Float64Array {
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') {
    throw new OdeonError(code, `\`${name}\` must be an array of numbers.`, {
      option: name,
      value: v,
      hint: `Pass ${name} as an array or Float64Array.`,
    });
  }
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new OdeonError(code, `\`${name}[${i}]\` is not a finite number (got ${String(x)}).`, {
        option: name,
        value: x,
        component: i,
        hint: `Every entry of ${name} must be a finite number.`,
      });
    }
    out[i] = x;
  }
  return out;
}
