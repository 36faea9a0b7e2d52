import type { MathExpr } from '../ast.ts';
import type { ModelEvent } from '../model.ts';
import type { NodeId } from './dag.ts';
import { type LowerContext, semantic } from './lower-context.ts';
import type { LoweredEvent } from './lowered-system.ts';

export function lowerEvent(cx: LowerContext, e: ModelEvent): LoweredEvent {
  const scope = new Map<string, NodeId>();
  const trigger = cx.dag.truth(cx.lower(e.trigger, scope, false, `trigger of event ${e.id}`));
  const root = rootFunction(cx, e.trigger, `trigger of event ${e.id}`);
  const assignments = e.assignments.map((a) => {
    const symbol = cx.symbols.get(a.variable);
    if (!symbol || symbol.role === 'assigned' || symbol.role === 'reaction' || symbol.role === 'constant')
      throw semantic(
        `Event ${e.id} assigns ${a.variable}, which is ${symbol ? 'set by an assignment rule or is a reaction' : 'not declared'}.`,
        e.id,
        'Event assignments target species, compartments, parameters or species references without assignment rules.',
      );
    if (symbol.kind === 'species' && cx.species.get(a.variable)?.constant)
      throw semantic(
        `Event ${e.id} assigns the constant species ${a.variable}.`,
        e.id,
        'Constant species cannot change.',
      );
    return { symbol, value: cx.lower(a.math, scope, false, `event assignment ${a.variable} of ${e.id}`) };
  });
  return {
    id: e.id,
    trigger,
    root,
    atoms: relationAtoms(cx, trigger),
    delay: e.delay ? cx.lower(e.delay, scope, false, `delay of ${e.id}`) : undefined,
    priority: e.priority ? cx.lower(e.priority, scope, false, `priority of ${e.id}`) : undefined,
    initialValue: e.initialValue,
    persistent: e.persistent,
    useValuesFromTriggerTime: e.useValuesFromTriggerTime,
    assignments,
  };
}

/** a − b for each relation a ⋈ b under `node` that depends on t or y (deduplicated). */
export function relationAtoms(cx: LowerContext, node: NodeId): NodeId[] {
  const d = cx.dag;
  const atoms: NodeId[] = [];
  const seen = new Set<NodeId>();
  for (const id of d.topo([node])) {
    const x = d.node(id);
    if (!(x.op === 'lt' || x.op === 'le' || x.op === 'gt' || x.op === 'ge' || x.op === 'eq' || x.op === 'ne'))
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
export function rootFunction(cx: LowerContext, expr: MathExpr, element: string): NodeId {
  const d = cx.dag;
  const bool = (x: MathExpr): NodeId => {
    const v = d.truth(cx.lower(x, new Map(), false, element));
    return d.select(v, d.const(1), d.const(-1));
  };
  const rec = (x: MathExpr, depth: number): NodeId => {
    if (depth > 50) return bool(x);
    if (x.type === 'apply') {
      const args = x.args;
      const L = (a: MathExpr): NodeId => cx.lower(a, new Map(), false, element);
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
