import type { MathExpr } from '../ast.ts';
import type { Reaction, SpeciesReference } from '../model.ts';
import type { NodeId } from './dag.ts';
import { NeedsDae } from './lower-algebraic.ts';
import { type LowerContext, semantic } from './lower-context.ts';
import type { SymbolInfo } from './lowered-system.ts';

export function compartmentSize(cx: LowerContext, speciesId: string, init: boolean): NodeId {
  const c = cx.compartmentOf.get(speciesId) as string;
  return init ? cx.initValue(c) : cx.value(c);
}

/** The math value of a symbol in (t, y, p). */
export function symbolValue(cx: LowerContext, id: string): NodeId {
  const memo = cx.valueMemo.get(id);
  if (memo !== undefined) return memo;
  const info = cx.symbols.get(id);
  if (!info)
    throw semantic(
      `Unknown symbol ${id}.`,
      id,
      'Declare it as a parameter, species, compartment or reaction.',
    );
  const d = cx.dag;
  let node: NodeId;
  if (info.role === 'constant') node = d.const(info.constantValue as number);
  else if (info.role === 'state' || info.role === 'param') {
    const leaf = info.role === 'state' ? d.y(info.index) : d.p(info.index);
    const s = cx.species.get(id);
    node =
      s && info.stores === 'amount' && !s.hasOnlySubstanceUnits
        ? d.div(leaf, cx.compartmentSize(id, false))
        : leaf;
  } else {
    cx.enter(id);
    if (info.role === 'reaction') node = cx.reactionRate(id, false);
    else if (cx.algebraic.has(id)) node = cx.solveAlgebraic(id, false);
    else {
      const expr = cx.assignmentRules.get(id) ?? cx.stoichMath.get(id);
      node = cx.lower(expr as MathExpr, new Map(), false, id);
    }
    cx.inProgress.delete(id);
  }
  cx.valueMemo.set(id, node);
  return node;
}

export function enterSymbol(cx: LowerContext, id: string): void {
  if (cx.inProgress.has(id)) {
    const cycle = [...cx.inProgress, id];
    // algebraic rules that determine each other are simultaneous equations: solve them as algebraic states
    const coupled = cycle.slice(cycle.indexOf(id)).find((s) => cx.algebraic.has(s) && !cx.dae.has(s));
    if (coupled !== undefined) throw new NeedsDae(coupled);
    throw semantic(
      `Assignment rules and kinetic laws form a cycle: ${cycle.slice(cycle.indexOf(id)).join(' → ')}.`,
      id,
      'Assignment rules must not depend on themselves, directly or indirectly.',
    );
  }
  cx.inProgress.add(id);
}

export function speciesAmount(cx: LowerContext, id: string): NodeId {
  const s = cx.species.get(id);
  if (!s) throw semantic(`Unknown species ${id}.`, id, 'Name a species.');
  const info = cx.symbols.get(id) as SymbolInfo;
  const d = cx.dag;
  if ((info.role === 'state' || info.role === 'param') && info.stores === 'amount')
    return info.role === 'state' ? d.y(info.index) : d.p(info.index);
  const v = cx.value(id);
  return s.hasOnlySubstanceUnits ? v : d.mul([v, cx.compartmentSize(id, false)]);
}

export function speciesConcentration(cx: LowerContext, id: string): NodeId {
  const s = cx.species.get(id);
  if (!s) throw semantic(`Unknown species ${id}.`, id, 'Name a species.');
  return s.hasOnlySubstanceUnits ? cx.dag.div(cx.value(id), cx.compartmentSize(id, false)) : cx.value(id);
}

export function reactionRate(cx: LowerContext, id: string, init: boolean): NodeId {
  const r = cx.reactions.get(id) as Reaction;
  if (!r.kineticLaw) return (init ? cx.initDag : cx.dag).const(0);
  const scope = new Map<string, NodeId>();
  for (const lp of r.localParameters) {
    const info = cx.symbols.get(`${r.id}.${lp.id}`) as SymbolInfo;
    scope.set(lp.id, init ? cx.initDag.p(cx.stateIds.length + info.index) : cx.dag.p(info.index));
  }
  return cx.lower(r.kineticLaw, scope, init, `kinetic law of ${id}`);
}

export function stoichiometry(cx: LowerContext, sr: SpeciesReference, init: boolean): NodeId {
  const d = init ? cx.initDag : cx.dag;
  if (sr.id !== undefined) return init ? cx.initValue(sr.id) : cx.value(sr.id);
  if (sr.stoichiometryMath)
    return cx.lower(sr.stoichiometryMath, new Map(), init, `stoichiometryMath of ${sr.species}`);
  return d.const(Number.isNaN(sr.stoichiometry) ? 1 : sr.stoichiometry);
}
