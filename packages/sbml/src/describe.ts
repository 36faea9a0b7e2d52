import type { Model, SpeciesReference } from './model.ts';

/** A plain-data summary of a model, for `odeon info` and UIs. */
export interface ModelSummary {
  readonly id?: string;
  readonly name?: string;
  readonly level: number;
  readonly version: number;
  readonly compartments: readonly { id: string; size: number; dimensions: number; constant: boolean }[];
  readonly species: readonly {
    id: string;
    compartment: string;
    initial: number;
    initialIs: 'amount' | 'concentration' | 'unset';
    hasOnlySubstanceUnits: boolean;
    boundaryCondition: boolean;
    constant: boolean;
  }[];
  readonly parameters: readonly { id: string; value: number; constant: boolean }[];
  readonly reactions: readonly {
    id: string;
    equation: string;
    reversible: boolean;
    localParameters: number;
  }[];
  readonly functions: readonly string[];
  readonly rules: readonly { kind: string; variable?: string }[];
  readonly initialAssignments: readonly string[];
  readonly events: readonly { id: string; assignments: readonly string[]; delayed: boolean }[];
  readonly unsupported: readonly { feature: string; element: string }[];
}

function side(refs: readonly SpeciesReference[]): string {
  if (refs.length === 0) return '∅';
  return refs
    .map((r) => {
      const s = r.stoichiometryMath
        ? '(math) '
        : r.id !== undefined && Number.isNaN(r.stoichiometry)
          ? `${r.id}·`
          : r.stoichiometry === 1 || Number.isNaN(r.stoichiometry)
            ? ''
            : `${r.stoichiometry} `;
      return `${s}${r.species}`;
    })
    .join(' + ');
}

/** Summarises a model: its elements, reaction equations, and any unsupported features. */
export function describeModel(model: Model): ModelSummary {
  return {
    ...(model.id !== undefined ? { id: model.id } : {}),
    ...(model.name !== undefined ? { name: model.name } : {}),
    level: model.level,
    version: model.version,
    compartments: model.compartments.map((c) => ({
      id: c.id,
      size: c.size,
      dimensions: c.spatialDimensions,
      constant: c.constant,
    })),
    species: model.species.map((s) => ({
      id: s.id,
      compartment: s.compartment,
      initial: s.initialAmount ?? s.initialConcentration ?? Number.NaN,
      initialIs:
        s.initialAmount !== undefined
          ? 'amount'
          : s.initialConcentration !== undefined
            ? 'concentration'
            : 'unset',
      hasOnlySubstanceUnits: s.hasOnlySubstanceUnits,
      boundaryCondition: s.boundaryCondition,
      constant: s.constant,
    })),
    parameters: model.parameters.map((p) => ({ id: p.id, value: p.value, constant: p.constant })),
    reactions: model.reactions.map((r) => ({
      id: r.id,
      equation: `${side(r.reactants)} ${r.reversible ? '<->' : '->'} ${side(r.products)}`,
      reversible: r.reversible,
      localParameters: r.localParameters.length,
    })),
    functions: model.functions.map((f) => f.id),
    rules: model.rules.map((r) =>
      r.kind === 'algebraic' ? { kind: 'algebraic' } : { kind: r.kind, variable: r.variable },
    ),
    initialAssignments: model.initialAssignments.map((a) => a.symbol),
    events: model.events.map((e) => ({
      id: e.id,
      assignments: e.assignments.map((a) => a.variable),
      delayed: e.delay !== undefined,
    })),
    unsupported: model.unsupported.map((u) => ({ feature: u.feature, element: u.element })),
  };
}
