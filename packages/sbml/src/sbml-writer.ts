import type { MathExpr } from './ast.ts';
import type { Model, SpeciesReference } from './model.ts';

const CSYMBOL = 'http://www.sbml.org/sbml/symbols/';

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(list: Record<string, string | number | boolean | undefined>): string {
  let out = '';
  for (const [k, v] of Object.entries(list)) {
    if (v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
    out += ` ${k}="${esc(typeof v === 'number' ? numberText(v) : String(v))}"`;
  }
  return out;
}

function numberText(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return 'INF';
  if (v === Number.NEGATIVE_INFINITY) return '-INF';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

/** MathML (content markup) for an expression. */
export function writeMathML(e: MathExpr): string {
  switch (e.type) {
    case 'number':
      if (Number.isNaN(e.value)) return '<notanumber/>';
      if (e.value === Number.POSITIVE_INFINITY) return '<infinity/>';
      if (e.value === Number.NEGATIVE_INFINITY) return '<apply><minus/><infinity/></apply>';
      if (Number.isInteger(e.value) && Math.abs(e.value) < 1e15)
        return `<cn type="integer"> ${e.value} </cn>`;
      return `<cn> ${String(e.value)} </cn>`;
    case 'symbol':
      return `<ci> ${esc(e.name)} </ci>`;
    case 'time':
      return `<csymbol encoding="text" definitionURL="${CSYMBOL}time"> time </csymbol>`;
    case 'avogadro':
      return `<csymbol encoding="text" definitionURL="${CSYMBOL}avogadro"> avogadro </csymbol>`;
    case 'call':
      return `<apply><ci> ${esc(e.name)} </ci>${e.args.map(writeMathML).join('')}</apply>`;
    case 'piecewise':
      return `<piecewise>${e.pieces.map((p) => `<piece>${writeMathML(p.value)}${writeMathML(p.condition)}</piece>`).join('')}${
        e.otherwise ? `<otherwise>${writeMathML(e.otherwise)}</otherwise>` : ''
      }</piecewise>`;
    case 'apply': {
      const a = e.args.map(writeMathML);
      if (e.op === 'rateOf' || e.op === 'delay')
        return `<apply><csymbol encoding="text" definitionURL="${CSYMBOL}${e.op}"> ${e.op} </csymbol>${a.join('')}</apply>`;
      if (e.op === 'log') return `<apply><log/><logbase>${a[0]}</logbase>${a[1]}</apply>`;
      if (e.op === 'root') return `<apply><root/><degree>${a[0]}</degree>${a[1]}</apply>`;
      return `<apply><${e.op}/>${a.join('')}</apply>`;
    }
  }
}

function math(e: MathExpr): string {
  return `<math xmlns="http://www.w3.org/1998/Math/MathML">${writeMathML(e)}</math>`;
}

/**
 * Exports a model as SBML Level 3 Version 2 core. L2 `stoichiometryMath` becomes a species-reference id
 * with an assignment rule, as L3 requires.
 */
export function writeSbml(model: Model): string {
  const ids = new Set<string>([
    ...model.compartments.map((c) => c.id),
    ...model.species.map((s) => s.id),
    ...model.parameters.map((p) => p.id),
    ...model.reactions.map((r) => r.id),
    ...model.functions.map((f) => f.id),
  ]);
  const extraRules: string[] = [];
  const fresh = (base: string): string => {
    let id = base;
    for (let i = 2; ids.has(id); i++) id = `${base}_${i}`;
    ids.add(id);
    return id;
  };
  const ref = (r: SpeciesReference, reaction: string): string => {
    let id = r.id;
    if (r.stoichiometryMath) {
      id = id ?? fresh(`${reaction}_${r.species}_stoichiometry`);
      extraRules.push(
        `<assignmentRule${attrs({ variable: id })}>${math(r.stoichiometryMath)}</assignmentRule>`,
      );
    }
    return `<speciesReference${attrs({
      id,
      species: r.species,
      stoichiometry: r.stoichiometryMath ? undefined : r.stoichiometry,
      constant: r.stoichiometryMath ? false : r.constant,
    })}/>`;
  };
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">');
  out.push(`<model${attrs({ id: model.id, name: model.name, conversionFactor: model.conversionFactor })}>`);
  const list = (name: string, items: string[]): void => {
    if (items.length > 0) out.push(`<${name}>`, ...items, `</${name}>`);
  };
  list(
    'listOfFunctionDefinitions',
    model.functions.map(
      (f) =>
        `<functionDefinition${attrs({ id: f.id, name: f.name })}><math xmlns="http://www.w3.org/1998/Math/MathML"><lambda>${f.params
          .map((p) => `<bvar><ci> ${esc(p)} </ci></bvar>`)
          .join('')}${writeMathML(f.body)}</lambda></math></functionDefinition>`,
    ),
  );
  list(
    'listOfCompartments',
    model.compartments.map(
      (c) =>
        `<compartment${attrs({ id: c.id, name: c.name, spatialDimensions: c.spatialDimensions, size: c.size, constant: c.constant })}/>`,
    ),
  );
  list(
    'listOfSpecies',
    model.species.map(
      (s) =>
        `<species${attrs({
          id: s.id,
          name: s.name,
          compartment: s.compartment,
          initialAmount: s.initialAmount,
          initialConcentration: s.initialConcentration,
          hasOnlySubstanceUnits: s.hasOnlySubstanceUnits,
          boundaryCondition: s.boundaryCondition,
          constant: s.constant,
          conversionFactor: s.conversionFactor,
        })}/>`,
    ),
  );
  list(
    'listOfParameters',
    model.parameters.map(
      (p) => `<parameter${attrs({ id: p.id, name: p.name, value: p.value, constant: p.constant })}/>`,
    ),
  );
  list(
    'listOfInitialAssignments',
    model.initialAssignments.map(
      (a) => `<initialAssignment${attrs({ symbol: a.symbol })}>${math(a.math)}</initialAssignment>`,
    ),
  );
  const reactions = model.reactions.map((r) => {
    const parts = [`<reaction${attrs({ id: r.id, name: r.name, reversible: r.reversible })}>`];
    if (r.reactants.length > 0)
      parts.push(`<listOfReactants>${r.reactants.map((x) => ref(x, r.id)).join('')}</listOfReactants>`);
    if (r.products.length > 0)
      parts.push(`<listOfProducts>${r.products.map((x) => ref(x, r.id)).join('')}</listOfProducts>`);
    if (r.modifiers.length > 0)
      parts.push(
        `<listOfModifiers>${r.modifiers.map((m) => `<modifierSpeciesReference${attrs({ species: m })}/>`).join('')}</listOfModifiers>`,
      );
    if (r.kineticLaw) {
      const locals = r.localParameters
        .map((p) => `<localParameter${attrs({ id: p.id, name: p.name, value: p.value })}/>`)
        .join('');
      parts.push(
        `<kineticLaw>${math(r.kineticLaw)}${locals ? `<listOfLocalParameters>${locals}</listOfLocalParameters>` : ''}</kineticLaw>`,
      );
    }
    parts.push('</reaction>');
    return parts.join('');
  });
  const rules = model.rules.map((r) =>
    r.kind === 'algebraic'
      ? `<algebraicRule>${math(r.math)}</algebraicRule>`
      : `<${r.kind}Rule${attrs({ variable: r.variable })}>${math(r.math)}</${r.kind}Rule>`,
  );
  list('listOfRules', [...rules, ...extraRules]);
  list('listOfReactions', reactions);
  list(
    'listOfEvents',
    model.events.map(
      (e) =>
        `<event${attrs({ id: /^[A-Za-z_][A-Za-z0-9_]*$/.test(e.id) ? e.id : undefined, name: e.name, useValuesFromTriggerTime: e.useValuesFromTriggerTime })}>` +
        `<trigger${attrs({ initialValue: e.initialValue, persistent: e.persistent })}>${math(e.trigger)}</trigger>` +
        (e.priority ? `<priority>${math(e.priority)}</priority>` : '') +
        (e.delay ? `<delay>${math(e.delay)}</delay>` : '') +
        (e.assignments.length > 0
          ? `<listOfEventAssignments>${e.assignments.map((a) => `<eventAssignment${attrs({ variable: a.variable })}>${math(a.math)}</eventAssignment>`).join('')}</listOfEventAssignments>`
          : '') +
        '</event>',
    ),
  );
  out.push('</model>', '</sbml>');
  return `${out.join('\n')}\n`;
}
