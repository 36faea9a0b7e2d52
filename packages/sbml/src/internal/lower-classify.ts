import type { Model, SpeciesReference } from '../model.ts';
import { type LowerContext, semantic } from './lower-context.ts';
import type { SymbolKind } from './lowered-system.ts';

/** The species that reactions change. */
export function reactiveSpecies(m: Model): Set<string> {
  const reactive = new Set<string>();
  for (const r of m.reactions) for (const sr of [...r.reactants, ...r.products]) reactive.add(sr.species);
  return reactive;
}

/**
 * Gives every symbol its role: states first in document order (rate rules, reactive species), then
 * parameters; symbols with assignment rules are `assigned`, constant compartments `constant`.
 */
export function classifySymbols(
  cx: LowerContext,
  reactive: ReadonlySet<string>,
  refs: readonly SpeciesReference[],
): void {
  const m = cx.model;
  const eventTargets = new Set(m.events.flatMap((e) => e.assignments.map((a) => a.variable)));
  // Classify, states first in document order, then parameters.
  const classify = (id: string, kind: SymbolKind, declared: number): void => {
    if (cx.dae.has(id)) {
      // determined by a nonlinear algebraic rule: an algebraic state holding its math value
      cx.symbols.set(id, { id, kind, role: 'state', index: cx.stateIds.length, stores: 'value' });
      cx.stateIds.push(id);
      cx.declaredY.push(declared);
      return;
    }
    if (cx.assignmentRules.has(id) || cx.stoichMath.has(id) || cx.algebraic.has(id)) {
      cx.symbols.set(id, { id, kind, role: 'assigned', index: -1, stores: 'value' });
      return;
    }
    const s = kind === 'species' ? cx.species.get(id) : undefined;
    if (cx.rateRules.has(id)) {
      cx.symbols.set(id, { id, kind, role: 'state', index: cx.stateIds.length, stores: 'value' });
      cx.stateIds.push(id);
      cx.declaredY.push(declared);
      return;
    }
    if (s && !s.boundaryCondition && !s.constant && reactive.has(id)) {
      cx.symbols.set(id, { id, kind, role: 'state', index: cx.stateIds.length, stores: 'amount' });
      cx.stateIds.push(id);
      cx.declaredY.push(declared);
      return;
    }
    if (
      kind === 'compartment' &&
      !cx.options.compartmentsAsParameters &&
      cx.model.compartments.find((c) => c.id === id)?.constant === true &&
      !cx.initialAssignments.has(id) &&
      !eventTargets.has(id)
    ) {
      cx.symbols.set(id, {
        id,
        kind,
        role: 'constant',
        index: -1,
        stores: 'value',
        constantValue: declared,
      });
      return;
    }
    cx.symbols.set(id, {
      id,
      kind,
      role: 'param',
      index: cx.paramIds.length,
      // A species outside reactions and rules keeps its amount when its compartment changes (constant ones too).
      stores: s ? 'amount' : 'value',
    });
    cx.paramIds.push(id);
    cx.declaredP.push(declared);
  };
  for (const s of m.species)
    classify(s.id, 'species', s.initialAmount ?? s.initialConcentration ?? Number.NaN);
  for (const c of m.compartments) classify(c.id, 'compartment', c.size);
  for (const p of m.parameters) classify(p.id, 'parameter', p.value);
  for (const sr of refs) classify(sr.id as string, 'speciesReference', sr.stoichiometry);
  for (const r of m.reactions) {
    cx.symbols.set(r.id, { id: r.id, kind: 'reaction', role: 'reaction', index: -1, stores: 'value' });
    for (const lp of r.localParameters) {
      const key = `${r.id}.${lp.id}`;
      if (cx.symbols.has(key))
        throw semantic(`Local parameter ${lp.id} is declared twice in ${r.id}.`, r.id, 'Rename one.');
      cx.symbols.set(key, {
        id: key,
        kind: 'localParameter',
        role: 'param',
        index: cx.paramIds.length,
        stores: 'value',
      });
      cx.paramIds.push(key);
      cx.declaredP.push(lp.value);
    }
  }
  for (const id of cx.rateRules.keys()) {
    const info = cx.symbols.get(id);
    if (info?.kind === 'species' && cx.species.get(id)?.constant)
      throw semantic(
        `Rate rule for the constant species ${id}.`,
        id,
        'A constant species cannot have a rule.',
      );
  }
}
