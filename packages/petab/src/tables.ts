import { isOdeonError, OdeonError } from '@odeon/ode';
import { type MathExpr, mathSymbols, parseFormula } from '@odeon/sbml';
import { petabFormatError } from './errors.ts';
import { isNumberCell, parseNumberCell, requireColumns, type TsvTable } from './tsv.ts';

/** Scale on which a parameter is estimated. */
export type ParameterScale = 'lin' | 'log' | 'log10';
/** Noise model of an observable. */
export type NoiseDistribution = 'normal' | 'laplace';
/** Transformation applied to simulation and measurement before the noise model. */
export type ObservableTransformation = 'lin' | 'log' | 'log10';
/** PEtab 1 prior types (initialization and objective priors). */
export type PriorType =
  | 'uniform'
  | 'normal'
  | 'laplace'
  | 'logNormal'
  | 'logLaplace'
  | 'parameterScaleUniform'
  | 'parameterScaleNormal'
  | 'parameterScaleLaplace';

const PRIOR_TYPES: readonly PriorType[] = [
  'uniform',
  'normal',
  'laplace',
  'logNormal',
  'logLaplace',
  'parameterScaleUniform',
  'parameterScaleNormal',
  'parameterScaleLaplace',
];

/** PEtab 2 prior distributions without a PEtab 1 name (densities of the linear value). */
export type PriorTypeV2 = 'cauchy' | 'chisquare' | 'exponential' | 'gamma' | 'rayleigh' | 'logUniform';

/** A prior with its parameters (as `a;b` in the table; one-parameter priors have b = NaN). */
export interface Prior {
  readonly type: PriorType | PriorTypeV2;
  readonly parameters: readonly [number, number];
  /** PEtab 2: the density is truncated to these bounds (renormalised by its mass inside them). */
  readonly truncation?: readonly [number, number];
}

/** One row of the parameter table. Bounds and nominal value are on the linear scale. */
export interface PetabParameter {
  readonly id: string;
  readonly name?: string;
  readonly scale: ParameterScale;
  readonly lowerBound: number;
  readonly upperBound: number;
  readonly nominalValue: number;
  readonly estimate: boolean;
  readonly initializationPrior?: Prior;
  readonly objectivePrior?: Prior;
}

/** One row of the observable table. */
export interface PetabObservable {
  readonly id: string;
  readonly name?: string;
  readonly formula: MathExpr;
  readonly noiseFormula: MathExpr;
  readonly transformation: ObservableTransformation;
  readonly distribution: NoiseDistribution;
  /** Number of `observableParameter{k}_{id}` placeholders (the largest k). */
  readonly observablePlaceholders: number;
  /** Number of `noiseParameter{k}_{id}` placeholders. */
  readonly noisePlaceholders: number;
}

/** A value in a condition or override column: a number (NaN = not overridden) or a parameter id. */
export type PetabValue =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'parameter'; readonly id: string };

/** One row of the condition table: target id → value. */
export interface PetabCondition {
  readonly id: string;
  readonly name?: string;
  readonly values: ReadonlyMap<string, PetabValue>;
  /** PEtab 2: targets set by a formula over parameters (evaluated at the start of the simulation). */
  readonly expressions?: ReadonlyMap<string, MathExpr>;
}

/** One row of the measurement table. */
export interface PetabMeasurement {
  /** 1-based data row in its file (for messages). */
  readonly row: number;
  readonly file: string;
  readonly observableId: string;
  /** Empty when there is no preequilibration. */
  readonly preequilibrationConditionId: string;
  readonly simulationConditionId: string;
  /** `Infinity` means: at steady state. */
  readonly time: number;
  readonly measurement: number;
  readonly observableParameters: readonly PetabValue[];
  readonly noiseParameters: readonly PetabValue[];
  readonly datasetId?: string;
  readonly replicateId?: string;
  /** PEtab 2: the experiment of the row and the start time of its simulation (default 0). */
  readonly experimentId?: string;
  readonly startTime?: number;
}

const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A cell's text ('' when the column is absent). */
export function cell(row: Readonly<Record<string, string>>, column: string): string {
  return row[column] ?? '';
}

/** The text as an identifier, or a `PetabFormatError` at `where`. */
export function requireId(text: string, where: { file: string; row: number; column: string }): string {
  if (!ID.test(text))
    throw petabFormatError(
      where,
      `${JSON.stringify(text.slice(0, 60))} is not a valid identifier.`,
      'Use letters, digits and underscores, not starting with a digit.',
    );
  return text;
}

/** `undefined` for an empty cell. */
export function optional(text: string): string | undefined {
  return text === '' ? undefined : text;
}

const LOG_CALL = '__petab_log';

/** PEtab (sympy) reads `log(x, b)` as the base-b logarithm of x: rewrite the parsed call into SBML's `log(b, x)`. */
function petabLogs(expr: MathExpr): MathExpr {
  switch (expr.type) {
    case 'call': {
      const args = expr.args.map(petabLogs);
      if (expr.name !== LOG_CALL) return { ...expr, args };
      if (args.length === 1) return { type: 'apply', op: 'ln', args };
      if (args.length === 2) return { type: 'apply', op: 'log', args: [args[1], args[0]] };
      throw new OdeonError('ModelFormatError', `log takes one or two arguments, got ${args.length}.`, {
        hint: 'Write log(x) or log(x, base).',
      });
    }
    case 'apply':
      return { ...expr, args: expr.args.map(petabLogs) };
    case 'piecewise':
      return {
        type: 'piecewise',
        pieces: expr.pieces.map((q) => ({ value: petabLogs(q.value), condition: petabLogs(q.condition) })),
        ...(expr.otherwise === undefined ? {} : { otherwise: petabLogs(expr.otherwise) }),
      };
    default:
      return expr;
  }
}

/** Parses a PEtab formula: `**` is a power as `^`, and `log(x, b)` is sympy's base-b logarithm. */
export function parsePetabFormula(text: string, element: string): MathExpr {
  const rewritten = text.replace(/\*\*/g, '^').replace(/\blog\s*\(/g, `${LOG_CALL}(`);
  return petabLogs(parseFormula(rewritten, element));
}

/** Parses a formula cell, or a `PetabFormatError` at `where`. */
export function formula(text: string, where: { file: string; row: number; column: string }): MathExpr {
  try {
    return parsePetabFormula(text, `${where.file} row ${where.row} ${where.column}`);
  } catch (error) {
    if (isOdeonError(error))
      throw petabFormatError(where, error.message, 'Write an infix formula over model and table ids.');
    throw error;
  }
}

function prior(
  table: TsvTable,
  row: Readonly<Record<string, string>>,
  r: number,
  typeColumn: string,
  paramsColumn: string,
): Prior | undefined {
  const type = cell(row, typeColumn);
  if (type === '') return undefined;
  if (!PRIOR_TYPES.includes(type as PriorType))
    throw petabFormatError(
      { file: table.file, row: r, column: typeColumn },
      `unknown prior type ${JSON.stringify(type.slice(0, 40))}.`,
      `Use one of ${PRIOR_TYPES.join(', ')}.`,
    );
  const where = { file: table.file, row: r, column: paramsColumn };
  const parts = cell(row, paramsColumn).split(';');
  if (parts.length !== 2)
    throw petabFormatError(
      where,
      'expected two prior parameters "a;b".',
      'Give both, separated by a semicolon.',
    );
  const a = parseNumberCell(parts[0], where, false);
  const b = parseNumberCell(parts[1], where, false);
  return { type: type as PriorType, parameters: [a, b] };
}

function scaleOf(text: string, where: { file: string; row: number; column: string }): ParameterScale {
  const t = text === '' ? 'lin' : text;
  if (t !== 'lin' && t !== 'log' && t !== 'log10')
    throw petabFormatError(
      where,
      `unknown scale ${JSON.stringify(t.slice(0, 40))}.`,
      'Use lin, log or log10.',
    );
  return t;
}

/** Reads and validates a PEtab 1 parameter table. */
export function readParameterTable(table: TsvTable): PetabParameter[] {
  requireColumns(table, [
    'parameterId',
    'parameterScale',
    'lowerBound',
    'upperBound',
    'nominalValue',
    'estimate',
  ]);
  const seen = new Set<string>();
  return table.rows.map((row, i) => {
    const r = i + 1;
    const at = (column: string) => ({ file: table.file, row: r, column });
    const id = requireId(cell(row, 'parameterId'), at('parameterId'));
    if (seen.has(id))
      throw petabFormatError(at('parameterId'), `duplicate parameter ${id}.`, 'List each parameter once.');
    seen.add(id);
    const scale = scaleOf(cell(row, 'parameterScale'), at('parameterScale'));
    const est = cell(row, 'estimate');
    if (est !== '0' && est !== '1')
      throw petabFormatError(
        at('estimate'),
        `expected 0 or 1, got ${JSON.stringify(est.slice(0, 20))}.`,
        'Write 1 to estimate, 0 to fix.',
      );
    const estimate = est === '1';
    const lowerBound = parseNumberCell(cell(row, 'lowerBound'), at('lowerBound'), !estimate);
    const upperBound = parseNumberCell(cell(row, 'upperBound'), at('upperBound'), !estimate);
    const nominalValue = parseNumberCell(cell(row, 'nominalValue'), at('nominalValue'), estimate);
    if (estimate) {
      if (!(lowerBound <= upperBound))
        throw petabFormatError(
          at('upperBound'),
          `upper bound ${upperBound} < lower bound ${lowerBound}.`,
          'Swap or fix the bounds.',
        );
      if (scale !== 'lin' && !(lowerBound > 0))
        throw petabFormatError(
          at('lowerBound'),
          `a ${scale}-scaled parameter needs a positive lower bound.`,
          'Raise the bound above 0 or use lin.',
        );
    }
    if (scale !== 'lin' && Number.isFinite(nominalValue) && !(nominalValue > 0) && estimate)
      throw petabFormatError(
        at('nominalValue'),
        `a ${scale}-scaled parameter needs a positive nominal value.`,
        'Fix the value or the scale.',
      );
    const name = optional(cell(row, 'parameterName'));
    const ip = prior(table, row, r, 'initializationPriorType', 'initializationPriorParameters');
    const op = prior(table, row, r, 'objectivePriorType', 'objectivePriorParameters');
    return {
      id,
      ...(name === undefined ? {} : { name }),
      scale,
      lowerBound,
      upperBound,
      nominalValue,
      estimate,
      ...(ip === undefined ? {} : { initializationPrior: ip }),
      ...(op === undefined ? {} : { objectivePrior: op }),
    };
  });
}

function countPlaceholders(expr: MathExpr, prefix: string, obsId: string): number {
  let max = 0;
  const re = new RegExp(`^${prefix}([1-9][0-9]*)_${obsId}$`);
  for (const s of mathSymbols(expr)) {
    const m = re.exec(s);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/** Reads and validates a PEtab 1 observable table. */
export function readObservableTable(table: TsvTable): PetabObservable[] {
  requireColumns(table, ['observableId', 'observableFormula', 'noiseFormula']);
  const seen = new Set<string>();
  return table.rows.map((row, i) => {
    const r = i + 1;
    const at = (column: string) => ({ file: table.file, row: r, column });
    const id = requireId(cell(row, 'observableId'), at('observableId'));
    if (seen.has(id))
      throw petabFormatError(at('observableId'), `duplicate observable ${id}.`, 'List each observable once.');
    seen.add(id);
    const ftext = cell(row, 'observableFormula');
    if (ftext === '')
      throw petabFormatError(at('observableFormula'), 'empty formula.', 'Give the observable as a formula.');
    const obsFormula = formula(ftext, at('observableFormula'));
    const ntext = cell(row, 'noiseFormula');
    if (ntext === '')
      throw petabFormatError(
        at('noiseFormula'),
        'empty noise formula.',
        'Give σ (or b for laplace) as a number or formula.',
      );
    const noiseFormula = formula(ntext, at('noiseFormula'));
    const tr = cell(row, 'observableTransformation') || 'lin';
    if (tr !== 'lin' && tr !== 'log' && tr !== 'log10')
      throw petabFormatError(
        at('observableTransformation'),
        `unknown transformation ${JSON.stringify(tr.slice(0, 30))}.`,
        'Use lin, log or log10.',
      );
    const dist = cell(row, 'noiseDistribution') || 'normal';
    if (dist !== 'normal' && dist !== 'laplace')
      throw petabFormatError(
        at('noiseDistribution'),
        `unknown noise distribution ${JSON.stringify(dist.slice(0, 30))}.`,
        'Use normal or laplace.',
      );
    const name = optional(cell(row, 'observableName'));
    return {
      id,
      ...(name === undefined ? {} : { name }),
      formula: obsFormula,
      noiseFormula,
      transformation: tr,
      distribution: dist,
      observablePlaceholders: countPlaceholders(obsFormula, 'observableParameter', id),
      noisePlaceholders: countPlaceholders(noiseFormula, 'noiseParameter', id),
    };
  });
}

/** A number cell or a parameter id. */
export function value(
  text: string,
  where: { file: string; row: number; column: string },
  allowNaN: boolean,
): PetabValue {
  if (isNumberCell(text) || text === '')
    return { kind: 'number', value: parseNumberCell(text, where, allowNaN) };
  return { kind: 'parameter', id: requireId(text, where) };
}

/** Reads and validates a PEtab 1 condition table. */
export function readConditionTable(table: TsvTable): PetabCondition[] {
  requireColumns(table, ['conditionId']);
  const targets = table.columns.filter((c) => c !== 'conditionId' && c !== 'conditionName');
  for (const c of targets) requireId(c, { file: table.file, row: 0, column: c });
  const seen = new Set<string>();
  return table.rows.map((row, i) => {
    const r = i + 1;
    const at = (column: string) => ({ file: table.file, row: r, column });
    const id = requireId(cell(row, 'conditionId'), at('conditionId'));
    if (seen.has(id))
      throw petabFormatError(at('conditionId'), `duplicate condition ${id}.`, 'List each condition once.');
    seen.add(id);
    const values = new Map<string, PetabValue>();
    for (const c of targets) values.set(c, value(cell(row, c), at(c), true));
    const name = optional(cell(row, 'conditionName'));
    return { id, ...(name === undefined ? {} : { name }), values };
  });
}

function overrides(text: string, where: { file: string; row: number; column: string }): PetabValue[] {
  if (text === '') return [];
  return text.split(';').map((part) => value(part.trim(), where, false));
}

/** Reads and validates a PEtab 1 measurement table (cross-references are checked by `loadProblem`). */
export function readMeasurementTable(table: TsvTable): PetabMeasurement[] {
  requireColumns(table, ['observableId', 'simulationConditionId', 'time', 'measurement']);
  return table.rows.map((row, i) => {
    const r = i + 1;
    const at = (column: string) => ({ file: table.file, row: r, column });
    const time = parseNumberCell(cell(row, 'time'), at('time'), false);
    if (!(time >= 0) || time === Number.NEGATIVE_INFINITY)
      throw petabFormatError(
        at('time'),
        `time ${time} is negative.`,
        'Times start at 0; use inf for steady state.',
      );
    const measurement = parseNumberCell(cell(row, 'measurement'), at('measurement'), false);
    if (!Number.isFinite(measurement))
      throw petabFormatError(
        at('measurement'),
        `measurement ${measurement} is not finite.`,
        'Give a finite number.',
      );
    const pre = cell(row, 'preequilibrationConditionId');
    if (pre !== '') requireId(pre, at('preequilibrationConditionId'));
    const datasetId = optional(cell(row, 'datasetId'));
    const replicateId = optional(cell(row, 'replicateId'));
    return {
      row: r,
      file: table.file,
      observableId: requireId(cell(row, 'observableId'), at('observableId')),
      preequilibrationConditionId: pre,
      simulationConditionId: requireId(cell(row, 'simulationConditionId'), at('simulationConditionId')),
      time,
      measurement,
      observableParameters: overrides(cell(row, 'observableParameters'), at('observableParameters')),
      noiseParameters: overrides(cell(row, 'noiseParameters'), at('noiseParameters')),
      ...(datasetId === undefined ? {} : { datasetId }),
      ...(replicateId === undefined ? {} : { replicateId }),
    };
  });
}
