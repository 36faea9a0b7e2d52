import type { Rule, SpeciesReference } from '../model.ts';
import { type LowerContext, semantic } from './lower-context.ts';
import type { SymbolKind } from './lowered-system.ts';

export function declareSymbol(cx: LowerContext, id: string, kind: SymbolKind, element: string): void {
  if (cx.symbols.has(id) || cx.functions.has(id))
    throw semantic(`The id ${id} is declared twice.`, element, 'SBML ids must be unique within a model.');
  cx.symbols.set(id, { id, kind, role: 'param', index: -1, stores: 'value' });
}

/**
 * Declares the model's functions and symbols, checks references, and collects rules and initial
 * assignments. Returns the species references that have an id (they are symbols too).
 */
export function declareModel(cx: LowerContext): SpeciesReference[] {
  const m = cx.model;
  for (const f of m.functions) {
    if (cx.functions.has(f.id))
      throw semantic(`The function ${f.id} is declared twice.`, f.id, 'SBML ids must be unique.');
    cx.functions.set(f.id, f);
  }
  for (const c of m.compartments) cx.declare(c.id, 'compartment', c.id);
  const zeroDim = new Set(m.compartments.filter((c) => c.spatialDimensions === 0).map((c) => c.id));
  for (const s of m.species) {
    cx.declare(s.id, 'species', s.id);
    // Species in 0-D compartments have no concentration: their symbol always means the amount.
    cx.species.set(s.id, zeroDim.has(s.compartment) ? { ...s, hasOnlySubstanceUnits: true } : s);
  }
  for (const p of m.parameters) cx.declare(p.id, 'parameter', p.id);
  const refs: SpeciesReference[] = [];
  for (const r of m.reactions) {
    cx.declare(r.id, 'reaction', r.id);
    cx.reactions.set(r.id, r);
    for (const sr of [...r.reactants, ...r.products]) {
      if (!cx.species.has(sr.species))
        throw semantic(
          `Reaction ${r.id} refers to an unknown species ${sr.species}.`,
          r.id,
          'Declare the species or fix the reference.',
        );
      if (sr.id !== undefined) {
        cx.declare(sr.id, 'speciesReference', sr.id);
        refs.push(sr);
        if (sr.stoichiometryMath) cx.stoichMath.set(sr.id, sr.stoichiometryMath);
      }
    }
    for (const mod of r.modifiers)
      if (!cx.species.has(mod))
        throw semantic(
          `Reaction ${r.id} has an unknown modifier ${mod}.`,
          r.id,
          'Declare the species or fix the reference.',
        );
  }
  for (const s of m.species) {
    if (!cx.symbols.has(s.compartment) || cx.symbols.get(s.compartment)?.kind !== 'compartment')
      throw semantic(
        `Species ${s.id} is in an unknown compartment ${s.compartment}.`,
        s.id,
        'Declare the compartment.',
      );
    cx.compartmentOf.set(s.id, s.compartment);
  }
  for (const rule of m.rules) addRule(cx, rule);
  for (const ia of m.initialAssignments) {
    const info = cx.symbols.get(ia.symbol);
    if (!info || info.kind === 'reaction')
      throw semantic(
        `Initial assignment to unknown symbol ${ia.symbol}.`,
        ia.symbol,
        'Initial assignments target a compartment, species, parameter or species reference.',
      );
    if (cx.initialAssignments.has(ia.symbol))
      throw semantic(`Two initial assignments for ${ia.symbol}.`, ia.symbol, 'Keep one.');
    if (cx.assignmentRules.has(ia.symbol))
      throw semantic(
        `${ia.symbol} has both an initial assignment and an assignment rule.`,
        ia.symbol,
        'Keep one.',
      );
    cx.initialAssignments.set(ia.symbol, ia.math);
  }
  return refs;
}

export function addRule(cx: LowerContext, rule: Rule): void {
  if (rule.kind === 'algebraic') return;
  const info = cx.symbols.get(rule.variable);
  if (!info || info.kind === 'reaction')
    throw semantic(
      `A ${rule.kind} rule targets unknown symbol ${rule.variable}.`,
      rule.variable,
      'Rules target a compartment, species, parameter or species reference.',
    );
  if (cx.assignmentRules.has(rule.variable) || cx.rateRules.has(rule.variable))
    throw semantic(
      `${rule.variable} has more than one rule.`,
      rule.variable,
      'A symbol can have at most one rule.',
    );
  if (info.kind === 'species' && cx.species.get(rule.variable)?.constant)
    throw semantic(
      `Rule for the constant species ${rule.variable}.`,
      rule.variable,
      'A constant species cannot have a rule.',
    );
  (rule.kind === 'assignment' ? cx.assignmentRules : cx.rateRules).set(rule.variable, rule.math);
}
