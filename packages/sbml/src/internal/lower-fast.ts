import type { NodeId } from './dag.ts';
import type { LowerContext } from './lower-context.ts';
import type { LoweredSystem, SymbolInfo } from './lowered-system.ts';

/** Rates and stoichiometric columns of the fast reactions (columns in the state's own units, like rhs). */
export function fastReactions(cx: LowerContext): LoweredSystem['fast'] {
  const d = cx.dag;
  const list = cx.model.reactions.filter((r) => r.fast);
  const columns = list.map((r) =>
    cx.stateIds.map((id) => {
      const info = cx.symbols.get(id) as SymbolInfo;
      const s = cx.species.get(id);
      if (!s || cx.rateRules.has(id) || info.stores !== 'amount') return d.const(0);
      const terms: NodeId[] = [];
      for (const sr of r.reactants) if (sr.species === id) terms.push(d.neg(cx.stoichiometry(sr, false)));
      for (const sr of r.products) if (sr.species === id) terms.push(cx.stoichiometry(sr, false));
      const cf = s.conversionFactor ?? cx.model.conversionFactor;
      const col = d.add(terms);
      return cf === undefined ? col : d.mul([col, cx.value(cf)]);
    }),
  );
  return { ids: list.map((r) => r.id), rates: list.map((r) => cx.value(r.id)), columns };
}
