import type { MathExpr } from '../ast.ts';
import type { NodeId } from './dag.ts';
import { type LowerContext, semantic } from './lower-context.ts';
import type { SymbolInfo } from './lowered-system.ts';

/** The initial math value of a symbol, over the declared vector d. */
export function initValue(cx: LowerContext, id: string): NodeId {
  const memo = cx.initMemo.get(id);
  if (memo !== undefined) return memo;
  const info = cx.symbols.get(id);
  if (!info) throw semantic(`Unknown symbol ${id}.`, id, 'Declare it.');
  const key = `init:${id}`;
  cx.enter(key);
  const d = cx.initDag;
  let node: NodeId;
  const ia = cx.initialAssignments.get(id);
  // an algebraic state's initial value is its declared slot: a guess that `initialize` solves for
  if (cx.algebraic.has(id) && !cx.dae.has(id)) node = cx.solveAlgebraic(id, true);
  else if (ia !== undefined) node = cx.lower(ia, new Map(), true, `initial assignment ${id}`);
  else if (info.role === 'reaction') node = cx.reactionRate(id, true);
  else if (info.role === 'constant') node = d.const(info.constantValue as number);
  else if (info.role === 'assigned') {
    const expr = cx.assignmentRules.get(id) ?? cx.stoichMath.get(id);
    node = cx.lower(expr as MathExpr, new Map(), true, id);
  } else {
    const slot = info.role === 'state' ? info.index : cx.stateIds.length + info.index;
    const leaf = d.p(slot);
    const s = cx.species.get(id);
    if (s) {
      const V = cx.compartmentSize(id, true);
      if (s.initialAmount !== undefined) node = s.hasOnlySubstanceUnits ? leaf : d.div(leaf, V);
      else if (s.initialConcentration !== undefined) node = s.hasOnlySubstanceUnits ? d.mul([leaf, V]) : leaf;
      else node = d.const(Number.NaN);
    } else node = leaf;
  }
  cx.inProgress.delete(key);
  cx.initMemo.set(id, node);
  return node;
}

/** Initial value of what is stored in y or p for a symbol. */
export function initStored(cx: LowerContext, id: string): NodeId {
  const info = cx.symbols.get(id) as SymbolInfo;
  const v = cx.initValue(id);
  const s = cx.species.get(id);
  if (s && info.stores === 'amount' && !s.hasOnlySubstanceUnits)
    return cx.initDag.mul([v, cx.compartmentSize(id, true)]);
  return v;
}

/** Copies an RHS-graph node into the initial-value graph, with y and p replaced by their initial values. */
export function toInit(cx: LowerContext, node: NodeId): NodeId {
  const d = cx.dag;
  const g = cx.initDag;
  const map = new Map<NodeId, NodeId>();
  for (const id of d.topo([node])) {
    const n = d.node(id);
    let r: NodeId;
    if (n.op === 'const') r = g.const(n.value);
    else if (n.op === 'y') r = cx.initStored(cx.stateIds[n.value]);
    else if (n.op === 'p') r = cx.initStored(cx.paramIds[n.value]);
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
