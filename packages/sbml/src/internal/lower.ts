import { OdeonError } from '@odeon/ode';
import type { MathExpr } from '../ast.ts';
import type { FunctionDefinition, Model, Reaction, Species, SpeciesReference } from '../model.ts';
import { Dag, type NodeId } from './dag.ts';
import { matchAlgebraicRules, NeedsDae, solveAlgebraic, symbolsOf } from './lower-algebraic.ts';
import { classifySymbols, reactiveSpecies } from './lower-classify.ts';
import type { LowerContext } from './lower-context.ts';
import { declareModel, declareSymbol } from './lower-declare.ts';
import { lowerEvent } from './lower-events.ts';
import { fastReactions } from './lower-fast.ts';
import { initStored, initValue, toInit } from './lower-init.ts';
import { lowerMath } from './lower-math.ts';
import { findMissingValues } from './lower-missing.ts';
import { rhsOf, timeDerivative } from './lower-rhs.ts';
import {
  compartmentSize,
  enterSymbol,
  reactionRate,
  speciesAmount,
  speciesConcentration,
  stoichiometry,
  symbolValue,
} from './lower-values.ts';
import type { LoweredSystem, LowerOptions, SymbolInfo, SymbolKind } from './lowered-system.ts';

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
  // Algebraic rules not affine in their variable make that variable an algebraic state: lower again.
  const dae = new Set<string>();
  for (;;) {
    try {
      return new Lowering(model, options, dae).build();
    } catch (e) {
      if (!(e instanceof NeedsDae) || dae.has(e.variable)) throw e;
      dae.add(e.variable);
    }
  }
}

/** The state of one lowering; its recursive operations live in the `lower-*.ts` files. */
class Lowering implements LowerContext {
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
    readonly options: LowerOptions,
    readonly dae: ReadonlySet<string>,
  ) {}

  build(): LoweredSystem {
    const refs = declareModel(this);
    const reactive = reactiveSpecies(this.model);
    matchAlgebraicRules(this, reactive, refs);
    classifySymbols(this, reactive, refs);

    const n = this.stateIds.length;
    const rhs: NodeId[] = [];
    for (let i = 0; i < n; i++) rhs.push(this.rhsOf(i));
    const fast = fastReactions(this);
    const events = this.model.events.map((e) => lowerEvent(this, e));
    // Touch every assigned symbol and reaction so cycles are reported even when nothing uses them.
    for (const [id, info] of this.symbols)
      if (info.role === 'assigned' || info.role === 'reaction') this.value(id);

    const missingValues = findMissingValues(this, rhs, events);
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
      // an algebraic state without a value starts its consistent initialisation from 1
      declared: Float64Array.from([
        ...this.declaredY.map((v, i) => (this.dae.has(this.stateIds[i]) && Number.isNaN(v) ? 1 : v)),
        ...this.declaredP,
      ]),
      model: this.model,
      species: this.species,
      missingValues,
      delays: this.delays,
      fast,
      algebraicStates: this.stateIds.flatMap((id, i) => (this.dae.has(id) ? [i] : [])),
    };
  }

  declare(id: string, kind: SymbolKind, element: string): void {
    declareSymbol(this, id, kind, element);
  }
  value(id: string): NodeId {
    return symbolValue(this, id);
  }
  amount(id: string): NodeId {
    return speciesAmount(this, id);
  }
  concentration(id: string): NodeId {
    return speciesConcentration(this, id);
  }
  compartmentSize(speciesId: string, init: boolean): NodeId {
    return compartmentSize(this, speciesId, init);
  }
  enter(id: string): void {
    enterSymbol(this, id);
  }
  reactionRate(id: string, init: boolean): NodeId {
    return reactionRate(this, id, init);
  }
  stoichiometry(sr: SpeciesReference, init: boolean): NodeId {
    return stoichiometry(this, sr, init);
  }
  rhsOf(i: number): NodeId {
    return rhsOf(this, i);
  }
  timeDerivative(e: NodeId): NodeId {
    return timeDerivative(this, e);
  }
  solveAlgebraic(x: string, init: boolean): NodeId {
    return solveAlgebraic(this, x, init);
  }
  symbolsOf(expr: MathExpr): Set<string> {
    return symbolsOf(this, expr);
  }
  initValue(id: string): NodeId {
    return initValue(this, id);
  }
  initStored(id: string): NodeId {
    return initStored(this, id);
  }
  toInit(node: NodeId): NodeId {
    return toInit(this, node);
  }
  lower(
    expr: MathExpr,
    scope: ReadonlyMap<string, NodeId>,
    init: boolean,
    element: string,
    depth = 0,
  ): NodeId {
    return lowerMath(this, expr, scope, init, element, depth);
  }
}
