import { OdeonError } from '@odeon/ode';
import type { MathExpr } from './ast.ts';
import { parseFormula } from './formula.ts';
import type {
  Compartment,
  FunctionDefinition,
  InitialAssignment,
  Model,
  ModelEvent,
  Parameter,
  Reaction,
  Rule,
  Species,
  SpeciesReference,
} from './model.ts';

/** A species in the JSON/builder format. */
export interface SpeciesSpec {
  readonly id: string;
  readonly name?: string;
  /** Initial value: a concentration, or an amount when `amount` is true. Default 0. */
  readonly initial?: number;
  /** The species is measured as an amount (SBML hasOnlySubstanceUnits). Default false. */
  readonly amount?: boolean;
  /** Compartment id (default: the single compartment, created as `default` with size 1 when none is given). */
  readonly compartment?: string;
  /** Not changed by reactions (SBML boundaryCondition). */
  readonly boundary?: boolean;
  readonly constant?: boolean;
}

/** A parameter of the hand-written model format. */
export interface ParameterSpec {
  readonly id: string;
  readonly name?: string;
  readonly value: number;
  /** Default true, or false when a rule or event changes it. */
  readonly constant?: boolean;
}

/** A compartment of the hand-written model format (default size 1, three dimensions, constant). */
export interface CompartmentSpec {
  readonly id: string;
  readonly name?: string;
  readonly size?: number;
  readonly dimensions?: number;
  readonly constant?: boolean;
}

/** A reaction of the hand-written model format: an equation such as `"2 A + B -> C"` and a rate formula. */
export interface ReactionSpec {
  readonly id?: string;
  readonly name?: string;
  /** `"2 A + B -> C"` (irreversible) or `"A <-> B"` / `"A <=> B"` (reversible); `"-> A"` and `"A ->"` for sources and sinks. */
  readonly equation: string;
  /** Rate (substance per time) as a formula; see `parseFormula`. */
  readonly rate: string;
  /** Species that affect the rate without being consumed. */
  readonly modifiers?: readonly string[];
  /** Reaction-local parameters. */
  readonly parameters?: Readonly<Record<string, number>>;
}

/** An assignment or rate rule of the hand-written model format, with a formula string. */
export interface RuleSpec {
  readonly type: 'assignment' | 'rate';
  readonly variable: string;
  readonly formula: string;
}

/** An event of the hand-written model format: trigger, delay and priority as formulas, assignments as `variable → formula`. */
export interface EventSpec {
  readonly id?: string;
  readonly trigger: string;
  readonly delay?: string;
  readonly priority?: string;
  readonly persistent?: boolean;
  readonly initialValue?: boolean;
  readonly useValuesFromTriggerTime?: boolean;
  /** Variable → formula. */
  readonly assignments: Readonly<Record<string, string>>;
}

/** A function definition of the hand-written model format: argument names and a body formula. */
export interface FunctionSpec {
  readonly id: string;
  readonly args: readonly string[];
  readonly body: string;
}

/**
 * The "SBML-like" model format for hand-written models, as JSON or a TypeScript object. Species and
 * parameters may be given as arrays or as `{ id: value }` maps.
 */
export interface ModelSpec {
  readonly id?: string;
  readonly name?: string;
  readonly compartments?: readonly CompartmentSpec[];
  readonly species: readonly SpeciesSpec[] | Readonly<Record<string, number>>;
  readonly parameters?: readonly ParameterSpec[] | Readonly<Record<string, number>>;
  readonly functions?: readonly FunctionSpec[];
  readonly reactions?: readonly ReactionSpec[];
  readonly rules?: readonly RuleSpec[];
  readonly initialAssignments?: Readonly<Record<string, string>>;
  readonly events?: readonly EventSpec[];
}

const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

function formatError(message: string, element: string, hint: string): OdeonError {
  return new OdeonError('ModelFormatError', message, { element, hint });
}

function checkId(id: unknown, what: string): string {
  if (typeof id !== 'string' || !ID.test(id))
    throw formatError(
      `Invalid ${what} id ${JSON.stringify(String(id).slice(0, 40))}.`,
      what,
      'Ids start with a letter or _ and contain only letters, digits and _.',
    );
  return id;
}

function checkNumber(v: unknown, element: string): number {
  if (typeof v !== 'number')
    throw formatError(`${element} must be a number, got ${typeof v}.`, element, 'Give a numeric value.');
  return v;
}

/** Parses a reaction equation such as `"2 A + B -> C"` into reactants, products and reversibility. */
export function parseReactionEquation(
  equation: string,
  element = 'reaction',
): {
  reactants: { species: string; stoichiometry: number }[];
  products: { species: string; stoichiometry: number }[];
  reversible: boolean;
} {
  if (typeof equation !== 'string' || equation.length > 10_000)
    throw formatError(`${element}: the equation must be a string.`, element, 'Write e.g. "2 A + B -> C".');
  const m = /^(.*?)(<->|<=>|->|=>)(.*)$/.exec(equation);
  if (!m)
    throw formatError(
      `${element}: no arrow in ${JSON.stringify(equation.slice(0, 60))}.`,
      element,
      'Use -> (irreversible) or <-> (reversible).',
    );
  const side = (s: string) => {
    const t = s.trim();
    if (t === '' || t === '∅' || t === '0') return [];
    return t.split('+').map((term) => {
      const x = /^\s*(\d+\.?\d*(?:[eE][+-]?\d+)?)?\s*\*?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(term);
      if (!x)
        throw formatError(
          `${element}: cannot read the term ${JSON.stringify(term.trim().slice(0, 40))}.`,
          element,
          'Terms look like "2 A" or "B".',
        );
      return { species: x[2], stoichiometry: x[1] === undefined ? 1 : Number(x[1]) };
    });
  };
  return { reactants: side(m[1]), products: side(m[3]), reversible: m[2] === '<->' || m[2] === '<=>' };
}

/**
 * Builds the internal model from a {@link ModelSpec} (the same model SBML import produces).
 * @throws OdeonError `ModelFormatError` for malformed specs (with the element at fault).
 */
export function buildModel(spec: ModelSpec): Model {
  if (spec === null || typeof spec !== 'object')
    throw formatError(
      'The model must be an object.',
      'model',
      'Give { species, parameters, reactions, ... }.',
    );
  const f = (text: string, element: string): MathExpr => parseFormula(text, element);
  const compartments: Compartment[] = (spec.compartments ?? []).map((c) => ({
    id: checkId(c.id, 'compartment'),
    ...(c.name !== undefined ? { name: String(c.name) } : {}),
    size: c.size === undefined ? 1 : checkNumber(c.size, `compartment ${c.id}`),
    constant: c.constant ?? true,
    spatialDimensions: c.dimensions ?? 3,
  }));
  const speciesList: SpeciesSpec[] = Array.isArray(spec.species)
    ? [...(spec.species as readonly SpeciesSpec[])]
    : Object.entries((spec.species ?? {}) as Record<string, number>).map(([id, initial]) => ({
        id,
        initial,
      }));
  const needsDefault = speciesList.some((s) => s.compartment === undefined);
  if (needsDefault && compartments.length === 0)
    compartments.push({ id: 'default', size: 1, constant: true, spatialDimensions: 3 });
  if (needsDefault && compartments.length > 1)
    throw formatError(
      'A species has no compartment, and the model has several.',
      'species',
      'Give each species a compartment.',
    );
  const species: Species[] = speciesList.map((s) => {
    const id = checkId(s.id, 'species');
    const init = s.initial === undefined ? 0 : checkNumber(s.initial, `species ${id}`);
    return {
      id,
      ...(s.name !== undefined ? { name: String(s.name) } : {}),
      compartment: s.compartment ?? compartments[0].id,
      hasOnlySubstanceUnits: s.amount === true,
      boundaryCondition: s.boundary === true,
      constant: s.constant === true,
      ...(s.amount === true ? { initialAmount: init } : { initialConcentration: init }),
    };
  });
  const ruleTargets = new Set((spec.rules ?? []).map((r) => r.variable));
  const eventTargets = new Set((spec.events ?? []).flatMap((e) => Object.keys(e.assignments ?? {})));
  const paramList: ParameterSpec[] = Array.isArray(spec.parameters)
    ? [...(spec.parameters as readonly ParameterSpec[])]
    : Object.entries((spec.parameters ?? {}) as Record<string, number>).map(([id, value]) => ({ id, value }));
  const parameters: Parameter[] = paramList.map((p) => {
    const id = checkId(p.id, 'parameter');
    return {
      id,
      ...(p.name !== undefined ? { name: String(p.name) } : {}),
      value: checkNumber(p.value, `parameter ${id}`),
      constant: p.constant ?? !(ruleTargets.has(id) || eventTargets.has(id)),
    };
  });
  const functions: FunctionDefinition[] = (spec.functions ?? []).map((fn) => ({
    id: checkId(fn.id, 'function'),
    params: (fn.args ?? []).map((a) => checkId(a, `argument of ${fn.id}`)),
    body: f(fn.body, `function ${fn.id}`),
  }));
  const reactions: Reaction[] = (spec.reactions ?? []).map((r, i) => {
    const id = r.id === undefined ? `r${i + 1}` : checkId(r.id, 'reaction');
    const eq = parseReactionEquation(r.equation, id);
    const ref = (x: { species: string; stoichiometry: number }): SpeciesReference => ({
      species: x.species,
      stoichiometry: x.stoichiometry,
      constant: true,
    });
    return {
      id,
      ...(r.name !== undefined ? { name: String(r.name) } : {}),
      reversible: eq.reversible,
      reactants: eq.reactants.map(ref),
      products: eq.products.map(ref),
      modifiers: (r.modifiers ?? []).map((m) => checkId(m, `modifier of ${id}`)),
      kineticLaw: f(r.rate, `rate of ${id}`),
      localParameters: Object.entries(r.parameters ?? {}).map(([pid, value]) => ({
        id: checkId(pid, `local parameter of ${id}`),
        value: checkNumber(value, `${id}.${pid}`),
      })),
    };
  });
  const rules: Rule[] = (spec.rules ?? []).map((r) => {
    if (r.type !== 'assignment' && r.type !== 'rate')
      throw formatError(
        `Rule for ${String(r.variable)} has type ${JSON.stringify(String(r.type))}.`,
        String(r.variable),
        'Use "assignment" or "rate".',
      );
    return {
      kind: r.type,
      variable: checkId(r.variable, 'rule variable'),
      math: f(r.formula, `${r.type} rule ${r.variable}`),
    };
  });
  const initialAssignments: InitialAssignment[] = Object.entries(spec.initialAssignments ?? {}).map(
    ([symbol, formula]) => ({
      symbol: checkId(symbol, 'initial assignment'),
      math: f(formula, `initial assignment ${symbol}`),
    }),
  );
  const events: ModelEvent[] = (spec.events ?? []).map((e, i) => {
    const id = e.id === undefined ? `e${i + 1}` : checkId(e.id, 'event');
    return {
      id,
      trigger: f(e.trigger, `trigger of ${id}`),
      initialValue: e.initialValue ?? true,
      persistent: e.persistent ?? true,
      ...(e.delay !== undefined ? { delay: f(e.delay, `delay of ${id}`) } : {}),
      ...(e.priority !== undefined ? { priority: f(e.priority, `priority of ${id}`) } : {}),
      useValuesFromTriggerTime: e.useValuesFromTriggerTime ?? true,
      assignments: Object.entries(e.assignments ?? {}).map(([variable, formula]) => ({
        variable: checkId(variable, `assignment of ${id}`),
        math: f(formula, `assignment ${variable} of ${id}`),
      })),
    };
  });
  return {
    ...(spec.id !== undefined ? { id: checkId(spec.id, 'model') } : {}),
    ...(spec.name !== undefined ? { name: String(spec.name) } : {}),
    level: 3,
    version: 2,
    functions,
    compartments,
    species,
    parameters,
    reactions,
    initialAssignments,
    rules,
    events,
    unsupported: [],
  };
}

/** Parses the JSON model format. @throws OdeonError `ModelFormatError`, `InputTooLarge`. */
export function parseModelJson(text: string, maxChars = 32 * 1024 * 1024): Model {
  if (text.length > maxChars)
    throw new OdeonError(
      'InputTooLarge',
      `The JSON model has ${text.length} characters, above ${maxChars}.`,
      { hint: 'Raise maxChars if needed.' },
    );
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (cause) {
    throw new OdeonError(
      'ModelFormatError',
      `Invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, hint: 'Check the JSON syntax.' },
    );
  }
  try {
    return buildModel(spec as ModelSpec);
  } catch (error) {
    if (error instanceof OdeonError) throw error;
    throw new OdeonError(
      'ModelFormatError',
      `Malformed model: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
        hint: 'See the ModelSpec format in the @odeon/sbml README.',
      },
    );
  }
}

/**
 * A fluent TypeScript builder producing a {@link ModelSpec}:
 * `new ModelBuilder('decay').species('A', 1).parameter('k', 0.5).reaction('A ->', 'k*A').build()`.
 */
export class ModelBuilder {
  private readonly spec: {
    id?: string;
    compartments: CompartmentSpec[];
    species: SpeciesSpec[];
    parameters: ParameterSpec[];
    functions: FunctionSpec[];
    reactions: ReactionSpec[];
    rules: RuleSpec[];
    initialAssignments: Record<string, string>;
    events: EventSpec[];
  } = {
    compartments: [],
    species: [],
    parameters: [],
    functions: [],
    reactions: [],
    rules: [],
    initialAssignments: {},
    events: [],
  };

  constructor(id?: string) {
    if (id !== undefined) this.spec.id = id;
  }
  compartment(id: string, size = 1, options: Omit<CompartmentSpec, 'id' | 'size'> = {}): this {
    this.spec.compartments.push({ id, size, ...options });
    return this;
  }
  species(id: string, initial = 0, options: Omit<SpeciesSpec, 'id' | 'initial'> = {}): this {
    this.spec.species.push({ id, initial, ...options });
    return this;
  }
  parameter(id: string, value: number, options: Omit<ParameterSpec, 'id' | 'value'> = {}): this {
    this.spec.parameters.push({ id, value, ...options });
    return this;
  }
  function(id: string, args: readonly string[], body: string): this {
    this.spec.functions.push({ id, args, body });
    return this;
  }
  reaction(equation: string, rate: string, options: Omit<ReactionSpec, 'equation' | 'rate'> = {}): this {
    this.spec.reactions.push({ equation, rate, ...options });
    return this;
  }
  assignmentRule(variable: string, formula: string): this {
    this.spec.rules.push({ type: 'assignment', variable, formula });
    return this;
  }
  rateRule(variable: string, formula: string): this {
    this.spec.rules.push({ type: 'rate', variable, formula });
    return this;
  }
  initialAssignment(symbol: string, formula: string): this {
    this.spec.initialAssignments[symbol] = formula;
    return this;
  }
  event(event: EventSpec): this {
    this.spec.events.push(event);
    return this;
  }
  /** The accumulated spec (a plain object, serialisable as the JSON format). */
  toSpec(): ModelSpec {
    return JSON.parse(JSON.stringify(this.spec)) as ModelSpec;
  }
  build(): Model {
    return buildModel(this.toSpec());
  }
}
