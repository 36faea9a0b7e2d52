import type { NodeId } from './dag.ts';
import type { LowerContext } from './lower-context.ts';
import type { LoweredEvent } from './lowered-system.ts';

/** Stored symbols without any value that the dynamics, rules or events read. */
export function findMissingValues(
  cx: LowerContext,
  rhs: readonly NodeId[],
  events: readonly LoweredEvent[],
): string[] {
  const d = cx.dag;
  const roots: NodeId[] = [...rhs];
  for (const e of events) {
    roots.push(e.trigger, ...e.atoms, ...e.assignments.map((a) => a.value));
    if (e.delay !== undefined) roots.push(e.delay);
    if (e.priority !== undefined) roots.push(e.priority);
  }
  for (const [id, info] of cx.symbols)
    if (info.role === 'assigned' || info.role === 'reaction') roots.push(cx.value(id));
  const usedY = new Set<number>();
  const usedP = new Set<number>();
  for (const id of d.topo(roots)) {
    const x = d.node(id);
    if (x.op === 'y') usedY.add(x.value);
    else if (x.op === 'p') usedP.add(x.value);
  }
  const missing: string[] = [];
  const check = (id: string, declared: number, used: boolean): void => {
    if (used && Number.isNaN(declared) && !cx.initialAssignments.has(id)) missing.push(id);
  };
  cx.stateIds.forEach((id, i) => {
    // an algebraic state's value comes from its rule (the declared one is only a guess)
    if (!cx.dae.has(id)) check(id, cx.declaredY[i], true);
  });
  cx.paramIds.forEach((id, k) => {
    check(id, cx.declaredP[k], usedP.has(k));
  });
  return missing;
}
