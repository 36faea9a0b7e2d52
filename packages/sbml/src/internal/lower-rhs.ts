import type { Species } from '../model.ts';
import type { NodeId } from './dag.ts';
import { type LowerContext, semantic } from './lower-context.ts';

export function rhsOf(cx: LowerContext, i: number): NodeId {
  const memo = cx.rhsMemo.get(i);
  if (memo !== undefined) return memo;
  const id = cx.stateIds[i];
  if (cx.rhsProgress.has(i))
    throw semantic(
      `The rate of ${id} depends on itself through rateOf.`,
      id,
      'rateOf must not form a cycle.',
    );
  cx.rhsProgress.add(i);
  const d = cx.dag;
  let node: NodeId;
  const rr = cx.rateRules.get(id);
  const alg = cx.dae.has(id) ? cx.algebraic.get(id) : undefined;
  if (alg !== undefined) node = cx.lower(alg.math, new Map(), false, `algebraic rule ${alg.element}`);
  else if (rr !== undefined) node = cx.lower(rr, new Map(), false, `rate rule ${id}`);
  else {
    const s = cx.species.get(id) as Species;
    const terms: NodeId[] = [];
    for (const r of cx.model.reactions) {
      // Only reactions that change this species: another reaction's rate may use rateOf(id).
      if (!r.reactants.some((sr) => sr.species === id) && !r.products.some((sr) => sr.species === id))
        continue;
      if (r.fast) continue;
      const rate = cx.value(r.id);
      for (const sr of r.reactants)
        if (sr.species === id) terms.push(d.neg(d.mul([cx.stoichiometry(sr, false), rate])));
      for (const sr of r.products)
        if (sr.species === id) terms.push(d.mul([cx.stoichiometry(sr, false), rate]));
    }
    const cf = s.conversionFactor ?? cx.model.conversionFactor;
    node = d.add(terms);
    if (cf !== undefined) node = d.mul([node, cx.value(cf)]);
  }
  cx.rhsProgress.delete(i);
  cx.rhsMemo.set(i, node);
  return node;
}

/** d/dt of an expression along solutions: ∂e/∂t + Σ ∂e/∂y_i f_i. */
export function timeDerivative(cx: LowerContext, e: NodeId): NodeId {
  const d = cx.dag;
  const terms: NodeId[] = [d.diff(e, d.t())];
  for (const leaf of d.topo([e])) {
    const node = d.node(leaf);
    if (node.op === 'y') terms.push(d.mul([d.diff(e, leaf), cx.rhsOf(node.value)]));
  }
  return d.add(terms);
}
