import { type MathExpr, type Model, mathSymbols } from '@odeon/sbml';
import { petabFormatError, unsupportedPetab } from './errors.ts';
import type {
  PetabCondition,
  PetabMeasurement,
  PetabObservable,
  PetabParameter,
  PetabValue,
} from './tables.ts';
import {
  type ConditionChangeV2,
  type ExperimentPeriodV2,
  readConditionTableV2,
  readExperimentTableV2,
  readMappingTableV2,
  readMeasurementTableV2,
  readObservableTableV2,
  readParameterTableV2,
} from './tables-v2.ts';
import { parseTsv, type TsvTable } from './tsv.ts';

/** How `readProblem` hands a PEtab 2 problem its files. */
export interface V2Files {
  readonly yamlFile: string;
  /** Lists of file names under a YAML key. */
  readonly list: (key: string) => string[];
  readonly read: (name: string) => string;
  readonly loadSbml: (name: string) => Model;
}

/** Prefix of the condition ids generated for PEtab 2 experiments (checked not to clash). */
const GENERATED = '__petab_v2_';

/**
 * Assembles a PEtab 2 problem into the PEtab 1 form the rest of the package works on: each experiment
 * becomes a simulation condition (its changes at the start time) and, if it has a period at −inf, a
 * preequilibration condition; parameter changes of the preequilibration period carry over into the
 * simulation (PEtab 2 changes persist), species changes of the simulation period reinitialise after it.
 *
 * @throws OdeonError `UnsupportedPetabFeature` naming file, row and column: condition changes after the
 *   start of an experiment (`PEtab 2.0 condition changes during an experiment`), formulas as target
 *   values, mapping aliases, other prior distributions, several models.
 */
export function assembleV2(
  doc: Record<string, unknown>,
  files: V2Files,
): {
  readonly formatVersion: 2;
  readonly model: Model;
  readonly conditions: readonly PetabCondition[];
  readonly measurements: readonly PetabMeasurement[];
  readonly observables: readonly PetabObservable[];
  readonly parameters: readonly PetabParameter[];
} {
  const { yamlFile } = files;
  const models = doc.model_files;
  if (models === null || typeof models !== 'object' || Array.isArray(models))
    throw petabFormatError(
      { file: yamlFile, column: 'model_files' },
      'model_files must map model ids to { language, location }.',
      'See the PEtab 2 problem-file format.',
    );
  const entries = Object.entries(models as Record<string, unknown>);
  if (entries.length !== 1)
    throw unsupportedPetab(
      'multiple models',
      `${yamlFile}: expected exactly one model in model_files, got ${entries.length}.`,
      'Give one model.',
      yamlFile,
    );
  const [modelId, spec] = entries[0];
  const s = (spec ?? {}) as Record<string, unknown>;
  if (s.language !== 'sbml')
    throw unsupportedPetab(
      `model language ${String(s.language).slice(0, 20)}`,
      `${yamlFile}: model ${modelId} is in ${JSON.stringify(String(s.language).slice(0, 20))}; only sbml is supported.`,
      'Give an SBML model.',
      yamlFile,
    );
  if (typeof s.location !== 'string')
    throw petabFormatError(
      { file: yamlFile, column: 'model_files' },
      `model ${modelId} has no location.`,
      'Give the SBML file name.',
    );
  const model = files.loadSbml(s.location);
  const tables = <T>(key: string, reader: (t: TsvTable) => T[]): T[] =>
    files.list(key).flatMap((f) => reader(parseTsv(files.read(f), f)));
  tables('mapping_files', (t) => {
    readMappingTableV2(t);
    return [];
  });
  const parameters = tables('parameter_files', readParameterTableV2);
  const observables = tables('observable_files', readObservableTableV2);
  const changes = tables('condition_files', readConditionTableV2);
  const periods = tables('experiment_files', readExperimentTableV2);
  const rows = tables('measurement_files', (t) => readMeasurementTableV2(t, modelId));

  // State-like targets (species, rate-rule variables) are reinitialised after preequilibration only when
  // the simulation period changes them; the other changes of the preequilibration period persist.
  const states = new Set([
    ...model.species.map((x) => x.id),
    ...model.rules.flatMap((r) => (r.kind === 'rate' ? [r.variable] : [])),
  ]);
  const byCondition = new Map<string, ConditionChangeV2[]>();
  for (const c of changes) {
    const list = byCondition.get(c.conditionId) ?? [];
    list.push(c);
    byCondition.set(c.conditionId, list);
  }
  const byExperiment = new Map<string, ExperimentPeriodV2[]>();
  for (const p of periods) {
    const list = byExperiment.get(p.experimentId) ?? [];
    list.push(p);
    byExperiment.set(p.experimentId, list);
  }
  // Formulas may use parameters (table or constant model parameters) only: a state in one would have to
  // be read as it was just before the change, which initial assignments do not express.
  const tableIds = new Set(parameters.map((p) => p.id));
  const constantParams = new Set(
    model.parameters.filter((p) => p.constant && !states.has(p.id)).map((p) => p.id),
  );
  for (const c of changes)
    if (c.expression)
      for (const sym of mathSymbols(c.expression))
        if (!tableIds.has(sym) && !constantParams.has(sym))
          throw unsupportedPetab(
            'PEtab 2.0 state-dependent condition expressions',
            `${c.where.file} row ${c.where.row} column targetValue: the formula for ${c.targetId} uses ${sym}, which is not a parameter; only formulas over parameters are supported.`,
            'Write the value over parameters only.',
            `${c.where.file} row ${c.where.row} column targetValue`,
          );
  type Changes = { values: Map<string, PetabValue>; expressions: Map<string, MathExpr> };
  /** The changes of one period (all its conditions), checked for conflicting targets. */
  const merged = (ps: readonly ExperimentPeriodV2[]): Changes => {
    const out: Changes = { values: new Map(), expressions: new Map() };
    for (const p of ps) {
      if (p.conditionId === '') continue;
      const list = byCondition.get(p.conditionId);
      if (list === undefined)
        throw petabFormatError(
          { ...p.where, column: 'conditionId' },
          `unknown condition ${p.conditionId}.`,
          'Define it in the condition table.',
        );
      for (const c of list) {
        if (out.values.has(c.targetId) || out.expressions.has(c.targetId))
          throw petabFormatError(
            c.where,
            `${c.targetId} is changed twice at the same time in experiment ${p.experimentId}.`,
            'Change each target once per period.',
          );
        if (c.expression) out.expressions.set(c.targetId, c.expression);
        else if (c.value) out.values.set(c.targetId, c.value);
      }
    }
    return out;
  };
  const condition = (id: string, c: Changes): PetabCondition =>
    c.expressions.size > 0 ? { id, values: c.values, expressions: c.expressions } : { id, values: c.values };

  const conditions: PetabCondition[] = [];
  const experiments = new Map<string, { pre: string; sim: string; start: number }>();
  const taken = new Set([...byCondition.keys(), ...model.parameters.map((p) => p.id)]);
  const fresh = (base: string): string => {
    let id = `${GENERATED}${base}`;
    for (let k = 1; taken.has(id); k++) id = `${GENERATED}${base}_${k}`;
    taken.add(id);
    return id;
  };
  const experimentOf = (id: string): { pre: string; sim: string; start: number } => {
    const known = experiments.get(id);
    if (known) return known;
    const ps = [...(byExperiment.get(id) ?? [])].sort((a, b) => a.time - b.time);
    const preParts = ps.filter((p) => p.time === Number.NEGATIVE_INFINITY);
    const rest = ps.filter((p) => p.time !== Number.NEGATIVE_INFINITY);
    const start = rest.length > 0 ? rest[0].time : 0;
    const startParts = rest.filter((p) => p.time === start);
    const later = rest.find((p) => p.time !== start);
    if (later)
      throw unsupportedPetab(
        'PEtab 2.0 condition changes during an experiment',
        `${later.where.file} row ${later.where.row} column time: experiment ${id} changes conditions at t = ${later.time}, after its start at t = ${start}; only changes at the start (and a preequilibration period) are supported.`,
        'Split the experiment at the change, or model the change as an SBML event.',
        `${later.where.file} row ${later.where.row} column time`,
      );
    const simChanges = merged(startParts);
    const has = (t: string) => simChanges.values.has(t) || simChanges.expressions.has(t);
    let pre = '';
    if (preParts.length > 0) {
      const preChanges = merged(preParts);
      pre = fresh(`${id}_preequilibration`);
      conditions.push(condition(pre, preChanges));
      for (const [target, v] of preChanges.values)
        if (!states.has(target) && !has(target)) simChanges.values.set(target, v);
      for (const [target, v] of preChanges.expressions)
        if (!states.has(target) && !has(target)) simChanges.expressions.set(target, v);
    }
    const sim = fresh(id);
    conditions.push(condition(sim, simChanges));
    const e = { pre, sim, start };
    experiments.set(id, e);
    return e;
  };
  const measurements: PetabMeasurement[] = rows.map((m) => {
    if (m.experimentId !== '' && !byExperiment.has(m.experimentId))
      throw petabFormatError(
        { file: m.file, row: m.row, column: 'experimentId' },
        `unknown experiment ${m.experimentId}.`,
        'Define it in the experiment table.',
      );
    const e = experimentOf(m.experimentId);
    if (m.time < e.start)
      throw petabFormatError(
        { file: m.file, row: m.row, column: 'time' },
        `time ${m.time} is before the start of experiment ${m.experimentId} (t = ${e.start}).`,
        'Measure at or after the start time.',
      );
    return {
      row: m.row,
      file: m.file,
      observableId: m.observableId,
      preequilibrationConditionId: e.pre,
      simulationConditionId: e.sim,
      time: m.time,
      measurement: m.measurement,
      observableParameters: m.observableParameters,
      noiseParameters: m.noiseParameters,
      experimentId: m.experimentId,
      startTime: e.start,
    };
  });
  return { formatVersion: 2, model, conditions, measurements, observables, parameters };
}
