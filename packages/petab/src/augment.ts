import { apply, type MathExpr, type Model, num, sym } from '@odeon/sbml';
import { petabFormatError } from './errors.ts';
import type { PetabProblem } from './problem.ts';
import { substitute } from './substitute.ts';

/** How a condition-table column acts on the model. */
export type ConditionTarget =
  /** A constant model parameter: its declared value is replaced. */
  | { readonly kind: 'parameter'; readonly id: string }
  /**
   * A species, compartment or rate-rule variable: an initial assignment `id = use ? value : original`
   * over two generated parameters.
   */
  | {
      readonly kind: 'initial';
      readonly id: string;
      readonly valueParam: string;
      readonly useParam: string;
      /** PEtab 2 formulas: condition id → the parameter that selects its formula (1 = selected). */
      readonly selectors: ReadonlyMap<string, string>;
    };

/** The model with PEtab's parameters added, and the observation model with observables as outputs. */
export interface AugmentedModels {
  /** Simulation model: the SBML model plus PEtab-only parameters, placeholders and condition hooks. */
  readonly simulation: Model;
  /** The same plus one rate-rule variable per observable and noise formula (their rates are the formulas). */
  readonly observation: Model;
  readonly targets: ReadonlyMap<string, ConditionTarget>;
  /** Generated ids of the observable and noise outputs, per observable (in table order). */
  readonly outputs: readonly { readonly observable: string; readonly noise: string }[];
  /** Placeholder parameter ids added to the model. */
  readonly placeholders: ReadonlySet<string>;
}

/**
 * Builds the simulation and observation models of a PEtab problem. Generated ids start with
 * `__petab_` and are checked not to clash with the model.
 */
export function augmentModels(problem: PetabProblem): AugmentedModels {
  const m = problem.model;
  const taken = new Set<string>([
    ...m.parameters.map((p) => p.id),
    ...m.species.map((s) => s.id),
    ...m.compartments.map((c) => c.id),
    ...m.reactions.map((r) => r.id),
    ...m.functions.map((f) => f.id),
  ]);
  let counter = 0;
  const fresh = (): string => {
    let id: string;
    do id = `__petab_${counter++}`;
    while (taken.has(id));
    taken.add(id);
    return id;
  };
  const parameters = [...m.parameters];
  const added = new Set<string>();
  const addParam = (id: string, value: number): void => {
    if (taken.has(id) && !added.has(id)) return;
    taken.add(id);
    added.add(id);
    parameters.push({ id, value, constant: true });
  };
  // PEtab-only parameters (used by observables, overrides and conditions).
  for (const p of problem.parameters) if (!taken.has(p.id)) addParam(p.id, p.nominalValue);
  // Placeholders.
  const placeholders = new Set<string>();
  for (const o of problem.observables) {
    for (let k = 1; k <= o.observablePlaceholders; k++) placeholders.add(`observableParameter${k}_${o.id}`);
    for (let k = 1; k <= o.noisePlaceholders; k++) placeholders.add(`noiseParameter${k}_${o.id}`);
  }
  for (const id of placeholders) {
    if (m.parameters.some((p) => p.id === id))
      throw petabFormatError(
        { file: 'model' },
        `the model declares the placeholder ${id}.`,
        'Rename the model parameter.',
      );
    addParam(id, 0);
  }

  // Condition targets.
  const rateRuled = new Set(
    m.rules.filter((r) => r.kind === 'rate').map((r) => (r as { variable: string }).variable),
  );
  const assigned = new Set(
    m.rules.filter((r) => r.kind === 'assignment').map((r) => (r as { variable: string }).variable),
  );
  const exprTargets = new Set(problem.conditions.flatMap((c) => [...(c.expressions?.keys() ?? [])]));
  const columns = new Set([...problem.conditions.flatMap((c) => [...c.values.keys()]), ...exprTargets]);
  const targets = new Map<string, ConditionTarget>();
  const initialAssignments = [...m.initialAssignments];
  const tableIds = new Set(problem.parameters.map((p) => p.id));
  for (const id of columns) {
    if (assigned.has(id))
      throw petabFormatError(
        { file: 'condition table', row: 0, column: id },
        `${id} is set by an assignment rule and cannot be overridden by a condition.`,
        'Override the quantities its rule depends on.',
      );
    const param = m.parameters.find((p) => p.id === id);
    if (param && !rateRuled.has(id) && !exprTargets.has(id)) {
      targets.set(id, { kind: 'parameter', id });
      continue;
    }
    const valueParam = fresh();
    const useParam = fresh();
    parameters.push({ id: valueParam, value: 0, constant: true }, { id: useParam, value: 0, constant: true });
    const at = initialAssignments.findIndex((ia) => ia.symbol === id);
    const original = at >= 0 ? initialAssignments[at].math : originalInitial(m, id);
    // A formula of a condition applies when its selector is 1 (PEtab 2).
    const selectors = new Map<string, string>();
    const pieces: { value: MathExpr; condition: MathExpr }[] = [];
    for (const c of problem.conditions) {
      const expr = c.expressions?.get(id);
      if (expr === undefined) continue;
      const sel = fresh();
      parameters.push({ id: sel, value: 0, constant: true });
      selectors.set(c.id, sel);
      pieces.push({ value: expr, condition: apply('gt', sym(sel), num(0.5)) });
    }
    pieces.push({ value: sym(valueParam), condition: apply('gt', sym(useParam), num(0.5)) });
    const math: MathExpr = { type: 'piecewise', pieces, otherwise: original };
    if (at >= 0) initialAssignments.splice(at, 1);
    initialAssignments.push({ symbol: id, math });
    targets.set(id, { kind: 'initial', id, valueParam, useParam, selectors });
  }
  // Table parameters (and condition-overridden parameters) replace the model's initial assignments to them.
  const dropped = new Set([
    ...tableIds,
    ...[...targets.values()].filter((t) => t.kind === 'parameter').map((t) => t.id),
  ]);
  const simulation: Model = {
    ...m,
    parameters,
    initialAssignments: initialAssignments.filter(
      (ia) => !dropped.has(ia.symbol) || targets.get(ia.symbol)?.kind === 'initial',
    ),
  };

  // Observation model: rate-rule outputs.
  const obsFormulas = new Map(problem.observables.map((o) => [o.id, o.formula]));
  const outputs: { observable: string; noise: string }[] = [];
  const extra = [...simulation.parameters];
  const rules = [...simulation.rules];
  for (const o of problem.observables) {
    const observable = fresh();
    const noise = fresh();
    extra.push({ id: observable, value: 0, constant: false }, { id: noise, value: 0, constant: false });
    rules.push(
      { kind: 'rate', variable: observable, math: o.formula },
      { kind: 'rate', variable: noise, math: substitute(o.noiseFormula, obsFormulas) },
    );
    outputs.push({ observable, noise });
  }
  const observation: Model = { ...simulation, parameters: extra, rules };
  return { simulation, observation, targets, outputs, placeholders };
}

/** The initial value of a species or compartment as its symbol means in math (NaN when undeclared). */
function originalInitial(m: Model, id: string): MathExpr {
  const c = m.compartments.find((x) => x.id === id);
  if (c) return num(c.size);
  const p = m.parameters.find((x) => x.id === id);
  if (p) return num(p.value);
  const s = m.species.find((x) => x.id === id);
  if (!s) return num(Number.NaN);
  if (s.initialConcentration !== undefined)
    return s.hasOnlySubstanceUnits
      ? apply('times', num(s.initialConcentration), sym(s.compartment))
      : num(s.initialConcentration);
  if (s.initialAmount !== undefined)
    return s.hasOnlySubstanceUnits
      ? num(s.initialAmount)
      : apply('divide', num(s.initialAmount), sym(s.compartment));
  return num(Number.NaN);
}
