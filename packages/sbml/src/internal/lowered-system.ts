import type { Model, Species } from '../model.ts';
import type { Dag, NodeId } from './dag.ts';

/** What a model symbol is after flattening. */
export type SymbolKind =
  | 'compartment'
  | 'species'
  | 'parameter'
  | 'speciesReference'
  | 'reaction'
  | 'localParameter';

export interface SymbolInfo {
  readonly id: string;
  readonly kind: SymbolKind;
  /** state: a component of y; param: a component of p; assigned: an assignment rule (or stoichiometryMath); reaction: its rate. */
  readonly role: 'state' | 'param' | 'assigned' | 'reaction' | 'constant';
  /** Index into y (state) or p (param); -1 otherwise. A `constant` keeps its value in `constantValue`. */
  readonly index: number;
  /** For species stored in y or p: whether the stored number is the amount, or the value as used in math (rate-rule species). */
  readonly stores: 'amount' | 'value';
  readonly constantValue?: number;
}

/** Options of the flattening. */
export interface LowerOptions {
  /** Keep constant compartment sizes in p (differentiable) instead of compiling them in as literals. */
  readonly compartmentsAsParameters?: boolean;
}

export interface LoweredEvent {
  readonly id: string;
  readonly trigger: NodeId;
  /** Root function: positive where the trigger is (about to be) true, crossing zero where it switches. */
  readonly root: NodeId;
  /**
   * The trigger's atoms: a − b for every relation a ⋈ b inside it (piecewise conditions and assignment
   * rules included) that depends on t or y. The trigger can only change where one of them crosses zero.
   */
  readonly atoms: readonly NodeId[];
  readonly delay: NodeId | undefined;
  readonly priority: NodeId | undefined;
  readonly initialValue: boolean;
  readonly persistent: boolean;
  readonly useValuesFromTriggerTime: boolean;
  readonly assignments: readonly { readonly symbol: SymbolInfo; readonly value: NodeId }[];
}

/** A model flattened to expression graphs over (t, y, p). */
export interface LoweredSystem {
  readonly dag: Dag;
  readonly n: number;
  readonly np: number;
  /** Symbol id of each state (species ids mean the amount unless the species has a rate rule). */
  readonly stateIds: readonly string[];
  /** Symbol id of each parameter; local parameters appear as `reaction.local` (no clash: `.` is not valid in SBML ids). */
  readonly paramIds: readonly string[];
  readonly rhs: readonly NodeId[];
  readonly symbols: ReadonlyMap<string, SymbolInfo>;
  readonly events: readonly LoweredEvent[];
  /** The math value of a symbol (concentration for non-hOSU species) as a node. */
  value(id: string): NodeId;
  amount(speciesId: string): NodeId;
  concentration(speciesId: string): NodeId;
  /** Initial values: a second graph over the declared-values vector d = [y-declared..., p-declared...]. */
  readonly initDag: Dag;
  readonly initY: readonly NodeId[];
  readonly initP: readonly NodeId[];
  /** The declared numbers from the model (initial amounts, sizes, values), the default `d`. */
  readonly declared: Float64Array;
  readonly model: Model;
  readonly species: ReadonlyMap<string, Species>;
  /**
   * Symbols stored in y or p that have no value (no declared number, no initial assignment) although the
   * right-hand side, a rule or an event uses them (local parameters as `reaction.local`).
   */
  readonly missingValues: readonly string[];
  /**
   * `delay(value, lag)` terms: each reads p[np + i], which the simulator fills with `value` evaluated on
   * the solution history at t − lag; before t0 it reads `before` (the same with rateOf = 0: the model
   * rests at its initial values).
   */
  readonly delays: readonly { readonly value: NodeId; readonly lag: NodeId; readonly before: NodeId }[];
  /**
   * Fast reactions (rapid equilibrium): their rates (amount/time), which must vanish, and the change of
   * every state per unit of each one's rate (`columns[j][i]`). `rhs` leaves them out.
   */
  /** Indices of the algebraic states (rows 0 = g of an index-1 DAE; a zero in the mass matrix). */
  readonly algebraicStates: readonly number[];
  readonly fast: {
    readonly ids: readonly string[];
    readonly rates: readonly NodeId[];
    readonly columns: readonly (readonly NodeId[])[];
  };
}
