import { type OdeEvent, solve, type Vec } from '@odeon/ode';
import { type CompiledModel, compileModel, type ObservableKind, simulate } from '@odeon/sbml';
import { type AugmentedModels, augmentModels, type ConditionTarget } from './augment.ts';
import {
  type EventSteadyStateOptions,
  steadyStateThroughEvents,
  withTriggers,
} from './event-steady-state.ts';
import type { PetabProblem } from './problem.ts';
import { fromScale, toScale } from './scale.ts';
import {
  STEADY_STATE_DEFAULTS,
  type SteadyState,
  type SteadyStateOptions,
  steadyState,
} from './steady-state.ts';
import type { PetabObservable, PetabParameter, PetabValue } from './tables.ts';
import { type StateAtol, stateAtol } from './tolerances.ts';

/** Where a number comes from: a literal, or the linear value of a parameter-table entry. */
export type ValueSource =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'table'; readonly index: number };

/** Options of {@link compileProblem}. */
export interface CompileProblemOptions {
  /**
   * Integration tolerances (default rtol 1e-8, atol 1e-16, AMICI's defaults). `atol` is on each
   * species' concentration (scaled by its compartment size for species stored as amounts), on the value
   * of every other state; sensitivities get the same tolerances as their states.
   */
  readonly rtol?: number;
  readonly atol?: number;
  /** Steady-state options (preequilibration and `inf` time points). */
  readonly steadyState?: SteadyStateOptions;
  /** Maximum solver steps per integration segment. */
  readonly maxSteps?: number;
}

/** Defaults of compiling a PEtab problem (solver tolerances and settings). */
export const COMPILE_PROBLEM_DEFAULTS = {
  rtol: 1e-8,
  atol: 1e-16,
  steadyState: {},
  maxSteps: 500_000,
} satisfies Required<CompileProblemOptions>;

/** One simulation: a simulation condition, optionally after a preequilibration condition. */
export interface Experiment {
  readonly preequilibration: string;
  readonly condition: string;
  /** Start time of the simulation (PEtab 2; 0 in PEtab 1). */
  readonly t0: number;
  /** Finite output times (sorted, unique). */
  readonly times: Float64Array;
  /** Whether some measurement is at steady state (`inf`). */
  readonly steadyState: boolean;
}

/** A measurement row resolved against the compiled problem. */
export interface ResolvedMeasurement {
  readonly experiment: number;
  /** Index into the experiment's times, or −1 for steady state. */
  readonly timeIndex: number;
  readonly observable: number;
  readonly measurement: number;
  /** (placeholder parameter index in p, source) pairs. */
  readonly placeholders: readonly { readonly p: number; readonly source: ValueSource }[];
}

/** A condition's declared vector recipe: declared index → source. */
export type DeclaredRecipe = ReadonlyMap<number, ValueSource>;

/** Start of an experiment's simulation, with its preequilibration. */
export interface InitialState {
  readonly y0: Float64Array;
  readonly p0: Float64Array;
  readonly pre?: { readonly y0: Float64Array; readonly p: Float64Array; readonly state: SteadyState };
  /** Event trigger values at the start, carried over from a preequilibration through events. */
  readonly triggers?: Uint8Array;
}

/** States and parameters of one experiment at its output times and steady state. */
export interface ExperimentTrajectory {
  /** Row-major times × n states. */
  readonly y: Float64Array;
  /** Row-major times × np parameters (events may change them). */
  readonly p: Float64Array;
  /** The state at steady state (when the experiment has `inf` measurements). */
  readonly yInf?: Float64Array;
  /** Initial state and parameters of the simulation (after preequilibration). */
  readonly y0: Float64Array;
  readonly p0: Float64Array;
  readonly preequilibration?: {
    readonly y0: Float64Array;
    readonly p: Float64Array;
    readonly state: SteadyState;
  };
  readonly steadyStateInfo?: SteadyState;
}

/**
 * A PEtab problem compiled for simulation: the SBML model with PEtab's parameters, condition hooks and
 * observables, the experiments (preequilibration + simulation condition pairs) and the measurement rows
 * resolved to indices.
 */
export class PetabModel {
  readonly problem: PetabProblem;
  readonly options: Required<CompileProblemOptions>;
  readonly models: AugmentedModels;
  readonly sim: CompiledModel;
  readonly obs: CompiledModel;
  readonly parameterIds: readonly string[];
  /** Indices (into the parameter table) of the estimated parameters, in table order. */
  readonly estimated: readonly number[];
  /** Parameter-table index → position in θ, for the estimated parameters. */
  readonly estimatedColumn: ReadonlyMap<number, number>;
  readonly experiments: readonly Experiment[];
  readonly rows: readonly ResolvedMeasurement[];
  /** Declared recipes per condition id. */
  readonly recipes: ReadonlyMap<string, DeclaredRecipe>;
  /** Per condition: state indices set by the condition (non-NaN initial values), reinitialised after preequilibration. */
  readonly reinitialized: ReadonlyMap<string, readonly number[]>;
  /** obs-model index of each sim state and parameter. */
  readonly stateMap: Int32Array;
  readonly paramMap: Int32Array;
  /** obs-model state indices of each observable's value and noise. */
  readonly outputIndex: readonly { readonly observable: number; readonly noise: number }[];
  /** Kinds to read y and p back from the simulator's observer. */
  private readonly readBack: { ids: string[]; kinds: ObservableKind[] };
  private readonly atolOf: StateAtol;

  constructor(problem: PetabProblem, options: CompileProblemOptions = {}) {
    this.problem = problem;
    this.options = { ...COMPILE_PROBLEM_DEFAULTS, ...options };
    this.models = augmentModels(problem);
    this.sim = compileModel(this.models.simulation, { compartmentsAsParameters: true });
    this.atolOf = stateAtol(this.sim);
    this.obs = compileModel(this.models.observation, { compartmentsAsParameters: true });
    const sim = this.sim;
    const obsStates = new Map(this.obs.stateIds.map((id, i) => [id, i]));
    const obsParams = new Map(this.obs.paramIds.map((id, i) => [id, i]));
    this.stateMap = Int32Array.from(sim.stateIds, (id) => obsStates.get(id) ?? -1);
    this.paramMap = Int32Array.from(sim.paramIds, (id) => obsParams.get(id) ?? -1);
    this.outputIndex = this.models.outputs.map((o) => ({
      observable: obsStates.get(o.observable) as number,
      noise: obsStates.get(o.noise) as number,
    }));
    this.parameterIds = problem.parameters.map((p) => p.id);
    this.estimated = problem.parameters.flatMap((p, i) => (p.estimate ? [i] : []));
    this.estimatedColumn = new Map(this.estimated.map((j, i) => [j, i]));
    const tableIndex = new Map(this.parameterIds.map((id, i) => [id, i]));
    const simParam = new Map(sim.paramIds.map((id, k) => [id, k]));
    const n = sim.n;
    const source = (v: PetabValue): ValueSource => {
      if (v.kind === 'number') return v;
      const j = tableIndex.get(v.id);
      if (j !== undefined) return { kind: 'table', index: j };
      // A model parameter not in the table: its declared value.
      const k = simParam.get(v.id) as number;
      return { kind: 'number', value: sim.declared[n + k] };
    };
    // Base recipe: table parameters that are model parameters.
    const base = new Map<number, ValueSource>();
    this.parameterIds.forEach((id, j) => {
      const k = simParam.get(id);
      if (k !== undefined) base.set(n + k, { kind: 'table', index: j });
      // A parameter some condition sets by a formula has an initial assignment: the table value is its default.
      const t = this.models.targets.get(id);
      if (t?.kind === 'initial' && k !== undefined) {
        base.set(n + (simParam.get(t.useParam) as number), { kind: 'number', value: 1 });
        base.set(n + (simParam.get(t.valueParam) as number), { kind: 'table', index: j });
      }
    });
    const recipes = new Map<string, DeclaredRecipe>();
    const reinit = new Map<string, number[]>();
    for (const c of problem.conditions) {
      const r = new Map(base);
      const states: number[] = [];
      for (const [target, v] of c.values) {
        const t = this.models.targets.get(target) as ConditionTarget;
        if (t.kind === 'parameter') {
          if (v.kind === 'number' && Number.isNaN(v.value)) continue;
          r.set(n + (simParam.get(t.id) as number), source(v));
        } else {
          const set = !(v.kind === 'number' && Number.isNaN(v.value));
          r.set(n + (simParam.get(t.useParam) as number), { kind: 'number', value: set ? 1 : 0 });
          if (set) {
            r.set(n + (simParam.get(t.valueParam) as number), source(v));
            const info = sim.symbols.get(t.id);
            if (info?.role === 'state') states.push(info.index);
          }
        }
      }
      for (const target of c.expressions?.keys() ?? []) {
        const t = this.models.targets.get(target) as ConditionTarget;
        if (t.kind !== 'initial') continue;
        r.set(n + (simParam.get(t.selectors.get(c.id) as string) as number), { kind: 'number', value: 1 });
        const info = sim.symbols.get(t.id);
        if (info?.role === 'state') states.push(info.index);
      }
      recipes.set(c.id, r);
      reinit.set(c.id, states);
    }
    this.recipes = recipes;
    this.reinitialized = reinit;

    // Experiments and rows.
    const expIndex = new Map<string, number>();
    const expTimes: number[][] = [];
    const exps: { pre: string; cond: string; t0: number; inf: boolean }[] = [];
    const obsIndex = new Map(problem.observables.map((o, i) => [o.id, i]));
    for (const m of problem.measurements) {
      const t0 = m.startTime ?? 0;
      const key = `${m.preequilibrationConditionId}\u0000${m.simulationConditionId}\u0000${t0}`;
      let e = expIndex.get(key);
      if (e === undefined) {
        e = exps.length;
        expIndex.set(key, e);
        exps.push({ pre: m.preequilibrationConditionId, cond: m.simulationConditionId, t0, inf: false });
        expTimes.push([]);
      }
      if (Number.isFinite(m.time)) expTimes[e].push(m.time);
      else exps[e].inf = true;
    }
    const experiments = exps.map((x, e) => ({
      preequilibration: x.pre,
      condition: x.cond,
      t0: x.t0,
      times: Float64Array.from([...new Set(expTimes[e])].sort((a, b) => a - b)),
      steadyState: x.inf,
    }));
    this.experiments = experiments;
    const phIndex = (id: string): number => this.paramMap[simParam.get(id) as number];
    this.rows = problem.measurements.map((m) => {
      const e = expIndex.get(
        `${m.preequilibrationConditionId}\u0000${m.simulationConditionId}\u0000${m.startTime ?? 0}`,
      ) as number;
      const o = obsIndex.get(m.observableId) as number;
      const ob = problem.observables[o];
      const placeholders = [
        ...m.observableParameters.map((v, k) => ({
          p: phIndex(`observableParameter${k + 1}_${ob.id}`),
          source: source(v),
        })),
        ...m.noiseParameters.map((v, k) => ({
          p: phIndex(`noiseParameter${k + 1}_${ob.id}`),
          source: source(v),
        })),
      ];
      const times = experiments[e].times;
      const timeIndex = Number.isFinite(m.time) ? times.indexOf(m.time) : -1;
      return { experiment: e, timeIndex, observable: o, measurement: m.measurement, placeholders };
    });
    const ids: string[] = [];
    const kinds: ObservableKind[] = [];
    for (const id of [...sim.stateIds, ...sim.paramIds]) {
      const info = sim.symbols.get(id);
      ids.push(id);
      kinds.push(info?.kind === 'species' && info.stores === 'amount' ? 'amount' : 'auto');
    }
    this.readBack = { ids, kinds };
  }

  /** Number of estimated parameters. */
  get size(): number {
    return this.estimated.length;
  }

  /** The parameter-table entries of the estimated parameters. */
  get estimatedParameters(): readonly PetabParameter[] {
    return this.estimated.map((j) => this.problem.parameters[j]);
  }

  /** Nominal values of the estimated parameters on their scales. */
  nominal(): Float64Array {
    return Float64Array.from(this.estimatedParameters, (p) => toScale(p.nominalValue, p.scale));
  }

  /** Linear values of every table parameter, with the estimated ones from θ (on their scales). */
  parameterValues(theta: ArrayLike<number>): Float64Array {
    const v = Float64Array.from(this.problem.parameters, (p) => p.nominalValue);
    this.estimated.forEach((j, i) => {
      v[j] = fromScale(theta[i], this.problem.parameters[j].scale);
    });
    return v;
  }

  /** The declared vector of a condition. */
  declared(condition: string, values: Float64Array): Float64Array {
    const d = Float64Array.from(this.sim.declared);
    for (const [i, s] of this.recipes.get(condition) as DeclaredRecipe)
      d[i] = s.kind === 'number' ? s.value : values[s.index];
    return d;
  }

  /** Initial state and parameters of an experiment (after preequilibration, if any). */
  initial(e: number, values: Float64Array): InitialState {
    const x = this.experiments[e];
    const init = this.sim.initialize(this.declared(x.condition, values), x.t0);
    if (x.preequilibration === '') return { y0: init.y0, p0: init.p };
    const pre = this.sim.initialize(this.declared(x.preequilibration, values), 0);
    let state: SteadyState;
    let triggers: Uint8Array | undefined;
    if (this.sim.events.length > 0) {
      const r = steadyStateThroughEvents(this.sim, pre.y0, pre.p, this.eventSteadyOptions(pre.y0, pre.p));
      state = r.state;
      triggers = r.triggers;
    } else state = steadyState(this.sim, pre.y0, pre.p, this.steadyOptions(pre.y0, pre.p));
    const y0 = Float64Array.from(state.y);
    for (const i of this.reinitialized.get(x.condition) ?? []) y0[i] = init.y0[i];
    return {
      y0,
      p0: init.p,
      pre: { y0: pre.y0, p: pre.p, state },
      ...(triggers === undefined ? {} : { triggers }),
    };
  }

  /**
   * The steady state reached from (y0, p0) (for `inf` measurements); through the model's events when it
   * has any, starting from `triggers`.
   */
  trajectorySteadyState(y0: Float64Array, p0: Float64Array, triggers?: Uint8Array): SteadyState {
    if (this.sim.events.length > 0)
      return steadyStateThroughEvents(this.sim, y0, p0, this.eventSteadyOptions(y0, p0), triggers).state;
    return steadyState(this.sim, y0, p0, this.steadyOptions(y0, p0));
  }

  private eventSteadyOptions(y0: Float64Array, p: Float64Array): EventSteadyStateOptions {
    const atol = this.stateTolerances(y0, p);
    const ss = this.options.steadyState;
    const ssAtol = ss.atol;
    return {
      rtol: this.options.rtol,
      atol,
      steadyRtol: ss.rtol ?? this.options.rtol,
      steadyAtol:
        ssAtol === undefined
          ? atol
          : typeof ssAtol === 'number'
            ? new Float64Array(atol.length).fill(ssAtol)
            : Float64Array.from(ssAtol),
      maxTime: ss.maxTime ?? STEADY_STATE_DEFAULTS.maxTime,
      maxSteps: this.options.maxSteps,
      readBack: this.readBack,
    };
  }

  /**
   * Steady-state options at (y0, p): the solver's tolerances for the integration fallback and the rate
   * criterion (weighted RMS of f ≤ 1 with the states' tolerances), unless the problem's options set them.
   */
  steadyOptions(y0: Float64Array, p: Float64Array): SteadyStateOptions {
    const atol = this.stateTolerances(y0, p);
    return {
      rtol: this.options.rtol,
      atol,
      solverRtol: this.options.rtol,
      solverAtol: atol,
      ...this.options.steadyState,
    };
  }

  /** Absolute tolerance per state at (y0, p): `atol` on concentrations (see {@link CompileProblemOptions}). */
  stateTolerances(y0: Float64Array, p: Float64Array): Float64Array {
    return this.atolOf(this.options.atol, y0, p);
  }

  /** Simulates one experiment: states and parameters at its output times (SBML events applied). */
  trajectory(e: number, values: Float64Array): ExperimentTrajectory {
    const x = this.experiments[e];
    const { y0, p0, pre, triggers } = this.initial(e, values);
    const n = this.sim.n;
    const np = this.sim.np;
    const nt = x.times.length;
    const y = new Float64Array(nt * n);
    const p = new Float64Array(nt * np);
    if (nt > 0 && this.plain) {
      // No events, delays or fast reactions: the solver's own output at the measurement times.
      const t1 = x.times[nt - 1];
      if (t1 > x.t0 && n > 0) {
        const sol = solve(this.sim.problem(x.t0, t1, { y0, p: p0 }), {
          method: 'bdf',
          rtol: this.options.rtol,
          atol: this.stateTolerances(y0, p0),
          saveAt: x.times,
          maxSteps: this.options.maxSteps,
          events: this.restarts(p0, (z) => z),
        });
        y.set(sol.y);
      } else for (let i = 0; i < nt; i++) y.set(y0, i * n);
      for (let i = 0; i < nt; i++) p.set(p0, i * np);
    } else if (nt > 0) {
      const tc = simulate(triggers === undefined ? this.sim : withTriggers(this.sim, triggers), {
        t0: x.t0,
        t1: x.times[nt - 1],
        times: x.times,
        y0,
        p: p0,
        variables: this.readBack.ids,
        kinds: this.readBack.kinds,
        method: 'bdf',
        rtol: this.options.rtol,
        atol: this.stateTolerances(y0, p0),
        maxSteps: this.options.maxSteps,
      });
      const m = n + np;
      for (let i = 0; i < nt; i++) {
        y.set(tc.values.subarray(i * m, i * m + n), i * n);
        p.set(tc.values.subarray(i * m + n, (i + 1) * m), i * np);
      }
    }
    let steadyStateInfo: SteadyState | undefined;
    if (x.steadyState) steadyStateInfo = this.trajectorySteadyState(y0, p0, triggers);
    return {
      y,
      p,
      y0,
      p0,
      ...(steadyStateInfo === undefined ? {} : { yInf: steadyStateInfo.y, steadyStateInfo }),
      ...(pre === undefined ? {} : { preequilibration: pre }),
    };
  }

  /**
   * Whether experiments integrate as one ODE solve (no events, delays or fast reactions): then
   * piecewise switches in the right-hand side are the only restarts ({@link restarts}).
   */
  get plain(): boolean {
    const sim = this.sim;
    return (
      sim.events.length === 0 &&
      sim.delays.count === 0 &&
      sim.fast.count === 0 &&
      sim.missingValues.length === 0
    );
  }

  /**
   * Root functions of the right-hand side's piecewise switches as solver events that change nothing, so
   * the integrator locates each switch and restarts there; `state` picks y out of the solver's vector.
   */
  restarts(p: Float64Array, state: (z: Vec) => Vec): OdeEvent[] {
    return this.sim.discontinuities.map((g) => ({
      condition: (t: number, z: Vec) => g(t, state(z), p),
      affect: () => {},
    }));
  }

  /** Observable and noise parameter vector of the observation model for a row (written into `out`). */
  observationParams(
    out: Float64Array,
    simP: Float64Array,
    row: ResolvedMeasurement,
    values: Float64Array,
  ): Float64Array {
    out.fill(0);
    const map = this.paramMap;
    for (let k = 0; k < map.length; k++) out[map[k]] = simP[k];
    for (const ph of row.placeholders)
      out[ph.p] = ph.source.kind === 'number' ? ph.source.value : values[ph.source.index];
    return out;
  }

  /** The observation state vector (sim states scattered, outputs zero). */
  observationState(out: Float64Array, simY: Float64Array): Float64Array {
    out.fill(0);
    const map = this.stateMap;
    for (let i = 0; i < map.length; i++) out[map[i]] = simY[i];
    return out;
  }

  observable(row: ResolvedMeasurement): PetabObservable {
    return this.problem.observables[row.observable];
  }
}

/** Compiles a PEtab problem for simulation and objective evaluation. */
export function compileProblem(problem: PetabProblem, options: CompileProblemOptions = {}): PetabModel {
  return new PetabModel(problem, options);
}
