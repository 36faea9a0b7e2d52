import { OdeonError } from '@odeon/ode';
import type { MathExpr } from '../ast.ts';
import type { FunctionDefinition, Model, Reaction, Species, SpeciesReference } from '../model.ts';
import type { Dag, NodeId } from './dag.ts';
import type { LowerOptions, SymbolInfo, SymbolKind } from './lowered-system.ts';

/**
 * The state of one lowering and the operations that call each other recursively (a symbol's value
 * lowers its rule, which reads other symbols' values). The lowering steps in `lower-*.ts` take it as
 * their first argument; `Lowering` in `lower.ts` implements it.
 */
export interface LowerContext {
  readonly model: Model;
  readonly options: LowerOptions;
  readonly dag: Dag;
  readonly initDag: Dag;
  readonly symbols: Map<string, SymbolInfo>;
  readonly functions: Map<string, FunctionDefinition>;
  readonly species: Map<string, Species>;
  readonly compartmentOf: Map<string, string>;
  readonly assignmentRules: Map<string, MathExpr>;
  readonly rateRules: Map<string, MathExpr>;
  /** Variables determined by an algebraic rule (0 = math, linear in the variable), with the rule. */
  readonly algebraic: Map<string, { readonly math: MathExpr; readonly element: string }>;
  /**
   * The algebraic-rule variables solved as algebraic states of an index-1 DAE (their rule is not affine
   * in them): state `index` with the rule as its row (0 = g) and a zero in the mass matrix.
   */
  readonly dae: ReadonlySet<string>;
  readonly initialAssignments: Map<string, MathExpr>;
  readonly reactions: Map<string, Reaction>;
  readonly stoichMath: Map<string, MathExpr>;
  readonly stateIds: string[];
  readonly paramIds: string[];
  readonly declaredY: number[];
  readonly declaredP: number[];
  readonly valueMemo: Map<string, NodeId>;
  readonly initMemo: Map<string, NodeId>;
  readonly inProgress: Set<string>;
  readonly rhsMemo: Map<number, NodeId>;
  readonly rhsProgress: Set<number>;
  readonly delays: { value: NodeId; lag: NodeId; before: NodeId }[];
  /** While lowering the pre-t0 form of a delayed expression: rateOf is 0 there. */
  rateOfIsZero: boolean;
  readonly delayMemo: Map<string, NodeId>;

  declare(id: string, kind: SymbolKind, element: string): void;
  /** The math value of a symbol in (t, y, p). */
  value(id: string): NodeId;
  amount(id: string): NodeId;
  concentration(id: string): NodeId;
  compartmentSize(speciesId: string, init: boolean): NodeId;
  /** Marks `id` as being lowered; throws on a cycle. */
  enter(id: string): void;
  reactionRate(id: string, init: boolean): NodeId;
  stoichiometry(sr: SpeciesReference, init: boolean): NodeId;
  rhsOf(i: number): NodeId;
  timeDerivative(e: NodeId): NodeId;
  solveAlgebraic(x: string, init: boolean): NodeId;
  symbolsOf(expr: MathExpr): Set<string>;
  initValue(id: string): NodeId;
  initStored(id: string): NodeId;
  toInit(node: NodeId): NodeId;
  lower(
    expr: MathExpr,
    scope: ReadonlyMap<string, NodeId>,
    init: boolean,
    element: string,
    depth?: number,
  ): NodeId;
}

export function semantic(message: string, element: string, hint: string): OdeonError {
  return new OdeonError('SbmlSemanticError', message, { element, hint });
}
