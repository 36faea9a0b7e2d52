import { isOdeonError } from '@odeon/ode';
import { loadModel, type Model } from '@odeon/sbml';
import { parse as parseYaml } from 'yaml';
import { petabFormatError, unsupportedPetab } from './errors.ts';
import { assembleV2 } from './problem-v2.ts';
import {
  type PetabCondition,
  type PetabMeasurement,
  type PetabObservable,
  type PetabParameter,
  type PetabValue,
  readConditionTable,
  readMeasurementTable,
  readObservableTable,
  readParameterTable,
} from './tables.ts';
import { parseTsv } from './tsv.ts';

/**
 * A PEtab problem: the SBML model and the four PEtab 1 tables, cross-checked. PEtab 2 problems are
 * read into the same form (experiments as simulation and preequilibration conditions; see `assembleV2`).
 */
export interface PetabProblem {
  readonly formatVersion: 1 | 2;
  readonly model: Model;
  readonly conditions: readonly PetabCondition[];
  readonly measurements: readonly PetabMeasurement[];
  readonly observables: readonly PetabObservable[];
  readonly parameters: readonly PetabParameter[];
}

/** Reads a file named in the problem's YAML (relative to the YAML file). */
export type ReadFile = (name: string) => string;

function list(value: unknown, key: string, file: string): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  for (const v of items)
    if (typeof v !== 'string')
      throw petabFormatError(
        { file, column: key },
        `${key} must list file names.`,
        'Give file names as strings.',
      );
  return items as string[];
}

/**
 * Reads a PEtab problem from the text of its YAML file and a reader for the files it names (so it works
 * in the browser as well as in Node). PEtab 1 and PEtab 2 (`format_version: 2.0.0`; see `assembleV2` for
 * what of it is supported) are read.
 *
 * @throws OdeonError `PetabFormatError` naming the file, row and column of a bad entry;
 *   `UnsupportedPetabFeature`; SBML errors from `@odeon/sbml`.
 */
export function readProblem(yamlText: string, readFile: ReadFile, yamlFile = 'problem.yaml'): PetabProblem {
  let doc: unknown;
  try {
    doc = parseYaml(yamlText);
  } catch (error) {
    throw petabFormatError(
      { file: yamlFile },
      `invalid YAML (${(error as Error).message.split('\n')[0]}).`,
      'Fix the YAML syntax.',
    );
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw petabFormatError(
      { file: yamlFile },
      'expected a mapping at the top level.',
      'See the PEtab problem-file format.',
    );
  const y = doc as Record<string, unknown>;
  const version = String(y.format_version ?? '');
  const read = (name: string): string => {
    try {
      return readFile(name);
    } catch (error) {
      throw petabFormatError(
        { file: yamlFile },
        `cannot read ${JSON.stringify(name)} (${(error as Error).message}).`,
        'Check the file name, relative to the YAML file.',
      );
    }
  };
  const loadSbml = (name: string): Model => {
    try {
      return loadModel(read(name));
    } catch (error) {
      if (isOdeonError(error)) throw error;
      throw petabFormatError({ file: name }, (error as Error).message, 'Give a valid SBML file.');
    }
  };
  if (version === '2' || version === '2.0' || version === '2.0.0') {
    const problem = assembleV2(y, {
      yamlFile,
      list: (key) => list(y[key], key, yamlFile),
      read,
      loadSbml,
    });
    validate(problem);
    return problem;
  }
  if (version !== '1' && version !== '1.0.0' && version !== '1.0')
    throw petabFormatError(
      { file: yamlFile, column: 'format_version' },
      `unknown format_version ${JSON.stringify(version.slice(0, 20))}.`,
      'Use format_version: 1 or 2.0.0.',
    );
  const problems = y.problems;
  if (!Array.isArray(problems) || problems.length === 0)
    throw petabFormatError(
      { file: yamlFile, column: 'problems' },
      'no problems listed.',
      'List one problem.',
    );
  if (problems.length > 1)
    throw unsupportedPetab(
      'multiple problems',
      `${yamlFile}: ${problems.length} problems in one file.`,
      'Split them into one YAML file each.',
    );
  const pr = problems[0] as Record<string, unknown>;
  const sbml = list(pr.sbml_files, 'sbml_files', yamlFile);
  if (sbml.length !== 1)
    throw unsupportedPetab(
      'multiple models',
      `${yamlFile}: expected exactly one SBML file, got ${sbml.length}.`,
      'Give one sbml_files entry.',
    );
  const model = loadSbml(sbml[0]);
  const tables = <T>(files: string[], reader: (t: ReturnType<typeof parseTsv>) => T[]): T[] =>
    files.flatMap((f) => reader(parseTsv(read(f), f)));
  const parameters = tables(list(y.parameter_file, 'parameter_file', yamlFile), readParameterTable);
  const conditions = tables(list(pr.condition_files, 'condition_files', yamlFile), readConditionTable);
  const measurements = tables(
    list(pr.measurement_files, 'measurement_files', yamlFile),
    readMeasurementTable,
  );
  const observables = tables(list(pr.observable_files, 'observable_files', yamlFile), readObservableTable);
  const problem: PetabProblem = {
    formatVersion: 1,
    model,
    conditions,
    measurements,
    observables,
    parameters,
  };
  validate(problem);
  return problem;
}

/** Loads a PEtab problem from its YAML file (Node). */
export async function loadProblem(yamlPath: string): Promise<PetabProblem> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const dir = path.dirname(yamlPath);
  let text: string;
  try {
    text = fs.readFileSync(yamlPath, 'utf8');
  } catch (error) {
    throw petabFormatError(
      { file: yamlPath },
      `cannot read the problem file (${(error as Error).message}).`,
      'Check the path.',
    );
  }
  return readProblem(
    text,
    (name) => fs.readFileSync(path.resolve(dir, name), 'utf8'),
    path.basename(yamlPath),
  );
}

function modelIds(model: Model): Set<string> {
  return new Set([
    ...model.parameters.map((p) => p.id),
    ...model.species.map((s) => s.id),
    ...model.compartments.map((c) => c.id),
  ]);
}

function validate(problem: PetabProblem): void {
  const params = new Map(problem.parameters.map((p) => [p.id, p]));
  const ids = modelIds(problem.model);
  const conditions = new Map(problem.conditions.map((c) => [c.id, c]));
  const observables = new Map(problem.observables.map((o) => [o.id, o]));
  const modelParams = new Set(problem.model.parameters.map((p) => p.id));
  for (const o of problem.observables)
    if (ids.has(o.id))
      throw petabFormatError(
        { file: 'observable table', column: 'observableId' },
        `observable ${o.id} clashes with a model id.`,
        'Rename the observable.',
      );
  const checkRef = (v: PetabValue, where: { file: string; row: number; column: string }): void => {
    if (v.kind === 'parameter' && !params.has(v.id) && !modelParams.has(v.id))
      throw petabFormatError(
        where,
        `parameter ${v.id} is not in the parameter table.`,
        'Add it to the parameter table.',
      );
  };
  for (const c of problem.conditions)
    for (const [target, v] of c.values) {
      if (!ids.has(target))
        throw petabFormatError(
          { file: 'condition table', row: 0, column: target },
          `${target} is not a parameter, species or compartment of the model.`,
          'Condition columns must name model entities.',
        );
      checkRef(v, { file: 'condition table', row: problem.conditions.indexOf(c) + 1, column: target });
    }
  for (const c of problem.conditions)
    for (const target of c.expressions?.keys() ?? [])
      if (!ids.has(target))
        throw petabFormatError(
          { file: 'condition table', row: 0, column: target },
          `${target} is not a parameter, species or compartment of the model.`,
          'Condition targets must name model entities.',
        );
  for (const m of problem.measurements) {
    const at = (column: string) => ({ file: m.file, row: m.row, column });
    const o = observables.get(m.observableId);
    if (!o)
      throw petabFormatError(
        at('observableId'),
        `unknown observable ${m.observableId}.`,
        'Define it in the observable table.',
      );
    if (!conditions.has(m.simulationConditionId))
      throw petabFormatError(
        at('simulationConditionId'),
        `unknown condition ${m.simulationConditionId}.`,
        'Define it in the condition table.',
      );
    if (m.preequilibrationConditionId !== '' && !conditions.has(m.preequilibrationConditionId))
      throw petabFormatError(
        at('preequilibrationConditionId'),
        `unknown condition ${m.preequilibrationConditionId}.`,
        'Define it in the condition table.',
      );
    if (
      m.observableParameters.length !== o.observablePlaceholders &&
      !(m.observableParameters.length === 1 && o.observablePlaceholders > 1 && false)
    )
      throw petabFormatError(
        at('observableParameters'),
        `${m.observableParameters.length} values for ${o.observablePlaceholders} placeholders observableParameterN_${o.id}.`,
        'Give one value per placeholder, separated by semicolons.',
      );
    if (m.noiseParameters.length !== o.noisePlaceholders)
      throw petabFormatError(
        at('noiseParameters'),
        `${m.noiseParameters.length} values for ${o.noisePlaceholders} placeholders noiseParameterN_${o.id}.`,
        'Give one value per placeholder, separated by semicolons.',
      );
    for (const v of m.observableParameters) checkRef(v, at('observableParameters'));
    for (const v of m.noiseParameters) checkRef(v, at('noiseParameters'));
    if (o.transformation !== 'lin' && !(m.measurement > 0))
      throw petabFormatError(
        at('measurement'),
        `a ${o.transformation}-transformed observable needs measurements > 0.`,
        'Remove the row or use lin.',
      );
  }
  for (const p of problem.parameters)
    if (!p.estimate && !Number.isFinite(p.nominalValue))
      throw petabFormatError(
        { file: 'parameter table', column: 'nominalValue' },
        `fixed parameter ${p.id} has no finite nominal value.`,
        'Give a nominal value.',
      );
}
