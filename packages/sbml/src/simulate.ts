import {
  consistentInitialValues,
  type MethodName,
  type OdeEvent,
  OdeonError,
  type SolveStats,
  solve,
  type Vec,
} from '@odeon/ode';
import { type CompiledModel, type ObservableKind, SPARSE_MIN_STATES } from './compile.ts';
import { DelayTerms } from './internal/delay-terms.ts';
import { EventQueue } from './internal/event-queue.ts';
import { FastEquilibrium } from './internal/fast-equilibrium.ts';
import { type AtolScaling, stateTolerances } from './tolerances.ts';

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Start time. Default 0. */
  readonly t0?: number;
  /** End time. */
  readonly t1: number;
  /** Number of output intervals: outputs at t0 + i (t1 − t0)/steps, i = 0..steps. Default 100. */
  readonly steps?: number;
  /** Explicit output times (sorted, within [t0, t1]); overrides `steps`. */
  readonly times?: ArrayLike<number>;
  /** Quantities to report (default: every species, as its symbol means in math). */
  readonly variables?: readonly string[];
  /** Per variable: `amount`, `concentration` or `auto`. */
  readonly kinds?: readonly ObservableKind[];
  /** Solver method (default `rodas5p`: stiff-capable, 5th order, dense output). */
  readonly method?: MethodName;
  readonly rtol?: number;
  /**
   * Absolute tolerance (default 1e-12), on each state in its natural unit (see `atolScaling`); or one
   * value per state (stateIds order), used as given.
   */
  readonly atol?: number | ArrayLike<number>;
  /**
   * `natural` (default): `atol` applies to concentrations (scaled by compartment size for species stored
   * as amounts) and to other states relative to their initial magnitude, capped at 1 (see
   * `stateTolerances`); `none`: `atol` applies to the stored numbers as they are.
   */
  readonly atolScaling?: AtolScaling;
  /** Maximum solver steps per segment between events. Default 500 000. */
  readonly maxSteps?: number;
  /** Step size of the fixed-step methods (`euler`, `midpoint`, `rk4`); required with them. */
  readonly dt?: number;
  /** Initial state / parameters overriding the model's. */
  readonly y0?: ArrayLike<number>;
  readonly p?: ArrayLike<number>;
  /** Wall-clock budget in milliseconds, checked between integration segments (default: none). */
  readonly timeLimitMs?: number;
  /** Seed of the random choice between simultaneous events of equal priority (SBML leaves it random). Default 1. */
  readonly seed?: number;
}

const SIMULATE_DEFAULTS = {
  t0: 0,
  steps: 100,
  method: 'rodas5p',
  rtol: 1e-8,
  atol: 1e-12,
  atolScaling: 'natural',
  maxSteps: 500_000,
  seed: 1,
  timeLimitMs: Number.POSITIVE_INFINITY,
} as const satisfies Partial<Required<SimulateOptions>>;

/** A simulated time course. */
export interface TimeCourse {
  readonly times: Float64Array;
  readonly names: readonly string[];
  /** Row-major times.length × names.length. */
  readonly values: Float64Array;
  /** Solver work summed over all segments. */
  readonly stats: SolveStats;
  /** SBML events executed, in order. */
  readonly events: readonly { readonly t: number; readonly id: string }[];
}

/**
 * Simulates a compiled model with `@odeon/ode`, applying SBML event semantics: triggers fire on
 * false → true transitions (located by the solver's root finding on continuous trigger functions),
 * `initialValue` decides firing at t0, delays are scheduled as integration stops, simultaneous events run
 * by descending priority (ties at random, seeded), each execution re-evaluates the triggers (cascades),
 * non-persistent events are cancelled when their trigger turns false, and `useValuesFromTriggerTime`
 * decides when assignment values are computed. Discontinuities of piecewise right-hand sides restart the
 * integrator.
 *
 * @throws OdeonError `InvalidOption`, solver errors (`MaxStepsReached`, `StepSizeTooSmall`, ...),
 *   `SbmlSemanticError` for unknown variables.
 */
export function simulate(model: CompiledModel, options: SimulateOptions): TimeCourse {
  const o = { ...SIMULATE_DEFAULTS, ...options };
  const { t0, t1 } = o;
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || t1 < t0 || !Number.isFinite(t1 - t0))
    throw new OdeonError('InvalidOption', `Invalid time span [${t0}, ${t1}].`, {
      option: 't1',
      value: t1,
      allowed: 'finite t1 ≥ t0',
      hint: 'Give an end time after the start time.',
    });
  let times: Float64Array;
  if (options.times !== undefined) {
    times = Float64Array.from(options.times);
    for (let i = 0; i < times.length; i++)
      if (!(times[i] >= t0 && times[i] <= t1) || (i > 0 && times[i] < times[i - 1]))
        throw new OdeonError('InvalidOption', 'Output times must be sorted and within [t0, t1].', {
          option: 'times',
          hint: 'Sort the output times and keep them inside the time span.',
        });
  } else {
    const steps = o.steps;
    if (!(Number.isInteger(steps) && steps > 0 && steps <= 10_000_000))
      throw new OdeonError('InvalidOption', `Invalid number of steps ${steps}.`, {
        option: 'steps',
        value: steps,
        allowed: 'an integer in [1, 1e7]',
        hint: 'Give a positive integer number of output intervals.',
      });
    times = new Float64Array(steps + 1);
    const dt = (t1 - t0) / steps;
    for (let i = 0; i <= steps; i++) times[i] = t0 + i * dt;
    times[steps] = t1;
  }
  const names = defaultVariables(model, options.variables);
  const observe = model.observer(names, options.kinds ?? []);
  const m = names.length;
  const values = new Float64Array(times.length * m);
  const row = new Float64Array(m);

  // State and parameters (a dummy state when the model has none, so the solver can locate events in time).
  const n = Math.max(1, model.n);
  const init = model.initialize(model.declared, t0);
  const y = new Float64Array(n);
  y.set(options.y0 !== undefined ? Float64Array.from(options.y0) : init.y0);
  const pModel = options.p !== undefined ? Float64Array.from(options.p) : init.p;
  // Delay terms live after the parameters (p[np + i]); `delays.fill` sets them from the history.
  const p = new Float64Array(pModel.length + model.delays.count);
  p.set(pModel);
  for (const id of model.missingValues) {
    const k = model.stateIds.indexOf(id);
    const v = k >= 0 ? y[k] : p[model.paramIds.indexOf(id)];
    if (Number.isNaN(v))
      throw new OdeonError('SbmlSemanticError', `${id} has no value, but the model uses it.`, {
        element: id,
        hint: 'Give it a value (or initial amount/concentration or size) or an initial assignment, or pass it in y0/p.',
      });
  }
  let atol = stateTolerances(model, o.atol, o.atolScaling, t0, y, p);
  const delays = new DelayTerms(model, t0, y, p, options.y0 === undefined && options.p === undefined);
  const fill = (t: number, yy: Vec): void => {
    if (delays.count > 0) delays.fill(t, yy, p);
  };
  fill(t0, y);
  const fast = new FastEquilibrium(model);
  if (fast.count > 0) fast.equilibrate(t0, y, p);
  const modelRhs = model.rhs;
  const modelJac = model.jacobian;
  const rhs =
    model.n === 0
      ? (_t: number, _y: Vec, _p: Vec, dydt: Vec): void => {
          dydt[0] = 0;
        }
      : (t: number, yy: Vec, _p: Vec, dydt: Vec): void => {
          fill(t, yy);
          modelRhs(t, yy, p, dydt);
          if (fast.count > 0) fast.project(dydt, t, yy, p);
        };
  const jacobian =
    model.n === 0
      ? (_t: number, _y: Vec, _p: Vec, J: Vec): void => {
          J[0] = 0;
        }
      : (t: number, yy: Vec, _p: Vec, J: Vec): void => {
          fill(t, yy);
          modelJac(t, yy, p, J);
        };

  // Nonlinear algebraic rules: an index-1 DAE M y′ = f (Rodas). Its algebraic states are made consistent
  // at t0 and after events here (outputs at those times see them); each solve does it again.
  const massMatrix = model.massMatrix;
  const dae = massMatrix === undefined ? {} : { massMatrix };
  const consistent = (t: number): void => {
    if (massMatrix === undefined) return;
    const problem = {
      rhs,
      y0: y,
      t0: t,
      t1: t,
      p,
      massMatrix,
      names: model.stateIds,
      ...(fast.count > 0 ? {} : { jacobian }),
    };
    y.set(consistentInitialValues(problem, { rtol: o.rtol, atol }));
  };
  consistent(t0);
  // the algebraic states' magnitudes are known now (their declared values were guesses)
  if (massMatrix !== undefined) atol = stateTolerances(model, o.atol, o.atolScaling, t0, y, p);

  // large models: BDF on the sparse Jacobian (structural non-zeros only), unless a method is given
  const large = model.n >= SPARSE_MIN_STATES;
  const method = options.method ?? (large && massMatrix === undefined ? 'bdf' : o.method);
  if (massMatrix !== undefined && method !== 'rodas5p' && method !== 'rodas4' && method !== 'auto')
    throw new OdeonError(
      'InvalidOption',
      `Method "${method}" cannot simulate this model: it has algebraic states (${model.stateIds.filter((_, i) => massMatrix[i] === 0).join(', ')}), determined by nonlinear algebraic rules.`,
      {
        option: 'method',
        value: method,
        allowed: 'rodas5p, rodas4, auto',
        hint: 'Use method "rodas5p" (the default) or "rodas4": Rosenbrock methods for index-1 DAEs.',
      },
    );
  const modelSparse = model.sparse;
  const sparse = large
    ? {
        jacobianSparsity: modelSparse.jacobianSparsity,
        sparseJacobian: (t: number, yy: Vec, _p: Vec, v: Vec): void =>
          modelSparse.sparseJacobian(t, yy, p, v),
      }
    : {};

  const evs = model.events;
  const ne = evs.length;
  const queue = new EventQueue(evs, o.seed);
  const fired: { t: number; id: string }[] = [];

  const stats: SolveStats = {
    rhsEvals: 0,
    jacobianEvals: 0,
    luFactorizations: 0,
    linearSolves: 0,
    steps: 0,
    acceptedSteps: 0,
    rejectedSteps: 0,
    stiffnessSwitches: 0,
  };
  // Root functions: every trigger atom (relation a ⋈ b as a − b), then the RHS discontinuities.
  const atomBuf = evs.map((e) => new Float64Array(e.roots));
  const roots: OdeEvent[] = [];
  evs.forEach((e, i) => {
    for (let k = 0; k < e.roots; k++)
      roots.push({
        condition: (t: number, yy: Vec) => {
          fill(t, yy);
          return e.rootValues(atomBuf[i], t, yy, p)[k];
        },
        terminal: true,
      });
  });
  for (const g of model.discontinuities)
    roots.push({
      condition: (t: number, yy: Vec) => {
        fill(t, yy);
        return g(t, yy, p);
      },
      terminal: true,
    });

  // The trigger "at or just after" (t, y): where an atom is exactly zero the relation is on its boundary,
  // so the trigger is also evaluated a tiny step along the flow, and counts as true if either holds.
  const f = new Float64Array(n);
  const yNudge = new Float64Array(n);
  const nudgeH = 1e-10 * Math.max(Math.abs(t1 - t0), Math.abs(t0), Math.abs(t1), 1e-300);
  const triggerAt = (i: number, t: number): { now: boolean; after: boolean } => {
    const e = evs[i];
    fill(t, y);
    const now = e.header(queue.header, t, y, p)[0] !== 0;
    if (e.roots === 0) return { now, after: now };
    const atoms = e.rootValues(atomBuf[i], t, y, p);
    let boundary = false;
    for (let k = 0; k < atoms.length; k++) if (atoms[k] === 0) boundary = true;
    if (!boundary) return { now, after: now };
    rhs(t, y, p, f);
    const h = nudgeH;
    for (let j = 0; j < n; j++) yNudge[j] = y[j] + h * f[j];
    fill(t + h, yNudge);
    const after = e.header(queue.header, t + h, yNudge, p)[0] !== 0;
    fill(t, y);
    return { now, after };
  };
  /** Re-evaluates every trigger (true if true now or just after); returns the events that rose. */
  const update = (t: number): number[] => {
    const rising: number[] = [];
    for (let i = 0; i < ne; i++) {
      const v = triggerAt(i, t);
      if (queue.transition(i, v.now || v.after, t, y, p)) rising.push(i);
    }
    return rising;
  };
  /** After the instant t: triggers take their value just after t (a trigger true only at t falls now). */
  const settle = (t: number): number[] => {
    const rising: number[] = [];
    for (let i = 0; i < ne; i++) if (queue.transition(i, triggerAt(i, t).after, t, y, p)) rising.push(i);
    return rising;
  };
  /** Executes every execution due at t, highest priority first, re-evaluating triggers after each. */
  const executeDue = (t: number): void => {
    for (let guard = 0; ; guard++) {
      if (guard > 100_000)
        throw new OdeonError(
          'SbmlSemanticError',
          `Events keep firing at t = ${t} (more than 100000 executions).`,
          { t, hint: 'An event assignment re-triggers events endlessly; check the triggers.' },
        );
      const job = queue.next(t, y, p);
      if (job === undefined) {
        if (settle(t).length === 0) return;
        continue;
      }
      const e = evs[job.event];
      fill(t, y);
      const vals = job.values ?? e.values(new Float64Array(e.size), t, y, p);
      e.apply(vals, t, y, p);
      fired.push({ t, id: e.id });
      update(t);
    }
  };

  const yPre = new Float64Array(n);
  const pPre = new Float64Array(p.length);
  let t = t0;
  let outPtr = 0;
  // Output times within `near` of a stop are reported after the events at that stop (the suite's convention:
  // the value at t is the value after every event at t), whichever side of t the root finder landed on.
  const near = (x: number): number => 1e-10 * Math.max(1, Math.abs(x));
  const emitUpTo = (tEnd: number, inclusive: boolean, state: (tau: number) => Vec): void => {
    const limit = inclusive ? tEnd + near(tEnd) : tEnd - near(tEnd);
    while (outPtr < times.length && (times[outPtr] < limit || (inclusive && times[outPtr] <= limit))) {
      const tau = times[outPtr];
      const at = state(tau);
      fill(tau, at);
      observe(row, tau, at, p);
      values.set(row, outPtr * m);
      outPtr++;
    }
  };
  /** Events at the stop t: triggers, then executions; output rows at t see them unless a rising trigger only holds just after t. */
  const eventsAt = (): void => {
    yPre.set(y);
    pPre.set(p);
    const firedBefore = fired.length;
    const rising = update(t);
    executeDue(t);
    if (fired.length > firedBefore) {
      delays.breakpoint(t, y, p);
      if (fast.count > 0) fast.equilibrate(t, y, p);
      consistent(t);
    }
    if (rising.length > 0 && fired.length > firedBefore)
      while (outPtr < times.length && times[outPtr] <= t + near(t)) {
        const tau = times[outPtr];
        const before = rising.some((i) => evs[i].header(queue.header, tau, yPre, pPre)[0] === 0);
        fill(tau, before ? yPre : y);
        observe(row, tau, before ? yPre : y, before ? pPre : p);
        values.set(row, outPtr * m);
        outPtr++;
      }
  };
  if (ne > 0) {
    queue.start();
    eventsAt();
  }
  emitUpTo(t, true, () => y);
  let stalls = 0;
  const started = Date.now();
  const tmp = new Float64Array(n);
  const plain = ne === 0 && delays.count === 0;
  for (let segment = 0; t < t1; segment++) {
    if (Date.now() - started > o.timeLimitMs)
      throw new OdeonError(
        'MaxStepsReached',
        `Simulation exceeded its time limit of ${o.timeLimitMs} ms at t = ${t}.`,
        {
          t,
          option: 'timeLimitMs',
          hint: 'Raise timeLimitMs, loosen tolerances, or try another method.',
        },
      );
    if (segment > 1_000_000)
      throw new OdeonError(
        'MaxStepsReached',
        `More than 1e6 integration restarts before t1 = ${t1} (t = ${t}).`,
        {
          t,
          hint: 'Events or discontinuities fire too often; check the triggers.',
        },
      );
    // Method of steps: a segment never reaches past the smallest delay, nor across a propagated breakpoint.
    let tNext = Math.min(t1, queue.nextTime(t), delays.stepLimit(t, y, p));
    if (t1 - tNext <= 1e-12 * Math.max(1, Math.abs(t1))) tNext = t1;
    // without events and delays nothing interpolates between outputs: save only the output times
    // (storing every step's dense output costs more than the solve on large models)
    const saveAt = plain ? outputTimesIn(times, t, tNext) : undefined;
    // variable lags: root functions on their arguments (see DelayTerms.segmentEvents)
    const delayEvents = delays.count > 0 ? delays.segmentEvents(t, y, p) : [];
    const segmentRoots = delayEvents.length > 0 ? [...roots, ...delayEvents] : roots;
    const integrate = (tEndSegment: number) =>
      solve(
        // p stays ours (it may hold NaN for unused, undefined values; the closures read it directly).
        // The projected right-hand side of fast reactions has no analytic Jacobian: the solver differentiates it.
        // the analytic Jacobian misses the dependence of a variable lag's delayed value on y
        fast.count > 0 || delays.variableLags
          ? { rhs, y0: y, t0: t, t1: tEndSegment, ...dae }
          : { rhs, jacobian, ...sparse, y0: y, t0: t, t1: tEndSegment, ...dae },
        {
          method,
          rtol: o.rtol,
          atol,
          dense: saveAt === undefined,
          ...(saveAt === undefined ? {} : { saveAt }),
          events: segmentRoots,
          maxSteps: o.maxSteps,
          ...(options.dt !== undefined ? { dt: options.dt } : {}),
        },
      );
    let sol = integrate(tNext);
    const delayFired = (): number[] =>
      sol.status === 'terminated'
        ? sol.events
            .filter((e) => e.t === sol.t[sol.t.length - 1] && e.index >= roots.length)
            .map((e) => e.index - roots.length)
        : [];
    // a variable lag's argument reached the segment start: integrate again up to there, so that no stage
    // read the history beyond its end
    if (delayFired().some((k) => delays.isReach(k))) {
      for (const key of Object.keys(stats) as (keyof SolveStats)[]) stats[key] += sol.stats[key];
      tNext = sol.t[sol.t.length - 1];
      sol = integrate(tNext);
    }
    for (const key of Object.keys(stats) as (keyof SolveStats)[]) stats[key] += sol.stats[key];
    const last = sol.t.length - 1;
    const tEnd = sol.status === 'terminated' ? sol.t[last] : tNext;
    if (delays.count > 0) delays.record(t, tEnd, (tau, out) => sol.interpolate(tau, out), p);
    let row0 = 0;
    emitUpTo(
      tEnd,
      false,
      saveAt === undefined
        ? (tau) => sol.interpolate(tau, tmp)
        : (tau) => {
            while (sol.t[row0] < tau) row0++;
            return sol.y.subarray(row0 * n, (row0 + 1) * n);
          },
    );
    for (let i = 0; i < n; i++) y[i] = sol.y[last * n + i];
    for (const k of delayFired()) delays.fired(k, tEnd, y, p);
    stalls = tEnd <= t ? stalls + 1 : 0;
    if (stalls > 1000)
      throw new OdeonError('StepSizeTooSmall', `The integration makes no progress at t = ${t}.`, {
        t,
        hint: 'A trigger or discontinuity keeps firing at the same time.',
      });
    t = tEnd;
    if (ne > 0) eventsAt();
    emitUpTo(t, true, () => y);
  }
  emitUpTo(Number.POSITIVE_INFINITY, true, () => y);
  return { times, names, values, stats, events: fired };
}

/** The output times in (t, tEnd], then tEnd (the last saved row is the segment's end state). */
function outputTimesIn(times: Float64Array, t: number, tEnd: number): number[] {
  const out: number[] = [];
  for (const tau of times) if (tau > t && tau < tEnd) out.push(tau);
  out.push(tEnd);
  return out;
}

function defaultVariables(model: CompiledModel, variables: readonly string[] | undefined): readonly string[] {
  if (variables !== undefined) return variables;
  return [...model.symbols.values()].filter((s) => s.kind === 'species').map((s) => s.id);
}
