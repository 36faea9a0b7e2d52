import type { MathExpr } from './ast.ts';

/**
 * The internal reaction-network model. SBML documents and the JSON/builder format both produce it; the
 * compiler turns it into an ODE problem and the writer exports it as SBML L3V2.
 */
export interface Model {
  readonly id?: string;
  readonly name?: string;
  /** SBML Level and Version it was read from (the builder uses 3, 2). */
  readonly level: number;
  readonly version: number;
  readonly functions: readonly FunctionDefinition[];
  readonly compartments: readonly Compartment[];
  readonly species: readonly Species[];
  readonly parameters: readonly Parameter[];
  readonly reactions: readonly Reaction[];
  readonly initialAssignments: readonly InitialAssignment[];
  readonly rules: readonly Rule[];
  readonly events: readonly ModelEvent[];
  /** Model-wide species conversion factor (a parameter id). */
  readonly conversionFactor?: string;
  /** Features found that the compiler refuses (the reader records them; `compileModel` throws). */
  readonly unsupported: readonly UnsupportedFeature[];
}

/** A model feature Odeon does not simulate yet, with the element that uses it (reported by `info` and refused by `compileModel`). */
export interface UnsupportedFeature {
  /** e.g. `algebraicRule`, `fastReaction`, `csymbol delay`, `package:comp`. */
  readonly feature: string;
  /** The id (or a description) of the element using it. */
  readonly element: string;
}

/** An SBML function definition: a named lambda over `params` (nested calls allowed). */
export interface FunctionDefinition {
  readonly id: string;
  readonly name?: string;
  readonly params: readonly string[];
  readonly body: MathExpr;
}

/** A compartment: its size (constant, or changed by rules and events) and spatial dimensions (0–3). */
export interface Compartment {
  readonly id: string;
  readonly name?: string;
  /** NaN when not given (then an initial assignment or rule must set it). */
  readonly size: number;
  readonly constant: boolean;
  readonly spatialDimensions: number;
}

/** A species. Its state is the amount; concentration = amount / compartment size. */
export interface Species {
  readonly id: string;
  readonly name?: string;
  readonly compartment: string;
  readonly initialAmount?: number;
  readonly initialConcentration?: number;
  /** When true, the species' symbol in math means its amount; otherwise its concentration. */
  readonly hasOnlySubstanceUnits: boolean;
  /** When true, reactions do not change it (rules and events still may). */
  readonly boundaryCondition: boolean;
  readonly constant: boolean;
  readonly conversionFactor?: string;
}

/** A global parameter (constant, or changed by rules and events). */
export interface Parameter {
  readonly id: string;
  readonly name?: string;
  /** NaN when not given. */
  readonly value: number;
  readonly constant: boolean;
}

/** A reactant or product of a reaction with its (possibly variable) stoichiometry. */
export interface SpeciesReference {
  readonly species: string;
  /** L3 id, usable in math as the stoichiometry. */
  readonly id?: string;
  /** NaN when not given (L3: then set by an initial assignment or rule); defaults to 1 in L2. */
  readonly stoichiometry: number;
  readonly constant: boolean;
  /** L2 stoichiometryMath. */
  readonly stoichiometryMath?: MathExpr;
}

/** A parameter local to one reaction's kinetic law (exposed as `reaction.local` in `paramIds`). */
export interface LocalParameter {
  readonly id: string;
  readonly name?: string;
  readonly value: number;
}

/** A reaction: reactants, products, modifiers and a kinetic law (substance per time). */
export interface Reaction {
  readonly id: string;
  readonly name?: string;
  readonly reversible: boolean;
  readonly reactants: readonly SpeciesReference[];
  readonly products: readonly SpeciesReference[];
  readonly modifiers: readonly string[];
  /** Rate in substance per time (SBML kinetic law); absent means a rate of zero. */
  readonly kineticLaw?: MathExpr;
  readonly localParameters: readonly LocalParameter[];
  /** SBML Level 2 / L3V1 `fast`: the reaction is at rapid equilibrium (its rate is 0 on the slow time scale). */
  readonly fast?: boolean;
}

/** An initial assignment: `symbol` starts at `math`, kept as a function of the parameters so gradients flow through it. */
export interface InitialAssignment {
  readonly symbol: string;
  readonly math: MathExpr;
}

/** A rule: an assignment rule (variable = math), a rate rule (d variable / dt = math) or an algebraic rule (0 = math; `id` names it in errors). */
export type Rule =
  | { readonly kind: 'assignment'; readonly variable: string; readonly math: MathExpr }
  | { readonly kind: 'rate'; readonly variable: string; readonly math: MathExpr }
  | { readonly kind: 'algebraic'; readonly math: MathExpr; readonly id?: string };

/** One assignment of an event: `variable` takes the value of `math` when the event executes. */
export interface EventAssignment {
  readonly variable: string;
  readonly math: MathExpr;
}

/** An SBML event: trigger, optional delay and priority, persistence, initial trigger value and its assignments. */
export interface ModelEvent {
  readonly id: string;
  readonly name?: string;
  readonly trigger: MathExpr;
  /** Value of the trigger before the start of the simulation (SBML default true in L3 files must be explicit). */
  readonly initialValue: boolean;
  /** When false, the event is cancelled if its trigger turns false before a delay elapses. */
  readonly persistent: boolean;
  readonly delay?: MathExpr;
  readonly priority?: MathExpr;
  readonly useValuesFromTriggerTime: boolean;
  readonly assignments: readonly EventAssignment[];
}
