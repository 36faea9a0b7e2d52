import { OdeonError } from '@odeon/ode';
import { AVOGADRO, type MathExpr, walkMath } from '../ast.ts';
import type {
  FunctionDefinition,
  Model,
  ModelEvent,
  Reaction,
  Rule,
  Species,
  SpeciesReference,
} from '../model.ts';
import { Dag, type DagOp, type NodeId } from './dag.ts';

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
  readonly fast: {
    readonly ids: readonly string[];
    readonly rates: readonly NodeId[];
    readonly columns: readonly (readonly NodeId[])[];
  };
}

function semantic(message: string, element: string, hint: string): OdeonError {
  return new OdeonError('SbmlSemanticError', message, { element, hint });
}

/** Flattens a model: classifies symbols, orders rules by dependency (reporting cycles) and builds the RHS graph. */
export function lowerModel(model: Model, options: LowerOptions = {}): LoweredSystem {
  if (model.unsupported.length > 0) {
    const u = model.unsupported[0];
    throw new OdeonError(
      'UnsupportedSbmlFeature',
      `The model uses ${u.feature} (${u.element}), which Odeon does not support yet.`,
      {
        feature: u.feature,
        element: u.element,
        hint: 'Remove or rewrite that element; `odeon info` lists every unsupported feature.',
      },
    );
  }
  return new Lowering(model, options).build();
}

class Lowering {
  readonly dag = new Dag();
  readonly initDag = new Dag();
  readonly symbols = new Map<string, SymbolInfo>();
  readonly functions = new Map<string, FunctionDefinition>();
  readonly species = new Map<string, Species>();
  readonly compartmentOf = new Map<string, string>();
  readonly assignmentRules = new Map<string, MathExpr>();
  readonly rateRules = new Map<string, MathExpr>();
  /** Variables determined by an algebraic rule (0 = math, linear in the variable), with the rule. */
  readonly algebraic = new Map<string, { readonly math: MathExpr; readonly element: string }>();
  readonly initialAssignments = new Map<string, MathExpr>();
  readonly reactions = new Map<string, Reaction>();
  readonly stoichMath = new Map<string, MathExpr>();
  readonly stateIds: string[] = [];
  readonly paramIds: string[] = [];
  readonly declaredY: number[] = [];
  readonly declaredP: number[] = [];
  readonly valueMemo = new Map<string, NodeId>();
  readonly initMemo = new Map<string, NodeId>();
  readonly inProgress = new Set<string>();
  readonly rhsMemo = new Map<number, NodeId>();
  readonly rhsProgress = new Set<number>();
  readonly delays: { value: NodeId; lag: NodeId; before: NodeId }[] = [];
  /** While lowering the pre-t0 form of a delayed expression: rateOf is 0 there. */
  rateOfIsZero = false;
  readonly delayMemo = new Map<string, NodeId>();

  constructor(
    readonly model: Model,
    readonly options: LowerOptions = {},
  ) {}

  declare(id: string, kind: SymbolKind, element: string): void {
    if (this.symbols.has(id) || this.functions.has(id))
      throw semantic(`The id ${id} is declared twice.`, element, 'SBML ids must be unique within a model.');
    this.symbols.set(id, { id, kind, role: 'param', index: -1, stores: 'value' });
  }

  build(): LoweredSystem {
    const m = this.model;
    for (const f of m.functions) {
      if (this.functions.has(f.id))
        throw semantic(`The function ${f.id} is declared twice.`, f.id, 'SBML ids must be unique.');
      this.functions.set(f.id, f);
    }
    for (const c of m.compartments) this.declare(c.id, 'compartment', c.id);
    const zeroDim = new Set(m.compartments.filter((c) => c.spatialDimensions === 0).map((c) => c.id));
    for (const s of m.species) {
      this.declare(s.id, 'species', s.id);
      // Species in 0-D compartments have no concentration: their symbol always means the amount.
      this.species.set(s.id, zeroDim.has(s.compartment) ? { ...s, hasOnlySubstanceUnits: true } : s);
    }
    for (const p of m.parameters) this.declare(p.id, 'parameter', p.id);
    const refs: SpeciesReference[] = [];
    for (const r of m.reactions) {
      this.declare(r.id, 'reaction', r.id);
      this.reactions.set(r.id, r);
      for (const sr of [...r.reactants, ...r.products]) {
        if (!this.species.has(sr.species))
          throw semantic(
            `Reaction ${r.id} refers to an unknown species ${sr.species}.`,
            r.id,
            'Declare the species or fix the reference.',
          );
        if (sr.id !== undefined) {
          this.declare(sr.id, 'speciesReference', sr.id);
          refs.push(sr);
          if (sr.stoichiometryMath) this.stoichMath.set(sr.id, sr.stoichiometryMath);
        }
      }
      for (const mod of r.modifiers)
        if (!this.species.has(mod))
          throw semantic(
            `Reaction ${r.id} has an unknown modifier ${mod}.`,
            r.id,
            'Declare the species or fix the reference.',
          );
    }
    for (const s of m.species) {
      if (!this.symbols.has(s.compartment) || this.symbols.get(s.compartment)?.kind !== 'compartment')
        throw semantic(
          `Species ${s.id} is in an unknown compartment ${s.compartment}.`,
          s.id,
          'Declare the compartment.',
        );
      this.compartmentOf.set(s.id, s.compartment);
    }
    for (const rule of m.rules) this.addRule(rule);
    for (const ia of m.initialAssignments) {
      const info = this.symbols.get(ia.symbol);
      if (!info || info.kind === 'reaction')
        throw semantic(
          `Initial assignment to unknown symbol ${ia.symbol}.`,
          ia.symbol,
          'Initial assignments target a compartment, species, parameter or species reference.',
        );
      if (this.initialAssignments.has(ia.symbol))
        throw semantic(`Two initial assignments for ${ia.symbol}.`, ia.symbol, 'Keep one.');
      if (this.assignmentRules.has(ia.symbol))
        throw semantic(
          `${ia.symbol} has both an initial assignment and an assignment rule.`,
          ia.symbol,
          'Keep one.',
        );
      this.initialAssignments.set(ia.symbol, ia.math);
    }
    // Which species do reactions change?
    const reactive = new Set<string>();
    for (const r of m.reactions) for (const sr of [...r.reactants, ...r.products]) reactive.add(sr.species);
    this.matchAlgebraicRules(reactive, refs);

    const eventTargets = new Set(m.events.flatMap((e) => e.assignments.map((a) => a.variable)));
    // Classify, states first in document order, then parameters.
    const classify = (id: string, kind: SymbolKind, declared: number): void => {
      if (this.assignmentRules.has(id) || this.stoichMath.has(id) || this.algebraic.has(id)) {
        this.symbols.set(id, { id, kind, role: 'assigned', index: -1, stores: 'value' });
        return;
      }
      const s = kind === 'species' ? this.species.get(id) : undefined;
      if (this.rateRules.has(id)) {
        this.symbols.set(id, { id, kind, role: 'state', index: this.stateIds.length, stores: 'value' });
        this.stateIds.push(id);
        this.declaredY.push(declared);
        return;
      }
      if (s && !s.boundaryCondition && !s.constant && reactive.has(id)) {
        this.symbols.set(id, { id, kind, role: 'state', index: this.stateIds.length, stores: 'amount' });
        this.stateIds.push(id);
        this.declaredY.push(declared);
        return;
      }
      if (
        kind === 'compartment' &&
        !this.options.compartmentsAsParameters &&
        this.model.compartments.find((c) => c.id === id)?.constant === true &&
        !this.initialAssignments.has(id) &&
        !eventTargets.has(id)
      ) {
        this.symbols.set(id, {
          id,
          kind,
          role: 'constant',
          index: -1,
          stores: 'value',
          constantValue: declared,
        });
        return;
      }
      this.symbols.set(id, {
        id,
        kind,
        role: 'param',
        index: this.paramIds.length,
        // A species outside reactions and rules keeps its amount when its compartment changes (constant ones too).
        stores: s ? 'amount' : 'value',
      });
      this.paramIds.push(id);
      this.declaredP.push(declared);
    };
    for (const s of m.species)
      classify(s.id, 'species', s.initialAmount ?? s.initialConcentration ?? Number.NaN);
    for (const c of m.compartments) classify(c.id, 'compartment', c.size);
    for (const p of m.parameters) classify(p.id, 'parameter', p.value);
    for (const sr of refs) classify(sr.id as string, 'speciesReference', sr.stoichiometry);
    for (const r of m.reactions) {
      this.symbols.set(r.id, { id: r.id, kind: 'reaction', role: 'reaction', index: -1, stores: 'value' });
      for (const lp of r.localParameters) {
        const key = `${r.id}.${lp.id}`;
        if (this.symbols.has(key))
          throw semantic(`Local parameter ${lp.id} is declared twice in ${r.id}.`, r.id, 'Rename one.');
        this.symbols.set(key, {
          id: key,
          kind: 'localParameter',
          role: 'param',
          index: this.paramIds.length,
          stores: 'value',
        });
        this.paramIds.push(key);
        this.declaredP.push(lp.value);
      }
    }
    for (const [id, rule] of this.rateRules) {
      const info = this.symbols.get(id);
      if (info?.kind === 'species' && this.species.get(id)?.constant)
        throw semantic(
          `Rate rule for the constant species ${id}.`,
          id,
          'A constant species cannot have a rule.',
        );
      void rule;
    }

    const n = this.stateIds.length;
    const rhs: NodeId[] = [];
    for (let i = 0; i < n; i++) rhs.push(this.rhsOf(i));
    const fast = this.fastReactions();
    const events = this.model.events.map((e) => this.lowerEvent(e));
    // Touch every assigned symbol and reaction so cycles are reported even when nothing uses them.
    for (const [id, info] of this.symbols)
      if (info.role === 'assigned' || info.role === 'reaction') this.value(id);

    const missingValues = this.findMissingValues(rhs, events);
    const initY: NodeId[] = [];
    const initP: NodeId[] = [];
    for (let i = 0; i < n; i++) initY.push(this.initStored(this.stateIds[i]));
    for (let k = 0; k < this.paramIds.length; k++) initP.push(this.initStored(this.paramIds[k]));
    return {
      dag: this.dag,
      n,
      np: this.paramIds.length,
      stateIds: this.stateIds,
      paramIds: this.paramIds,
      rhs,
      symbols: this.symbols,
      events,
      value: (id) => this.value(id),
      amount: (id) => this.amount(id),
      concentration: (id) => this.concentration(id),
      initDag: this.initDag,
      initY,
      initP,
      declared: Float64Array.from([...this.declaredY, ...this.declaredP]),
      model: this.model,
      species: this.species,
      missingValues,
      delays: this.delays,
      fast,
    };
  }

  /** Rates and stoichiometric columns of the fast reactions (columns in the state's own units, like rhs). */
  fastReactions(): LoweredSystem['fast'] {
    const d = this.dag;
    const list = this.model.reactions.filter((r) => r.fast);
    const columns = list.map((r) =>
      this.stateIds.map((id) => {
        const info = this.symbols.get(id) as SymbolInfo;
        const s = this.species.get(id);
        if (!s || this.rateRules.has(id) || info.stores !== 'amount') return d.const(0);
        const terms: NodeId[] = [];
        for (const sr of r.reactants) if (sr.species === id) terms.push(d.neg(this.stoichiometry(sr, false)));
        for (const sr of r.products) if (sr.species === id) terms.push(this.stoichiometry(sr, false));
        const cf = s.conversionFactor ?? this.model.conversionFactor;
        const col = d.add(terms);
        return cf === undefined ? col : d.mul([col, this.value(cf)]);
      }),
    );
    return { ids: list.map((r) => r.id), rates: list.map((r) => this.value(r.id)), columns };
  }

  /** Stored symbols without any value that the dynamics, rules or events read. */
  findMissingValues(rhs: readonly NodeId[], events: readonly LoweredEvent[]): string[] {
    const d = this.dag;
    const roots: NodeId[] = [...rhs];
    for (const e of events) {
      roots.push(e.trigger, ...e.atoms, ...e.assignments.map((a) => a.value));
      if (e.delay !== undefined) roots.push(e.delay);
      if (e.priority !== undefined) roots.push(e.priority);
    }
    for (const [id, info] of this.symbols)
      if (info.role === 'assigned' || info.role === 'reaction') roots.push(this.value(id));
    const usedY = new Set<number>();
    const usedP = new Set<number>();
    for (const id of d.topo(roots)) {
      const x = d.node(id);
      if (x.op === 'y') usedY.add(x.value);
      else if (x.op === 'p') usedP.add(x.value);
    }
    const missing: string[] = [];
    const check = (id: string, declared: number, used: boolean): void => {
      if (used && Number.isNaN(declared) && !this.initialAssignments.has(id)) missing.push(id);
    };
    this.stateIds.forEach((id, i) => {
      check(id, this.declaredY[i], true);
    });
    this.paramIds.forEach((id, k) => {
      check(id, this.declaredP[k], usedP.has(k));
    });
    return missing;
  }

  addRule(rule: Rule): void {
    if (rule.kind === 'algebraic') return;
    const info = this.symbols.get(rule.variable);
    if (!info || info.kind === 'reaction')
      throw semantic(
        `A ${rule.kind} rule targets unknown symbol ${rule.variable}.`,
        rule.variable,
        'Rules target a compartment, species, parameter or species reference.',
      );
    if (this.assignmentRules.has(rule.variable) || this.rateRules.has(rule.variable))
      throw semantic(
        `${rule.variable} has more than one rule.`,
        rule.variable,
        'A symbol can have at most one rule.',
      );
    if (info.kind === 'species' && this.species.get(rule.variable)?.constant)
      throw semantic(
        `Rule for the constant species ${rule.variable}.`,
        rule.variable,
        'A constant species cannot have a rule.',
      );
    (rule.kind === 'assignment' ? this.assignmentRules : this.rateRules).set(rule.variable, rule.math);
  }

  /**
   * Assigns each algebraic rule the variable it determines: a bipartite matching of rules to the
   * symbols they mention that nothing else determines (not constant, no rule, not changed by reactions).
   */
  matchAlgebraicRules(reactive: ReadonlySet<string>, refs: readonly SpeciesReference[]): void {
    const rules = this.model.rules.flatMap((r, i) =>
      r.kind === 'algebraic' ? [{ math: r.math, element: r.id ?? `algebraicRule #${i + 1}` }] : [],
    );
    if (rules.length === 0) return;
    const m = this.model;
    const free = new Set<string>();
    const undetermined = (id: string) => !this.assignmentRules.has(id) && !this.rateRules.has(id);
    for (const c of m.compartments) if (!c.constant && undetermined(c.id)) free.add(c.id);
    for (const p of m.parameters) if (!p.constant && undetermined(p.id)) free.add(p.id);
    for (const s of m.species)
      if (!s.constant && (s.boundaryCondition || !reactive.has(s.id)) && undetermined(s.id)) free.add(s.id);
    for (const sr of refs) if (!sr.constant && sr.id !== undefined && undetermined(sr.id)) free.add(sr.id);
    const candidates = rules.map((r) => [...this.symbolsOf(r.math)].filter((x) => free.has(x)));
    const owner = new Map<string, number>();
    const tryRule = (i: number, seen: Set<string>): boolean => {
      for (const x of candidates[i]) {
        if (seen.has(x)) continue;
        seen.add(x);
        const j = owner.get(x);
        if (j === undefined || tryRule(j, seen)) {
          owner.set(x, i);
          return true;
        }
      }
      return false;
    };
    rules.forEach((r, i) => {
      if (!tryRule(i, new Set()))
        throw new OdeonError(
          'UnsupportedSbmlFeature',
          `The algebraic rule ${r.element} determines no variable that is not already determined (an overdetermined or differential-algebraic system).`,
          {
            feature: 'algebraicRule',
            element: r.element,
            hint: 'Odeon solves algebraic rules that determine a non-constant parameter, compartment or species otherwise undetermined.',
          },
        );
    });
    for (const [x, i] of owner) this.algebraic.set(x, rules[i]);
  }

  /** Symbols an expression mentions, looking through function calls (their bodies see only arguments). */
  symbolsOf(expr: MathExpr): Set<string> {
    const out = new Set<string>();
    walkMath(expr, (n) => {
      if (n.type === 'symbol' && !this.functions.has(n.name)) out.add(n.name);
    });
    return out;
  }

  /**
   * The value of x from its algebraic rule 0 = g(x): g must be affine in x (x = −g(0)/g′), else the rule
   * is refused (a nonlinear algebraic constraint needs a DAE solver).
   */
  solveAlgebraic(x: string, init: boolean): NodeId {
    const { math, element } = this.algebraic.get(x) as { math: MathExpr; element: string };
    const d = init ? this.initDag : this.dag;
    // A marker leaf stands for x: p indices beyond every real parameter are never evaluated.
    const marker = d.p(1_000_000_000 + this.algebraic.size);
    const g = this.lower(math, new Map([[x, marker]]), init, `algebraic rule ${element}`);
    const slope = d.diff(g, marker);
    if (d.topo([slope]).includes(marker) || d.isConst(slope, 0))
      throw new OdeonError(
        'UnsupportedSbmlFeature',
        `The algebraic rule ${element} is not linear in ${x}, the variable it determines.`,
        {
          feature: 'algebraicRule',
          element,
          hint: 'Rewrite it as an assignment rule for that variable; nonlinear algebraic rules are not supported yet.',
        },
      );
    const offset = this.lower(math, new Map([[x, d.const(0)]]), init, `algebraic rule ${element}`);
    return d.div(d.neg(offset), slope);
  }

  // ---------------------------------------------------------------- RHS context

  compartmentSize(speciesId: string, init: boolean): NodeId {
    const c = this.compartmentOf.get(speciesId) as string;
    return init ? this.initValue(c) : this.value(c);
  }

  /** The math value of a symbol in (t, y, p). */
  value(id: string): NodeId {
    const memo = this.valueMemo.get(id);
    if (memo !== undefined) return memo;
    const info = this.symbols.get(id);
    if (!info)
      throw semantic(
        `Unknown symbol ${id}.`,
        id,
        'Declare it as a parameter, species, compartment or reaction.',
      );
    const d = this.dag;
    let node: NodeId;
    if (info.role === 'constant') node = d.const(info.constantValue as number);
    else if (info.role === 'state' || info.role === 'param') {
      const leaf = info.role === 'state' ? d.y(info.index) : d.p(info.index);
      const s = this.species.get(id);
      node =
        s && info.stores === 'amount' && !s.hasOnlySubstanceUnits
          ? d.div(leaf, this.compartmentSize(id, false))
          : leaf;
    } else {
      this.enter(id);
      if (info.role === 'reaction') node = this.reactionRate(id, false);
      else if (this.algebraic.has(id)) node = this.solveAlgebraic(id, false);
      else {
        const expr = this.assignmentRules.get(id) ?? this.stoichMath.get(id);
        node = this.lower(expr as MathExpr, new Map(), false, id);
      }
      this.inProgress.delete(id);
    }
    this.valueMemo.set(id, node);
    return node;
  }

  enter(id: string): void {
    if (this.inProgress.has(id)) {
      const cycle = [...this.inProgress, id];
      throw semantic(
        `Assignment rules and kinetic laws form a cycle: ${cycle.slice(cycle.indexOf(id)).join(' → ')}.`,
        id,
        'Assignment rules must not depend on themselves, directly or indirectly.',
      );
    }
    this.inProgress.add(id);
  }

  amount(id: string): NodeId {
    const s = this.species.get(id);
    if (!s) throw semantic(`Unknown species ${id}.`, id, 'Name a species.');
    const info = this.symbols.get(id) as SymbolInfo;
    const d = this.dag;
    if ((info.role === 'state' || info.role === 'param') && info.stores === 'amount')
      return info.role === 'state' ? d.y(info.index) : d.p(info.index);
    const v = this.value(id);
    return s.hasOnlySubstanceUnits ? v : d.mul([v, this.compartmentSize(id, false)]);
  }

  concentration(id: string): NodeId {
    const s = this.species.get(id);
    if (!s) throw semantic(`Unknown species ${id}.`, id, 'Name a species.');
    return s.hasOnlySubstanceUnits
      ? this.dag.div(this.value(id), this.compartmentSize(id, false))
      : this.value(id);
  }

  reactionRate(id: string, init: boolean): NodeId {
    const r = this.reactions.get(id) as Reaction;
    if (!r.kineticLaw) return (init ? this.initDag : this.dag).const(0);
    const scope = new Map<string, NodeId>();
    for (const lp of r.localParameters) {
      const info = this.symbols.get(`${r.id}.${lp.id}`) as SymbolInfo;
      scope.set(lp.id, init ? this.initDag.p(this.stateIds.length + info.index) : this.dag.p(info.index));
    }
    return this.lower(r.kineticLaw, scope, init, `kinetic law of ${id}`);
  }

  stoichiometry(sr: SpeciesReference, init: boolean): NodeId {
    const d = init ? this.initDag : this.dag;
    if (sr.id !== undefined) return init ? this.initValue(sr.id) : this.value(sr.id);
    if (sr.stoichiometryMath)
      return this.lower(sr.stoichiometryMath, new Map(), init, `stoichiometryMath of ${sr.species}`);
    return d.const(Number.isNaN(sr.stoichiometry) ? 1 : sr.stoichiometry);
  }

  rhsOf(i: number): NodeId {
    const memo = this.rhsMemo.get(i);
    if (memo !== undefined) return memo;
    const id = this.stateIds[i];
    if (this.rhsProgress.has(i))
      throw semantic(
        `The rate of ${id} depends on itself through rateOf.`,
        id,
        'rateOf must not form a cycle.',
      );
    this.rhsProgress.add(i);
    const d = this.dag;
    const info = this.symbols.get(id) as SymbolInfo;
    let node: NodeId;
    const rr = this.rateRules.get(id);
    if (rr !== undefined) node = this.lower(rr, new Map(), false, `rate rule ${id}`);
    else {
      const s = this.species.get(id) as Species;
      const terms: NodeId[] = [];
      for (const r of this.model.reactions) {
        // Only reactions that change this species: another reaction's rate may use rateOf(id).
        if (!r.reactants.some((sr) => sr.species === id) && !r.products.some((sr) => sr.species === id))
          continue;
        if (r.fast) continue;
        const rate = this.value(r.id);
        for (const sr of r.reactants)
          if (sr.species === id) terms.push(d.neg(d.mul([this.stoichiometry(sr, false), rate])));
        for (const sr of r.products)
          if (sr.species === id) terms.push(d.mul([this.stoichiometry(sr, false), rate]));
      }
      const cf = s.conversionFactor ?? this.model.conversionFactor;
      node = d.add(terms);
      if (cf !== undefined) node = d.mul([node, this.value(cf)]);
    }
    void info;
    this.rhsProgress.delete(i);
    this.rhsMemo.set(i, node);
    return node;
  }

  /** d/dt of an expression along solutions: ∂e/∂t + Σ ∂e/∂y_i f_i. */
  timeDerivative(e: NodeId): NodeId {
    const d = this.dag;
    const terms: NodeId[] = [d.diff(e, d.t())];
    for (const leaf of d.topo([e])) {
      const node = d.node(leaf);
      if (node.op === 'y') terms.push(d.mul([d.diff(e, leaf), this.rhsOf(node.value)]));
    }
    return d.add(terms);
  }

  // ---------------------------------------------------------------- initial values

  /** The initial math value of a symbol, over the declared vector d. */
  initValue(id: string): NodeId {
    const memo = this.initMemo.get(id);
    if (memo !== undefined) return memo;
    const info = this.symbols.get(id);
    if (!info) throw semantic(`Unknown symbol ${id}.`, id, 'Declare it.');
    const key = `init:${id}`;
    this.enter(key);
    const d = this.initDag;
    let node: NodeId;
    const ia = this.initialAssignments.get(id);
    if (this.algebraic.has(id)) node = this.solveAlgebraic(id, true);
    else if (ia !== undefined) node = this.lower(ia, new Map(), true, `initial assignment ${id}`);
    else if (info.role === 'reaction') node = this.reactionRate(id, true);
    else if (info.role === 'constant') node = d.const(info.constantValue as number);
    else if (info.role === 'assigned') {
      const expr = this.assignmentRules.get(id) ?? this.stoichMath.get(id);
      node = this.lower(expr as MathExpr, new Map(), true, id);
    } else {
      const slot = info.role === 'state' ? info.index : this.stateIds.length + info.index;
      const leaf = d.p(slot);
      const s = this.species.get(id);
      if (s) {
        const V = this.compartmentSize(id, true);
        if (s.initialAmount !== undefined) node = s.hasOnlySubstanceUnits ? leaf : d.div(leaf, V);
        else if (s.initialConcentration !== undefined)
          node = s.hasOnlySubstanceUnits ? d.mul([leaf, V]) : leaf;
        else node = d.const(Number.NaN);
      } else node = leaf;
    }
    this.inProgress.delete(key);
    this.initMemo.set(id, node);
    return node;
  }

  /** Initial value of what is stored in y or p for a symbol. */
  initStored(id: string): NodeId {
    const info = this.symbols.get(id) as SymbolInfo;
    const v = this.initValue(id);
    const s = this.species.get(id);
    if (s && info.stores === 'amount' && !s.hasOnlySubstanceUnits)
      return this.initDag.mul([v, this.compartmentSize(id, true)]);
    return v;
  }

  /** Copies an RHS-graph node into the initial-value graph, with y and p replaced by their initial values. */
  toInit(node: NodeId): NodeId {
    const d = this.dag;
    const g = this.initDag;
    const map = new Map<NodeId, NodeId>();
    for (const id of d.topo([node])) {
      const n = d.node(id);
      let r: NodeId;
      if (n.op === 'const') r = g.const(n.value);
      else if (n.op === 'y') r = this.initStored(this.stateIds[n.value]);
      else if (n.op === 'p') r = this.initStored(this.paramIds[n.value]);
      else if (n.op === 't') r = g.t();
      else
        r = g.op(
          n.op,
          n.args.map((a) => map.get(a) as NodeId),
        );
      map.set(id, r);
    }
    return map.get(node) as NodeId;
  }

  // ---------------------------------------------------------------- events

  lowerEvent(e: ModelEvent): LoweredEvent {
    const scope = new Map<string, NodeId>();
    const trigger = this.dag.truth(this.lower(e.trigger, scope, false, `trigger of event ${e.id}`));
    const root = this.rootFunction(e.trigger, `trigger of event ${e.id}`);
    const assignments = e.assignments.map((a) => {
      const symbol = this.symbols.get(a.variable);
      if (!symbol || symbol.role === 'assigned' || symbol.role === 'reaction' || symbol.role === 'constant')
        throw semantic(
          `Event ${e.id} assigns ${a.variable}, which is ${symbol ? 'set by an assignment rule or is a reaction' : 'not declared'}.`,
          e.id,
          'Event assignments target species, compartments, parameters or species references without assignment rules.',
        );
      if (symbol.kind === 'species' && this.species.get(a.variable)?.constant)
        throw semantic(
          `Event ${e.id} assigns the constant species ${a.variable}.`,
          e.id,
          'Constant species cannot change.',
        );
      return { symbol, value: this.lower(a.math, scope, false, `event assignment ${a.variable} of ${e.id}`) };
    });
    return {
      id: e.id,
      trigger,
      root,
      atoms: this.relationAtoms(trigger),
      delay: e.delay ? this.lower(e.delay, scope, false, `delay of ${e.id}`) : undefined,
      priority: e.priority ? this.lower(e.priority, scope, false, `priority of ${e.id}`) : undefined,
      initialValue: e.initialValue,
      persistent: e.persistent,
      useValuesFromTriggerTime: e.useValuesFromTriggerTime,
      assignments,
    };
  }

  /** a − b for each relation a ⋈ b under `node` that depends on t or y (deduplicated). */
  relationAtoms(node: NodeId): NodeId[] {
    const d = this.dag;
    const atoms: NodeId[] = [];
    const seen = new Set<NodeId>();
    for (const id of d.topo([node])) {
      const x = d.node(id);
      if (
        !(x.op === 'lt' || x.op === 'le' || x.op === 'gt' || x.op === 'ge' || x.op === 'eq' || x.op === 'ne')
      )
        continue;
      const g = d.sub(x.args[0], x.args[1]);
      if (d.isConst(g) || seen.has(g)) continue;
      if (!d.topo([g]).some((z) => d.node(z).op === 'y' || d.node(z).op === 't')) continue;
      seen.add(g);
      atoms.push(g);
    }
    return atoms;
  }

  /** A continuous function whose sign follows the trigger: positive when true (relations give differences). */
  rootFunction(expr: MathExpr, element: string): NodeId {
    const d = this.dag;
    const bool = (x: MathExpr): NodeId => {
      const v = d.truth(this.lower(x, new Map(), false, element));
      return d.select(v, d.const(1), d.const(-1));
    };
    const rec = (x: MathExpr, depth: number): NodeId => {
      if (depth > 50) return bool(x);
      if (x.type === 'apply') {
        const args = x.args;
        const L = (a: MathExpr): NodeId => this.lower(a, new Map(), false, element);
        if (args.length === 2 && (x.op === 'gt' || x.op === 'geq')) return d.sub(L(args[0]), L(args[1]));
        if (args.length === 2 && (x.op === 'lt' || x.op === 'leq')) return d.sub(L(args[1]), L(args[0]));
        if (x.op === 'and' && args.length > 0)
          return args.map((a) => rec(a, depth + 1)).reduce((a, b) => d.op('min', [a, b]));
        if (x.op === 'or' && args.length > 0)
          return args.map((a) => rec(a, depth + 1)).reduce((a, b) => d.op('max', [a, b]));
        if (x.op === 'not' && args.length === 1) return d.neg(rec(args[0], depth + 1));
      }
      return bool(x);
    };
    return rec(expr, 0);
  }

  // ---------------------------------------------------------------- MathExpr → DAG

  lower(
    expr: MathExpr,
    scope: ReadonlyMap<string, NodeId>,
    init: boolean,
    element: string,
    depth = 0,
  ): NodeId {
    const d = init ? this.initDag : this.dag;
    if (depth > 400)
      throw new OdeonError('InputTooLarge', `Expression in ${element} is nested too deeply.`, {
        element,
        hint: 'Function definitions may be calling each other too deeply.',
      });
    const L = (x: MathExpr): NodeId => this.lower(x, scope, init, element, depth + 1);
    switch (expr.type) {
      case 'number':
        return d.const(expr.value);
      case 'time':
        return d.t();
      case 'avogadro':
        return d.const(AVOGADRO);
      case 'symbol': {
        const local = scope.get(expr.name);
        if (local !== undefined) return local;
        if (!this.symbols.has(expr.name))
          throw semantic(
            `${element} refers to an undeclared symbol ${expr.name}.`,
            element,
            'Declare it as a parameter, species, compartment or reaction.',
          );
        return init ? this.initValue(expr.name) : this.value(expr.name);
      }
      case 'piecewise': {
        let acc = expr.otherwise ? L(expr.otherwise) : d.const(Number.NaN);
        for (let i = expr.pieces.length - 1; i >= 0; i--)
          acc = d.select(d.truth(L(expr.pieces[i].condition)), L(expr.pieces[i].value), acc);
        return acc;
      }
      case 'call': {
        const f = this.functions.get(expr.name);
        if (!f)
          throw semantic(
            `${element} calls an undefined function ${expr.name}.`,
            element,
            'Declare it in listOfFunctionDefinitions.',
          );
        if (f.params.length !== expr.args.length)
          throw semantic(
            `${element} calls ${expr.name} with ${expr.args.length} arguments; it takes ${f.params.length}.`,
            element,
            'Fix the call.',
          );
        const inner = new Map<string, NodeId>();
        for (let i = 0; i < f.params.length; i++) inner.set(f.params[i], L(expr.args[i]));
        return this.lower(f.body, inner, init, element, depth + 20);
      }
      case 'apply':
        return this.lowerApply(expr.op, expr.args, L, d, init, element, scope);
    }
  }

  lowerApply(
    op: string,
    args: readonly MathExpr[],
    L: (x: MathExpr) => NodeId,
    d: Dag,
    init: boolean,
    element: string,
    scope: ReadonlyMap<string, NodeId>,
  ): NodeId {
    if (op === 'rateOf') {
      const a = args[0];
      if (a.type !== 'symbol')
        throw semantic(
          `rateOf in ${element} must be applied to a symbol.`,
          element,
          'Write rateOf(<ci> id </ci>).',
        );
      if (this.rateOfIsZero) return d.const(0);
      // A local parameter (or function argument) shadows the global symbol: differentiate what it stands for.
      const local = scope.get(a.name);
      if (local !== undefined) {
        if (!init) return this.timeDerivative(local);
        if (d.node(local).op === 'p' || d.isConst(local)) return d.const(0);
        throw new OdeonError(
          'UnsupportedSbmlFeature',
          `rateOf of a function argument in the initial value of ${element} is not supported.`,
          {
            feature: 'rateOf',
            element,
            hint: 'Apply rateOf to a model symbol outside the function definition.',
          },
        );
      }
      const info = this.symbols.get(a.name);
      if (!info) throw semantic(`rateOf of undeclared ${a.name}.`, element, 'Declare it.');
      const rate =
        info.role === 'state' && info.stores === 'value'
          ? this.rhsOf(info.index)
          : this.timeDerivative(this.value(a.name));
      // In initial values, the rate at t0: the RHS graph evaluated at the initial state and parameters.
      return init ? this.toInit(rate) : rate;
    }
    if (op === 'delay') {
      // Before t0 the history is the initial state, so initial values see the undelayed value.
      if (init) return L(args[0]);
      const value = L(args[0]);
      const lag = L(args[1]);
      const key = `${value}:${lag}`;
      const memo = this.delayMemo.get(key);
      if (memo !== undefined) return memo;
      const slot = d.p(this.paramIds.length + this.delays.length);
      const outer = this.rateOfIsZero;
      this.rateOfIsZero = true;
      const before = L(args[0]);
      this.rateOfIsZero = outer;
      this.delays.push({ value, lag, before });
      this.delayMemo.set(key, slot);
      return slot;
    }
    const x = args.map(L);
    const un = (o: DagOp) => d.op(o, [x[0]]);
    const inv = (o: DagOp) => d.op(o, [d.div(d.const(1), x[0])]);
    const chain = (o: DagOp): NodeId => {
      if (x.length < 2) return d.const(1);
      const parts: NodeId[] = [];
      for (let i = 0; i + 1 < x.length; i++) parts.push(d.op(o, [x[i], x[i + 1]]));
      return parts.reduce((a, b) => d.op('and', [a, b]));
    };
    const fold = (o: DagOp, empty: number): NodeId =>
      x.length === 0 ? d.const(empty) : x.map((v) => d.truth(v)).reduce((a, b) => d.op(o, [a, b]));
    switch (op) {
      case 'plus':
        return d.add(x);
      case 'times':
        return d.mul(x);
      case 'minus':
        return x.length === 1 ? d.neg(x[0]) : d.sub(x[0], x[1]);
      case 'divide':
        return d.div(x[0], x[1]);
      case 'power':
        return d.pow(x[0], x[1]);
      case 'root':
        return d.isConst(x[0], 2) ? d.op('sqrt', [x[1]]) : d.pow(x[1], d.div(d.const(1), x[0]));
      case 'log':
        return d.isConst(x[0], 10)
          ? d.div(d.op('ln', [x[1]]), d.const(Math.LN10))
          : d.div(d.op('ln', [x[1]]), d.op('ln', [x[0]]));
      case 'abs':
      case 'exp':
      case 'ln':
      case 'floor':
      case 'factorial':
      case 'sin':
      case 'cos':
      case 'tan':
      case 'sinh':
      case 'cosh':
      case 'tanh':
        return un(op as DagOp);
      case 'ceiling':
        return un('ceil');
      case 'sec':
        return d.div(d.const(1), un('cos'));
      case 'csc':
        return d.div(d.const(1), un('sin'));
      case 'cot':
        return d.div(un('cos'), un('sin'));
      case 'sech':
        return d.div(d.const(1), un('cosh'));
      case 'csch':
        return d.div(d.const(1), un('sinh'));
      case 'coth':
        return d.div(un('cosh'), un('sinh'));
      case 'arcsin':
        return un('asin');
      case 'arccos':
        return un('acos');
      case 'arctan':
        return un('atan');
      case 'arcsinh':
        return un('asinh');
      case 'arccosh':
        return un('acosh');
      case 'arctanh':
        return un('atanh');
      case 'arcsec':
        return inv('acos');
      case 'arccsc':
        return inv('asin');
      case 'arccot':
        return inv('atan');
      case 'arcsech':
        return inv('acosh');
      case 'arccsch':
        return inv('asinh');
      case 'arccoth':
        return inv('atanh');
      case 'quotient':
        return d.op('trunc', [d.div(x[0], x[1])]);
      case 'rem':
        return d.op('rem', [x[0], x[1]]);
      case 'max':
        return x.reduce((a, b) => d.op('max', [a, b]));
      case 'min':
        return x.reduce((a, b) => d.op('min', [a, b]));
      case 'eq':
        return chain('eq');
      case 'neq':
        return d.op('ne', [x[0], x[1]]);
      case 'gt':
        return chain('gt');
      case 'lt':
        return chain('lt');
      case 'geq':
        return chain('ge');
      case 'leq':
        return chain('le');
      case 'and':
        return fold('and', 1);
      case 'or':
        return fold('or', 0);
      case 'xor':
        return fold('xor', 0);
      case 'not':
        return d.op('not', [x[0]]);
      case 'implies':
        return d.op('or', [d.op('not', [x[0]]), d.truth(x[1])]);
      default:
        throw new OdeonError('UnsupportedSbmlFeature', `The operator ${op} in ${element} is not supported.`, {
          feature: op === 'delay' ? 'csymbol delay' : op,
          element,
          hint: 'Rewrite the expression without it.',
        });
    }
  }
}
