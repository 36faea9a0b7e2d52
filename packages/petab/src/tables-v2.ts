import { type MathExpr, mathSymbols } from '@odeon/sbml';
import { petabFormatError, unsupportedPetab } from './errors.ts';
import { substitute } from './substitute.ts';
import {
  cell,
  formula,
  optional,
  type PetabObservable,
  type PetabParameter,
  type PetabValue,
  type Prior,
  type PriorType,
  type PriorTypeV2,
  requireId,
  value,
} from './tables.ts';
import { isNumberCell, parseNumberCell, requireColumns, type TsvTable } from './tsv.ts';

type Where = { file: string; row: number; column: string };

const at =
  (table: TsvTable, r: number) =>
  (column: string): Where => ({ file: table.file, row: r, column });

/** `file row r column c`: where an unsupported feature sits. */
const place = (w: Where): string => `${w.file} row ${w.row} column ${w.column}`;

/** PEtab 2 prior distributions (all of the linear parameter value) and their parameter counts. */
const V2_PRIORS: Readonly<Record<string, readonly [PriorType | PriorTypeV2, number]>> = {
  uniform: ['uniform', 2],
  normal: ['normal', 2],
  laplace: ['laplace', 2],
  'log-normal': ['logNormal', 2],
  'log-laplace': ['logLaplace', 2],
  'log-uniform': ['logUniform', 2],
  cauchy: ['cauchy', 2],
  chisquare: ['chisquare', 1],
  exponential: ['exponential', 1],
  gamma: ['gamma', 2],
  rayleigh: ['rayleigh', 1],
};

function estimateOf(text: string, where: Where): boolean {
  const t = text.toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw petabFormatError(
    where,
    `expected true or false, got ${JSON.stringify(text.slice(0, 20))}.`,
    'Write true to estimate, false to fix.',
  );
}

/**
 * Reads a PEtab 2 parameter table: values on the linear scale (PEtab 2 has no `parameterScale`), `estimate`
 * true/false, and priors (`priorDistribution`, `priorParameters`) truncated to the bounds; an
 * estimated parameter without a prior has the uniform prior over its bounds.
 *
 * @throws OdeonError `UnsupportedPetabFeature` for unknown prior distributions, naming file, row and column.
 */
export function readParameterTableV2(table: TsvTable): PetabParameter[] {
  requireColumns(table, ['parameterId', 'estimate']);
  const seen = new Set<string>();
  return table.rows.map((row, i) => {
    const r = i + 1;
    const w = at(table, r);
    const id = requireId(cell(row, 'parameterId'), w('parameterId'));
    if (seen.has(id))
      throw petabFormatError(w('parameterId'), `duplicate parameter ${id}.`, 'List each parameter once.');
    seen.add(id);
    const estimate = estimateOf(cell(row, 'estimate'), w('estimate'));
    const lowerBound = parseNumberCell(cell(row, 'lowerBound'), w('lowerBound'), true);
    const upperBound = parseNumberCell(cell(row, 'upperBound'), w('upperBound'), true);
    const nominalValue = parseNumberCell(cell(row, 'nominalValue'), w('nominalValue'), true);
    if (estimate && !(lowerBound <= upperBound))
      throw petabFormatError(
        w('upperBound'),
        `bounds [${lowerBound}, ${upperBound}] of an estimated parameter.`,
        'Give finite bounds with lowerBound ≤ upperBound.',
      );
    const dist = cell(row, 'priorDistribution');
    let objectivePrior: Prior | undefined;
    if (dist !== '') {
      const known = V2_PRIORS[dist];
      if (known === undefined)
        throw unsupportedPetab(
          `prior distribution ${dist.slice(0, 30)}`,
          `${place(w('priorDistribution'))}: the prior distribution ${JSON.stringify(dist.slice(0, 30))} is not supported.`,
          `Use one of ${Object.keys(V2_PRIORS).join(', ')}, or remove the prior.`,
          place(w('priorDistribution')),
        );
      const [type, count] = known;
      const where = w('priorParameters');
      const parts = cell(row, 'priorParameters').split(';');
      if (parts.length !== count)
        throw petabFormatError(
          where,
          `a ${dist} prior takes ${count} parameter${count === 1 ? '' : 's'}, got ${parts.length}.`,
          'Give them separated by semicolons.',
        );
      const values = parts.map((p) => parseNumberCell(p, where, false));
      objectivePrior = {
        type,
        parameters: [values[0], values[1] ?? Number.NaN],
        truncation: [lowerBound, upperBound],
      };
    } else if (estimate && Number.isFinite(lowerBound) && Number.isFinite(upperBound)) {
      // PEtab 2: an estimated parameter without a prior has the uniform prior over its bounds.
      objectivePrior = { type: 'uniform', parameters: [lowerBound, upperBound] };
    }
    const name = optional(cell(row, 'parameterName'));
    return {
      id,
      ...(name === undefined ? {} : { name }),
      scale: 'lin',
      lowerBound,
      upperBound,
      nominalValue,
      estimate,
      ...(objectivePrior === undefined ? {} : { objectivePrior }),
    };
  });
}

const V2_NOISE: Readonly<Record<string, Pick<PetabObservable, 'distribution' | 'transformation'>>> = {
  normal: { distribution: 'normal', transformation: 'lin' },
  laplace: { distribution: 'laplace', transformation: 'lin' },
  'log-normal': { distribution: 'normal', transformation: 'log' },
  'log-laplace': { distribution: 'laplace', transformation: 'log' },
};

function placeholderList(text: string, where: Where): string[] {
  if (text === '') return [];
  const ids = text.split(';').map((s) => requireId(s.trim(), where));
  if (new Set(ids).size !== ids.length)
    throw petabFormatError(where, 'a placeholder is listed twice.', 'List each placeholder once.');
  return ids;
}

/**
 * Reads a PEtab 2 observable table: `noiseDistribution` normal, laplace, log-normal or log-laplace, and
 * the explicit `observablePlaceholders` / `noisePlaceholders` lists, renamed to PEtab 1's
 * `observableParameter{k}_{id}` / `noiseParameter{k}_{id}` in the formulas.
 */
export function readObservableTableV2(table: TsvTable): PetabObservable[] {
  requireColumns(table, ['observableId', 'observableFormula', 'noiseFormula']);
  const seen = new Set<string>();
  return table.rows.map((row, i) => {
    const r = i + 1;
    const w = at(table, r);
    const id = requireId(cell(row, 'observableId'), w('observableId'));
    if (seen.has(id))
      throw petabFormatError(w('observableId'), `duplicate observable ${id}.`, 'List each observable once.');
    seen.add(id);
    const dist = cell(row, 'noiseDistribution') || 'normal';
    const noise = V2_NOISE[dist];
    if (noise === undefined)
      throw petabFormatError(
        w('noiseDistribution'),
        `unknown noise distribution ${JSON.stringify(dist.slice(0, 30))}.`,
        `Use one of ${Object.keys(V2_NOISE).join(', ')}.`,
      );
    const obs = placeholderList(cell(row, 'observablePlaceholders'), w('observablePlaceholders'));
    const noisePh = placeholderList(cell(row, 'noisePlaceholders'), w('noisePlaceholders'));
    const rename = new Map<string, MathExpr>([
      ...obs.map((p, k) => [p, { type: 'symbol', name: `observableParameter${k + 1}_${id}` }] as const),
      ...noisePh.map((p, k) => [p, { type: 'symbol', name: `noiseParameter${k + 1}_${id}` }] as const),
    ]);
    const ftext = cell(row, 'observableFormula');
    if (ftext === '')
      throw petabFormatError(w('observableFormula'), 'empty formula.', 'Give the observable as a formula.');
    const ntext = cell(row, 'noiseFormula');
    if (ntext === '')
      throw petabFormatError(w('noiseFormula'), 'empty noise formula.', 'Give σ as a number or formula.');
    const f = substitute(formula(ftext, w('observableFormula')), rename);
    const nf = substitute(formula(ntext, w('noiseFormula')), rename);
    for (const s of mathSymbols(f))
      if (noisePh.includes(s))
        throw petabFormatError(
          w('observableFormula'),
          `the noise placeholder ${s} appears in the observable formula.`,
          'List it under observablePlaceholders.',
        );
    const name = optional(cell(row, 'observableName'));
    return {
      id,
      ...(name === undefined ? {} : { name }),
      formula: f,
      noiseFormula: nf,
      ...noise,
      observablePlaceholders: obs.length,
      noisePlaceholders: noisePh.length,
    };
  });
}

/** One change of a PEtab 2 condition: target id ← value (a number or parameter id) or a formula. */
export interface ConditionChangeV2 {
  readonly conditionId: string;
  readonly targetId: string;
  readonly value?: PetabValue;
  readonly expression?: MathExpr;
  readonly where: Where;
}

/**
 * Reads a PEtab 2 condition table (`conditionId`, `targetId`, `targetValue` rows): a value is a number,
 * a parameter id or a formula (checked against the model by `assembleV2`).
 */
export function readConditionTableV2(table: TsvTable): ConditionChangeV2[] {
  requireColumns(table, ['conditionId', 'targetId', 'targetValue']);
  return table.rows.map((row, i) => {
    const w = at(table, i + 1);
    const conditionId = requireId(cell(row, 'conditionId'), w('conditionId'));
    const targetId = requireId(cell(row, 'targetId'), w('targetId'));
    const text = cell(row, 'targetValue');
    if (text === '') throw petabFormatError(w('targetValue'), 'empty target value.', 'Give a value.');
    if (!isNumberCell(text) && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(text))
      return { conditionId, targetId, expression: formula(text, w('targetValue')), where: w('targetValue') };
    return { conditionId, targetId, value: value(text, w('targetValue'), false), where: w('targetValue') };
  });
}

/** One period start of a PEtab 2 experiment. */
export interface ExperimentPeriodV2 {
  readonly experimentId: string;
  /** Start time (−∞: preequilibration). */
  readonly time: number;
  /** Condition applied at the start (empty: none). */
  readonly conditionId: string;
  readonly where: Where;
}

/** Reads a PEtab 2 experiment table (`experimentId`, `time`, `conditionId`). */
export function readExperimentTableV2(table: TsvTable): ExperimentPeriodV2[] {
  requireColumns(table, ['experimentId', 'time']);
  return table.rows.map((row, i) => {
    const w = at(table, i + 1);
    const experimentId = requireId(cell(row, 'experimentId'), w('experimentId'));
    const time = parseNumberCell(cell(row, 'time'), w('time'), false);
    if (time === Number.POSITIVE_INFINITY)
      throw petabFormatError(w('time'), 'a period cannot start at +inf.', 'Use -inf for preequilibration.');
    const c = cell(row, 'conditionId');
    return {
      experimentId,
      time,
      conditionId: c === '' ? '' : requireId(c, w('conditionId')),
      where: w('time'),
    };
  });
}

/** One row of a PEtab 2 measurement table. */
export interface MeasurementV2 {
  readonly row: number;
  readonly file: string;
  readonly observableId: string;
  readonly experimentId: string;
  readonly time: number;
  readonly measurement: number;
  readonly observableParameters: readonly PetabValue[];
  readonly noiseParameters: readonly PetabValue[];
}

function overrides(text: string, where: Where): PetabValue[] {
  if (text === '') return [];
  return text.split(';').map((part) => value(part.trim(), where, false));
}

/** Reads a PEtab 2 measurement table (`modelId` must be empty or the problem's one model). */
export function readMeasurementTableV2(table: TsvTable, modelId: string): MeasurementV2[] {
  requireColumns(table, ['observableId', 'time', 'measurement']);
  return table.rows.map((row, i) => {
    const r = i + 1;
    const w = at(table, r);
    const m = cell(row, 'modelId');
    if (m !== '' && m !== modelId)
      throw petabFormatError(
        w('modelId'),
        `unknown model ${JSON.stringify(m.slice(0, 40))}.`,
        'Use the model id of model_files.',
      );
    const time = parseNumberCell(cell(row, 'time'), w('time'), false);
    if (time === Number.NEGATIVE_INFINITY)
      throw petabFormatError(w('time'), 'a measurement cannot be at -inf.', 'Use a finite time or inf.');
    const measurement = parseNumberCell(cell(row, 'measurement'), w('measurement'), false);
    if (!Number.isFinite(measurement))
      throw petabFormatError(
        w('measurement'),
        `measurement ${measurement} is not finite.`,
        'Give a finite number.',
      );
    const e = cell(row, 'experimentId');
    return {
      row: r,
      file: table.file,
      observableId: requireId(cell(row, 'observableId'), w('observableId')),
      experimentId: e === '' ? '' : requireId(e, w('experimentId')),
      time,
      measurement,
      observableParameters: overrides(cell(row, 'observableParameters'), w('observableParameters')),
      noiseParameters: overrides(cell(row, 'noiseParameters'), w('noiseParameters')),
    };
  });
}

/** Reads a PEtab 2 mapping table: only identity entries (or an empty modelEntityId) are supported. */
export function readMappingTableV2(table: TsvTable): void {
  requireColumns(table, ['petabEntityId', 'modelEntityId']);
  table.rows.forEach((row, i) => {
    const w = at(table, i + 1);
    const petab = requireId(cell(row, 'petabEntityId'), w('petabEntityId'));
    const target = cell(row, 'modelEntityId');
    if (target !== '' && target !== petab)
      throw unsupportedPetab(
        'PEtab 2.0 mapping table aliases',
        `${place(w('modelEntityId'))}: ${petab} is mapped to the model entity ${JSON.stringify(target.slice(0, 60))}; aliases are not supported.`,
        'Use the model ids in the PEtab tables directly.',
        place(w('modelEntityId')),
      );
  });
}
