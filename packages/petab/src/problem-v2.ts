import type { Model } from '@odeon/sbml';
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
  /** The changes of one period (all its conditions), checked for conflicting targets. */
  const merged = (ps: readonly ExperimentPeriodV2[]): Map<string, PetabValue> => {
    const out = new Map<string, PetabValue>();
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
        if (out.has(c.targetId))
          throw petabFormatError(
            c.where,
            `${c.targetId} is changed twice at the same time in experiment ${p.experimentId}.`,
            'Change each target once per period.',
          );
        out.set(c.targetId, c.value);
      }
    }
    return out;
  };

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
    const simValues = merged(startParts);
    let pre = '';
    if (preParts.length > 0) {
      const preValues = merged(preParts);
      pre = fresh(`${id}_preequilibration`);
      conditions.push({ id: pre, values: preValues });
      for (const [target, v] of preValues)
        if (!states.has(target) && !simValues.has(target)) simValues.set(target, v);
    }
    const sim = fresh(id);
    conditions.push({ id: sim, values: simValues });
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
