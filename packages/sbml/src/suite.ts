import { isOdeonError, OdeonError } from '@odeon/ode';
import { type CompiledModel, compileModel } from './compile.ts';
import { type ParseSbmlOptions, parseSbml } from './sbml-reader.ts';
import { type SimulateOptions, simulate, type TimeCourse } from './simulate.ts';

/** An SBML Test Suite `NNNNN-settings.txt`. */
export interface SuiteSettings {
  readonly start: number;
  readonly duration: number;
  readonly steps: number;
  readonly variables: readonly string[];
  readonly absolute: number;
  readonly relative: number;
  readonly amount: readonly string[];
  readonly concentration: readonly string[];
}

/** Parses a suite settings file; missing numbers become NaN (flux-balance cases have no time span). */
export function parseSuiteSettings(text: string): SuiteSettings {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z]+)\s*:(.*)$/.exec(line);
    if (m) fields.set(m[1].toLowerCase(), m[2].trim());
  }
  const list = (k: string): string[] =>
    (fields.get(k) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  const num = (k: string): number => {
    const raw = fields.get(k);
    return raw === undefined || raw === '' ? Number.NaN : Number(raw);
  };
  return {
    start: num('start'),
    duration: num('duration'),
    steps: num('steps'),
    variables: list('variables'),
    absolute: num('absolute'),
    relative: num('relative'),
    amount: list('amount'),
    concentration: list('concentration'),
  };
}

/** Solver settings used for suite cases: tight tolerances derived from the case's absolute tolerance. */
export function suiteSolverOptions(
  settings: SuiteSettings,
): Pick<SimulateOptions, 'rtol' | 'atol' | 'method'> {
  const abs = Number.isFinite(settings.absolute) && settings.absolute > 0 ? settings.absolute : 1e-10;
  return { method: 'rodas5p', rtol: 1e-10, atol: Math.min(1e-10, abs * 1e-5) };
}

/**
 * Simulates a compiled model as a suite settings file prescribes: outputs at start + i·duration/steps,
 * species as amounts or concentrations per the settings, other ids as values, reaction ids as rates.
 * Uses tight tolerances (`suiteSolverOptions`); if the solver gives up (step size or step count), retries
 * once with Rodas4 at rtol 1e-8 before reporting the error.
 * @throws OdeonError `ModelFormatError` when the settings have no time span, plus solver errors.
 */
export function simulateForSettings(
  model: CompiledModel,
  settings: SuiteSettings,
  overrides: Partial<SimulateOptions> = {},
): TimeCourse {
  for (const key of ['start', 'duration', 'steps'] as const)
    if (!Number.isFinite(settings[key]))
      throw new OdeonError('ModelFormatError', `The settings file has no valid \`${key}\`.`, {
        element: key,
        hint: 'A time-course settings file gives start, duration and steps.',
      });
  const amount = new Set(settings.amount);
  const concentration = new Set(settings.concentration);
  const options: SimulateOptions = {
    ...suiteSolverOptions(settings),
    t0: settings.start,
    t1: settings.start + settings.duration,
    steps: settings.steps,
    variables: settings.variables,
    kinds: settings.variables.map((v) =>
      amount.has(v) ? 'amount' : concentration.has(v) ? 'concentration' : 'auto',
    ),
    ...overrides,
  };
  try {
    return simulate(model, options);
  } catch (error) {
    const retry = isOdeonError(error, 'StepSizeTooSmall') || isOdeonError(error, 'MaxStepsReached');
    if (!retry || overrides.method !== undefined || error.context.option === 'timeLimitMs') throw error;
    return simulate(model, { ...options, method: 'rodas4', rtol: 1e-8 });
  }
}

/** Parses, compiles and simulates an SBML document for a suite settings file (see `simulateForSettings`). */
export function simulateSuiteCase(
  sbml: string,
  settings: SuiteSettings,
  overrides: Partial<SimulateOptions> = {},
  parse: ParseSbmlOptions = {},
): TimeCourse {
  return simulateForSettings(compileModel(parseSbml(sbml, parse)), settings, overrides);
}

function formatCell(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'INF';
  if (v === Number.NEGATIVE_INFINITY) return '-INF';
  return String(v);
}

/** Formats a time course as the suite's results CSV (`time` column first, one column per variable). */
export function formatSuiteCsv(course: TimeCourse): string {
  const m = course.names.length;
  const lines = [['time', ...course.names].join(',')];
  for (let i = 0; i < course.times.length; i++) {
    const cells = [formatCell(course.times[i])];
    for (let j = 0; j < m; j++) cells.push(formatCell(course.values[i * m + j]));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A parsed results table. */
export interface SuiteTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly number[])[];
}

/** Parses a suite results CSV (`NaN`, `INF`, `-INF` in any case; spaces after commas allowed). */
export function parseSuiteCsv(text: string): SuiteTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length === 0)
    throw new OdeonError('ModelFormatError', 'The results file is empty.', {
      hint: 'Give a CSV with a header row.',
    });
  const header = lines[0].split(',').map((s) => s.trim());
  const rows = lines.slice(1).map((l) =>
    l.split(',').map((cell) => {
      const s = cell.trim().toLowerCase();
      if (s === 'nan') return Number.NaN;
      if (s === 'inf' || s === '+inf' || s === 'infinity') return Number.POSITIVE_INFINITY;
      if (s === '-inf' || s === '-infinity') return Number.NEGATIVE_INFINITY;
      return s === '' ? Number.NaN : Number(s);
    }),
  );
  return { header, rows };
}

/** Result of comparing a simulation with expected suite results. */
export interface SuiteComparison {
  readonly pass: boolean;
  /** Number of compared values that failed. */
  readonly failures: number;
  /** The worst failure (largest |C − U| − (Ta + Tr |C|)), if any. */
  readonly worst?: {
    readonly row: number;
    readonly column: string;
    readonly expected: number;
    readonly actual: number;
  };
  /** Columns of the expected table missing from the actual one. */
  readonly missing: readonly string[];
}

/**
 * The suite's pass rule: every expected value C (time column included) and our value U satisfy
 * |C − U| ≤ absolute + relative·|C|; NaN only matches NaN, infinities only the same infinity; columns
 * are matched by (case-sensitive) name; extra columns are allowed; at least as many rows are needed.
 */
export function compareSuiteResults(
  expected: SuiteTable,
  actual: SuiteTable,
  absolute: number,
  relative: number,
): SuiteComparison {
  const missing: string[] = [];
  let failures = 0;
  let worst: SuiteComparison['worst'];
  let worstExcess = Number.NEGATIVE_INFINITY;
  if (actual.rows.length < expected.rows.length) failures++;
  expected.header.forEach((name, jc) => {
    const ju = jc === 0 ? 0 : actual.header.indexOf(name);
    if (ju < 0) {
      missing.push(name);
      return;
    }
    for (let i = 0; i < expected.rows.length && i < actual.rows.length; i++) {
      const c = expected.rows[i][jc];
      const u = actual.rows[i][ju];
      let ok: boolean;
      let excess = Number.POSITIVE_INFINITY;
      if (Number.isNaN(c) || Number.isNaN(u)) ok = Number.isNaN(c) && Number.isNaN(u);
      else if (!Number.isFinite(c) || !Number.isFinite(u)) ok = c === u;
      else {
        excess = Math.abs(c - u) - (absolute + relative * Math.abs(c));
        ok = excess <= 0;
      }
      if (!ok) {
        failures++;
        if (excess > worstExcess || worst === undefined) {
          worstExcess = excess;
          worst = { row: i, column: name, expected: c, actual: u };
        }
      }
    }
  });
  const base = { pass: failures === 0 && missing.length === 0, failures, missing };
  return worst === undefined ? base : { ...base, worst };
}
