import { OdeonError, type OdeProblem, type Vec } from '@odeon/ode';
import { algebraicInitialize } from './internal/algebraic-init.ts';
import type { Dag, NodeId } from './internal/dag.ts';
import { derivativeSpecs, sensitivityIndices } from './internal/derivative-specs.ts';
import { initialValues } from './internal/initial-values.ts';
import { lowerModel } from './internal/lower.ts';
import type { LoweredEvent, LoweredSystem, SymbolInfo } from './internal/lowered-system.ts';
import {
  compileKernel,
  generateKernelSource,
  interpretKernel,
  type Kernel,
  type KernelSpec,
} from './internal/program.ts';
import type { Model } from './model.ts';
import { type SparseDerivatives, sparseDerivatives } from './sparse-jacobian.ts';

/** From this many states on, `problem()` carries the sparse Jacobian (and `simulate` uses BDF on it). */
export const SPARSE_MIN_STATES = 200;

/** How generated kernels are executed. */
export type CompileBackend = 'auto' | 'codegen' | 'interpreter';

/** Options of {@link compileModel}. */
export interface CompileOptions {
  /**
   * `codegen` builds JavaScript with `new Function`; `interpreter` evaluates the same expression graph
   * from an instruction tape (for strict Content-Security-Policy pages); `auto` (default) tries code
   * generation and falls back to the interpreter when the environment forbids it.
   */
  readonly backend?: CompileBackend;
  /** Parameter ids (see `paramIds`) whose columns ∂f/∂p and the VJP compute; others are left zero. Default: all. */
  readonly sensitivities?: readonly string[];
  /**
   * Keep constant compartment sizes in p so that they can be changed and differentiated. Default false:
   * constant compartments without initial assignments or event assignments are compiled in as literals.
   */
  readonly compartmentsAsParameters?: boolean;
}

const COMPILE_DEFAULTS = {
  backend: 'auto',
  sensitivities: [],
  compartmentsAsParameters: false,
} satisfies Required<CompileOptions>;

/** What a model quantity means when observed (see {@link CompiledModel.observer}). */
export type ObservableKind = 'auto' | 'amount' | 'concentration';

/** One SBML event, compiled. Used by `simulateModel`; exposed for custom drivers. */
export interface CompiledEvent {
  readonly id: string;
  readonly initialValue: boolean;
  readonly persistent: boolean;
  readonly useValuesFromTriggerTime: boolean;
  readonly hasDelay: boolean;
  readonly hasPriority: boolean;
  /** Number of event assignments. */
  readonly size: number;
  /** Writes [trigger (0/1), root function, delay, priority] into `out` (length 4). */
  readonly header: (out: Float64Array, t: number, y: Vec, p: Vec) => Float64Array;
  /** Number of trigger atoms: a − b for each relation a ⋈ b of the trigger that depends on t or y. */
  readonly roots: number;
  /** Writes the trigger atoms (length `roots`) into `out`; the trigger can change only where one crosses zero. */
  readonly rootValues: (out: Float64Array, t: number, y: Vec, p: Vec) => Float64Array;
  /** Writes the assigned values (length `size`) into `out`. */
  readonly values: (out: Float64Array, t: number, y: Vec, p: Vec) => Float64Array;
  /** Applies already computed values (in place, on y and p), keeping SBML's amount/concentration semantics. */
  readonly apply: (values: Float64Array, t: number, y: Vec, p: Vec) => void;
}

/**
 * A model compiled to float64 kernels over the state vector y (species amounts, or the value of
 * rate-rule variables) and the parameter vector p (constant or event-changed compartments, species,
 * parameters, species references, and `reaction.local` local parameters).
 */
export interface CompiledModel {
  readonly n: number;
  readonly np: number;
  readonly stateIds: readonly string[];
  readonly paramIds: readonly string[];
  /**
   * Per state: the compartment whose size turns the stored amount into the value used in math (species
   * without hasOnlySubstanceUnits), else undefined. `simulate` scales the absolute tolerance with it.
   */
  readonly stateCompartments: readonly (string | undefined)[];
  /**
   * `csymbol delay` terms (count 0 when none): term i is read from p[np + i], which a simulator fills
   * with `values` evaluated on the solution history at t − `lags`. `simulate` does this.
   */
  readonly delays: {
    readonly count: number;
    /** Writes the lag of every delay term at (t, y, p). */
    readonly lags: (out: Float64Array, t: number, y: Vec, p: Vec) => Float64Array;
    /** Writes the delayed expression of every term, evaluated at a past (t, y, p). */
    readonly values: (out: Float64Array, t: number, y: Vec, p: Vec) => Float64Array;
    /** The same before t0, where the model rests at its initial values (rateOf is 0). */
    readonly valuesBefore: (out: Float64Array, t: number, y: Vec, p: Vec) => Float64Array;
    /** Per term: its lag depends on time or the state (it varies within a segment). */
    readonly variable: readonly boolean[];
  };
  /**
   * Fast reactions (rapid equilibrium, count 0 when none): `rhs` leaves them out; `simulate` keeps
   * their rates at 0 (see `FastEquilibrium`).
   */
  readonly fast: {
    readonly count: number;
    readonly ids: readonly string[];
    /** Rates (amount/time) of the fast reactions at (t, y, p). */
    readonly rates: (out: Float64Array, t: number, y: Vec, p: Vec) => Float64Array;
    /** ∂rates/∂y, row-major count × n. */
    readonly jacobian: (out: Float64Array, t: number, y: Vec, p: Vec) => Float64Array;
    /** Change of each state per unit rate, row-major count × n (row j: reaction j). */
    readonly columns: (out: Float64Array, t: number, y: Vec, p: Vec) => Float64Array;
  };
  /**
   * The diagonal mass matrix of `M y′ = rhs` when the model has algebraic states (variables of algebraic
   * rules not affine in them: their rows are 0 = rule, their entries 0), else undefined (an ODE).
   */
  readonly massMatrix: Float64Array | undefined;
  /** Ids stored in y or p that the model uses but never gives a value (`simulate` refuses them unless y0/p set them). */
  readonly missingValues: readonly string[];
  /** Initial state at the model's declared values (initial assignments applied). */
  readonly y0: Float64Array;
  /** Parameter values after initial assignments. */
  readonly p: Float64Array;
  /** Declared numbers (initial amounts/concentrations, sizes, values) in the order [states..., params...]. */
  readonly declared: Float64Array;
  /** Evaluates initial assignments: y0 and p as functions of the declared numbers (so gradients can flow through them). */
  initialize(declared?: ArrayLike<number>, t0?: number): { y0: Float64Array; p: Float64Array };
  /** ∂[y0; p]/∂declared, row-major (n+np)×(n+np), from symbolic differentiation of the initial assignments. */
  initialJacobian(declared?: ArrayLike<number>, t0?: number): Float64Array;
  readonly rhs: (t: number, y: Vec, p: Vec, dydt: Vec) => void;
  /** Analytic ∂f/∂y, row-major n×n. */
  readonly jacobian: (t: number, y: Vec, p: Vec, J: Vec) => void;
  /** Analytic ∂f/∂p, row-major n×np (columns outside `sensitivities` are zero). */
  readonly paramJacobian: (t: number, y: Vec, p: Vec, Jp: Vec) => void;
  /** ∂f/∂y and ∂f/∂p as CSR patterns of their structural non-zeros and kernels writing only those. */
  readonly sparse: SparseDerivatives;
  /** outY = vᵀ∂f/∂y, outP = vᵀ∂f/∂p. */
  readonly vjp: (t: number, y: Vec, p: Vec, v: Vec, outY: Vec, outP: Vec) => void;
  /** out = (∂f/∂y) u. */
  readonly jvp: (t: number, y: Vec, p: Vec, u: Vec, out: Vec) => void;
  readonly events: readonly CompiledEvent[];
  /** Root functions (t, y, p) of conditions in the right-hand side (piecewise switches), for restarts at discontinuities. */
  readonly discontinuities: readonly ((t: number, y: Vec, p: Vec) => number)[];
  /** The back end actually used. */
  readonly backend: 'codegen' | 'interpreter';
  /** An `@odeon/ode` problem over [t0, t1] with this model's functions (y0, p default to the model's). */
  problem(t0: number, t1: number, overrides?: { y0?: ArrayLike<number>; p?: ArrayLike<number> }): OdeProblem;
  /**
   * A function writing the listed quantities into `out`: species (amount or concentration per `kinds`,
   * `auto` = as the symbol means in math), compartments (size), parameters, species references and
   * reactions (rate). Throws `SbmlSemanticError` for unknown ids.
   */
  observer(
    ids: readonly string[],
    kinds?: readonly ObservableKind[],
  ): (out: Float64Array, t: number, y: Vec, p: Vec) => Float64Array;
  /** Generated JavaScript of the RHS, Jacobian and VJP kernels (for inspection and audits). */
  readonly sources: { readonly rhs: string; readonly jacobian: string; readonly vjp: string };
  /** The flattened system (internal structure; stable only within a version). */
  readonly symbols: ReadonlyMap<string, SymbolInfo>;
}

/**
 * Compiles a model (from `parseSbml` or `buildModel`) into float64 kernels: the right-hand side, the
 * analytic Jacobian, ∂f/∂p, VJP and JVP by symbolic differentiation with common-subexpression reuse.
 *
 * @throws OdeonError `UnsupportedSbmlFeature` (algebraic rules, fast reactions, delays, comp/fbc),
 *   `SbmlSemanticError` (undeclared symbols, cyclic rules, ...), `InputTooLarge`.
 */
export function compileModel(model: Model, options: CompileOptions = {}): CompiledModel {
  const opts = { ...COMPILE_DEFAULTS, ...options };
  let sys: LoweredSystem;
  try {
    sys = lowerModel(model, { compartmentsAsParameters: opts.compartmentsAsParameters });
  } catch (error) {
    throw wrapInternal(error);
  }
  try {
    return build(sys, opts);
  } catch (error) {
    throw wrapInternal(error);
  }
}

function wrapInternal(error: unknown): unknown {
  if (error instanceof OdeonError) return error;
  if (error instanceof RangeError)
    return new OdeonError(
      'InputTooLarge',
      `The model's expressions are too large or too deeply nested (${error.message}).`,
      {
        cause: error,
        hint: 'Simplify the model; function definitions may expand exponentially.',
      },
    );
  return error;
}

function makeKernelFactory(
  dag: Dag,
  backend: CompileBackend,
): { make: (spec: KernelSpec) => Kernel; used: () => 'codegen' | 'interpreter' } {
  let mode: 'codegen' | 'interpreter' = backend === 'interpreter' ? 'interpreter' : 'codegen';
  return {
    make(spec) {
      if (mode === 'interpreter') return interpretKernel(dag, spec);
      try {
        return compileKernel(dag, spec);
      } catch (error) {
        if (backend === 'codegen' || !(error instanceof EvalError)) throw error;
        mode = 'interpreter';
        return interpretKernel(dag, spec);
      }
    },
    used: () => mode,
  };
}

function build(sys: LoweredSystem, opts: Required<CompileOptions>): CompiledModel {
  const { dag, n, np } = sys;
  const factory = makeKernelFactory(dag, opts.backend);
  const make = factory.make;
  const specs = derivativeSpecs(sys, sensitivityIndices(sys, opts.sensitivities));
  const sparse = sparseDerivatives(make, n, np, specs.jy, specs.jp);
  const rhs = make(specs.rhs) as (t: number, y: Vec, p: Vec, dydt: Vec) => void;
  const jacobian = make(specs.jacobian) as (t: number, y: Vec, p: Vec, J: Vec) => void;
  const paramJacobian = make(specs.paramJacobian) as (t: number, y: Vec, p: Vec, Jp: Vec) => void;
  const vjp = make(specs.vjp) as (t: number, y: Vec, p: Vec, v: Vec, outY: Vec, outP: Vec) => void;
  const jvp = make(specs.jvp) as (t: number, y: Vec, p: Vec, u: Vec, out: Vec) => void;
  const raw = initialValues(sys);
  const { initialJacobian } = raw;
  // nonlinear algebraic rules: initial values that depend on an algebraic state see its consistent value
  const initialize = algebraicInitialize(
    raw.initialize,
    rhs,
    sys.algebraicStates,
    sys.stateIds,
    sys.declared,
  );
  const init = initialize();
  const observer = makeObserver(sys, make);
  const events = sys.events.map((e) => compileEvent(sys, e, make, observer));
  const discontinuities = discontinuityRoots(sys, make);
  const one = (nodes: readonly NodeId[]) => outputsKernel(make, nodes);
  const fastJac: NodeId[] = [];
  for (const rate of sys.fast.rates) for (let i = 0; i < n; i++) fastJac.push(dag.diff(rate, dag.y(i)));
  const fast: CompiledModel['fast'] = {
    count: sys.fast.ids.length,
    ids: sys.fast.ids,
    rates: one(sys.fast.rates),
    jacobian: one(fastJac),
    columns: one(sys.fast.columns.flat()),
  };
  const delays: CompiledModel['delays'] = {
    count: sys.delays.length,
    lags: one(sys.delays.map((x) => x.lag)),
    values: one(sys.delays.map((x) => x.value)),
    valuesBefore: one(sys.delays.map((x) => x.before)),
    // a lag that reads time, the state or another delayed value varies between restarts
    variable: sys.delays.map((x) =>
      dag.topo([x.lag]).some((id) => {
        const node = dag.node(id);
        return node.op === 'y' || node.op === 't' || (node.op === 'p' && node.value >= np);
      }),
    ),
  };

  let massMatrix: Float64Array | undefined;
  if (sys.algebraicStates.length > 0) {
    massMatrix = new Float64Array(n).fill(1);
    for (const i of sys.algebraicStates) massMatrix[i] = 0;
  }

  let sources: CompiledModel['sources'] | undefined;
  const compiled: CompiledModel = {
    n,
    np,
    stateIds: sys.stateIds,
    paramIds: sys.paramIds,
    stateCompartments: sys.stateIds.map((id) => {
      const info = sys.symbols.get(id);
      const sp = sys.species.get(id);
      return info?.stores === 'amount' && sp && !sp.hasOnlySubstanceUnits ? sp.compartment : undefined;
    }),
    missingValues: sys.missingValues,
    massMatrix,
    delays,
    fast,
    y0: init.y0,
    p: init.p,
    declared: sys.declared,
    initialize,
    initialJacobian,
    rhs,
    jacobian,
    paramJacobian,
    sparse,
    vjp,
    jvp,
    events,
    discontinuities,
    backend: factory.used(),
    problem: (t0, t1, overrides = {}) => {
      refuseNonOde(sys);
      return {
        rhs,
        jacobian,
        paramJacobian,
        vjp,
        jvp,
        // large models: the stiff solvers work on the structural non-zeros only
        ...(n >= SPARSE_MIN_STATES
          ? { jacobianSparsity: sparse.jacobianSparsity, sparseJacobian: sparse.sparseJacobian }
          : {}),
        y0: overrides.y0 ?? compiled.y0,
        p: overrides.p ?? compiled.p,
        t0,
        t1,
        names: sys.stateIds,
        ...(massMatrix === undefined ? {} : { massMatrix }),
      };
    },
    observer,
    // Generated on first access (inspection and audits only).
    get sources() {
      sources ??= {
        rhs: generateKernelSource(dag, specs.rhs),
        jacobian: generateKernelSource(dag, specs.jacobian),
        vjp: generateKernelSource(dag, specs.vjp),
      };
      return sources;
    },
    symbols: sys.symbols,
  };
  return compiled;
}

/** A kernel writing the values of `nodes` into `out`. */
function outputsKernel(
  make: (spec: KernelSpec) => Kernel,
  nodes: readonly NodeId[],
): (out: Float64Array, t: number, y: Vec, p: Vec) => Float64Array {
  const k = make({
    outputs: 1,
    weighted: false,
    zero: [],
    targets: nodes.map((node, index) => ({ array: 0, index, terms: [{ w: -1, node }] })),
  });
  return (out, t, y, p) => {
    k(t, y, p, out);
    return out;
  };
}

function makeObserver(sys: LoweredSystem, make: (spec: KernelSpec) => Kernel): CompiledModel['observer'] {
  return (ids, kinds = []) =>
    outputsKernel(
      make,
      ids.map((id, i) => observableNode(sys, id, kinds[i] ?? 'auto')),
    );
}

function compileEvent(
  sys: LoweredSystem,
  e: LoweredEvent,
  make: (spec: KernelSpec) => Kernel,
  observer: CompiledModel['observer'],
): CompiledEvent {
  const header = outputsKernel(make, [
    e.trigger,
    e.root,
    e.delay ?? sys.dag.const(0),
    e.priority ?? sys.dag.const(Number.NEGATIVE_INFINITY),
  ]);
  return {
    id: e.id,
    initialValue: e.initialValue,
    persistent: e.persistent,
    useValuesFromTriggerTime: e.useValuesFromTriggerTime,
    hasDelay: e.delay !== undefined,
    hasPriority: e.priority !== undefined,
    size: e.assignments.length,
    header,
    roots: e.atoms.length,
    rootValues: outputsKernel(make, e.atoms),
    values: outputsKernel(
      make,
      e.assignments.map((a) => a.value),
    ),
    apply: makeApply(
      sys,
      e.assignments.map((a) => a.symbol),
      observer,
    ),
  };
}

/** Root functions of the relations in the RHS that depend on t or y (at most 64): restarts at discontinuities. */
function discontinuityRoots(
  sys: LoweredSystem,
  make: (spec: KernelSpec) => Kernel,
): ((t: number, y: Vec, p: Vec) => number)[] {
  const dag = sys.dag;
  const discontinuities: ((t: number, y: Vec, p: Vec) => number)[] = [];
  const seen = new Set<string>();
  for (const id of dag.topo(sys.rhs)) {
    const node = dag.node(id);
    if (!(node.op === 'lt' || node.op === 'le' || node.op === 'gt' || node.op === 'ge')) continue;
    const g = dag.sub(node.args[0], node.args[1]);
    if (dag.isConst(g) || seen.has(String(g)) || discontinuities.length >= 64) continue;
    const dependsOnTime = dag.topo([g]).some((x) => dag.node(x).op === 'y' || dag.node(x).op === 't');
    if (!dependsOnTime) continue;
    seen.add(String(g));
    const k = make({
      outputs: 1,
      weighted: false,
      zero: [],
      targets: [{ array: 0, index: 0, terms: [{ w: -1, node: g }] }],
    });
    const buf = new Float64Array(1);
    discontinuities.push((t, y, p) => {
      k(t, y, p, buf);
      return buf[0];
    });
  }
  return discontinuities;
}

/** `problem()` refuses models that are not ODEs: fast reactions (algebraic) and delays. */
function refuseNonOde(sys: LoweredSystem): void {
  if (sys.fast.ids.length > 0)
    throw new OdeonError(
      'UnsupportedSbmlFeature',
      'The model has fast reactions: it is a differential-algebraic system, not an ODE problem.',
      {
        feature: 'fastReaction',
        element: sys.fast.ids[0],
        hint: 'Simulate it with simulate(); gradients through fast reactions are not supported yet.',
      },
    );
  if (sys.delays.length > 0)
    throw new OdeonError(
      'UnsupportedSbmlFeature',
      'The model uses csymbol delay: it is a delay-differential system, not an ODE problem.',
      {
        feature: 'csymbol delay',
        element: 'problem',
        hint: 'Simulate it with simulate(); gradients through delays are not supported yet.',
      },
    );
}

function observableNode(sys: LoweredSystem, id: string, kind: ObservableKind): NodeId {
  const info = sys.symbols.get(id);
  if (!info)
    throw new OdeonError(
      'SbmlSemanticError',
      `Cannot observe ${JSON.stringify(id.slice(0, 60))}: no such symbol in the model.`,
      {
        element: id,
        hint: 'Name a species, compartment, parameter, species reference or reaction of the model.',
      },
    );
  if (info.kind === 'species' && kind === 'amount') return sys.amount(id);
  if (info.kind === 'species' && kind === 'concentration') return sys.concentration(id);
  return sys.value(id);
}

/**
 * SBML event-assignment semantics on the stored representation. All values were computed before any is
 * applied. A species value is a concentration unless hasOnlySubstanceUnits; it becomes an amount with
 * the compartment size from before the event (SBML L3V2 §4.11.7), even when the same event changes that
 * compartment. A compartment changed by the event keeps the amounts of its species, so the stored
 * concentrations of rate-rule species are rescaled by old/new size.
 */
function makeApply(
  sys: LoweredSystem,
  targets: readonly SymbolInfo[],
  observer: CompiledModel['observer'],
): (values: Float64Array, t: number, y: Vec, p: Vec) => void {
  const compIds = sys.model.compartments.map((c) => c.id);
  const sizes = compIds.length > 0 ? observer(compIds) : undefined;
  const before = new Float64Array(compIds.length);
  const after = new Float64Array(compIds.length);
  const compIndex = new Map(compIds.map((c, i) => [c, i]));
  const rescale = [...sys.symbols.values()].filter(
    (s) =>
      s.kind === 'species' &&
      s.role === 'state' &&
      s.stores === 'value' &&
      !sys.species.get(s.id)?.hasOnlySubstanceUnits,
  );
  const assignsCompartment = targets.some((s) => s.kind === 'compartment');
  return (values, t, y, p) => {
    if (sizes) sizes(before, t, y, p);
    targets.forEach((s, i) => {
      const sp = s.kind === 'species' ? sys.species.get(s.id) : undefined;
      let v = values[i];
      if (sp && s.stores === 'amount' && !sp.hasOnlySubstanceUnits)
        v *= before[compIndex.get(sp.compartment) as number];
      (s.role === 'state' ? y : p)[s.index] = v;
    });
    if (!assignsCompartment || !sizes) return;
    sizes(after, t, y, p);
    for (const s of rescale) {
      const c = compIndex.get(sys.species.get(s.id)?.compartment as string) as number;
      if (before[c] !== after[c]) y[s.index] *= before[c] / after[c];
    }
  };
}
