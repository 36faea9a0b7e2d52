import { Dataset, type MeasurementInput } from './dataset.ts';
import { datasetError, show } from './internal/errors.ts';

/** Options of {@link parseCsv}. */
export interface ParseCsvOptions {
  /** Field separator; default `,`. */
  readonly delimiter?: string;
  /** Cell texts read as a missing value (besides the empty cell); default `NaN`, `NA`, `nan`, `null`. */
  readonly missing?: readonly string[];
}

const DEFAULT_MISSING = ['NaN', 'nan', 'NA', 'na', 'null', 'N/A'];

/** Splits one CSV line into fields (RFC 4180 quoting: `"a, b"`, `""` for a quote). */
function splitLine(line: string, delimiter: string, row: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw datasetError('unterminated quoted field.', { row });
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      fields.push(value);
      if (i >= line.length) return fields;
      if (!line.startsWith(delimiter, i)) {
        throw datasetError('unexpected text after a quoted field.', { row, hint: 'Quote the whole field.' });
      }
      i += delimiter.length;
    } else {
      const end = line.indexOf(delimiter, i);
      if (end < 0) {
        fields.push(line.slice(i).trim());
        return fields;
      }
      fields.push(line.slice(i, end).trim());
      i = end + delimiter.length;
    }
  }
}

/** Parses a strict decimal/scientific number (rejects `''`, hex, `1e`, trailing garbage). */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses measurements from CSV text with the header `measurement,time,<species>...`. Rows are
 * grouped by the `measurement` column (in order of first appearance) and sorted by time; the row at
 * each measurement's first time is its initial condition. Empty cells (or `NaN`, `NA`) are missing
 * values. Blank lines and lines starting with `#` are ignored.
 *
 * Malformed input raises an `OdeonError` with code `DatasetError` naming the line (`context.row`,
 * 1-based as in an editor) and the column (`context.column`).
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): Dataset {
  const delimiter = options.delimiter ?? ',';
  const missing = new Set(options.missing ?? DEFAULT_MISSING);
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let header: string[] | undefined;
  let headerRow = 0;
  const groups = new Map<string, { rows: { t: number; values: number[]; row: number }[] }>();
  for (let li = 0; li < lines.length; li++) {
    const row = li + 1;
    const line = lines[li];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const fields = splitLine(line, delimiter, row);
    if (header === undefined) {
      header = fields;
      headerRow = row;
      if (
        header.length < 3 ||
        header[0].toLowerCase() !== 'measurement' ||
        header[1].toLowerCase() !== 'time'
      ) {
        throw datasetError('the header must be `measurement,time,<species>...`.', {
          row,
          hint: `Got ${show(line)}; the first two columns are "measurement" and "time", then one column per species.`,
        });
      }
      const seen = new Set<string>();
      for (let c = 2; c < header.length; c++) {
        if (header[c] === '') throw datasetError(`species column ${c + 1} has an empty name.`, { row });
        if (seen.has(header[c])) {
          throw datasetError('duplicate species column.', { row, column: header[c] });
        }
        seen.add(header[c]);
      }
      continue;
    }
    if (fields.length !== header.length) {
      throw datasetError(`expected ${header.length} fields, found ${fields.length}.`, {
        row,
        hint: 'Every row needs a measurement id, a time and one value per species (empty for missing).',
      });
    }
    const id = fields[0];
    if (id === '') throw datasetError('the measurement id is empty.', { row, column: 'measurement' });
    if (!NUMBER.test(fields[1])) {
      throw datasetError(`time ${show(fields[1])} is not a number.`, { row, column: header[1] });
    }
    const t = Number(fields[1]);
    if (!Number.isFinite(t)) throw datasetError('time is not finite.', { row, column: header[1] });
    const values: number[] = [];
    for (let c = 2; c < fields.length; c++) {
      const cell = fields[c];
      if (cell === '' || missing.has(cell)) {
        values.push(Number.NaN);
        continue;
      }
      if (!NUMBER.test(cell)) {
        throw datasetError(`value ${show(cell)} is not a number.`, {
          row,
          column: header[c],
          hint: 'Leave the cell empty (or write NaN) for a missing value.',
        });
      }
      const v = Number(cell);
      if (!Number.isFinite(v)) throw datasetError('value overflows float64.', { row, column: header[c] });
      values.push(v);
    }
    let g = groups.get(id);
    if (g === undefined) {
      g = { rows: [] };
      groups.set(id, g);
    }
    g.rows.push({ t, values, row });
  }
  if (header === undefined) {
    throw datasetError('the CSV text is empty.', {
      hint: 'Expected the header `measurement,time,<species>...`.',
    });
  }
  if (groups.size === 0) throw datasetError('the CSV has a header but no data rows.', { row: headerRow });
  const species = header.slice(2);
  const measurements: MeasurementInput[] = [];
  for (const [name, g] of groups) {
    const rows = [...g.rows].sort((a, b) => a.t - b.t || a.row - b.row);
    for (let i = 1; i < rows.length; i++) {
      if (rows[i].t === rows[i - 1].t) {
        throw datasetError(`time ${rows[i].t} appears twice (also on line ${rows[i - 1].row}).`, {
          row: rows[i].row,
          column: header[1],
          measurement: name,
          hint: 'Merge the two rows into one.',
        });
      }
    }
    measurements.push({ name, t: rows.map((r) => r.t), y: rows.map((r) => r.values) });
  }
  return new Dataset(species, measurements);
}

function quote(field: string, delimiter: string): string {
  return /["\r\n]/.test(field) || field.includes(delimiter) || field !== field.trim()
    ? `"${field.replaceAll('"', '""')}"`
    : field;
}

/**
 * Writes a dataset as CSV text in the format {@link parseCsv} reads: header
 * `measurement,time,<species>...`, one row per time point, missing values as empty cells. Numbers
 * are written in the shortest form that reads back to the same double, so a round trip is exact.
 *
 * An initial condition that differs from the first row cannot be represented in this format and
 * is not written (use `Dataset.toJSON` to keep it).
 */
export function toCsv(dataset: Dataset, options: { readonly delimiter?: string } = {}): string {
  const d = options.delimiter ?? ',';
  const n = dataset.n;
  const lines = [['measurement', 'time', ...dataset.species].map((f) => quote(f, d)).join(d)];
  for (const m of dataset.measurements) {
    const id = quote(m.name, d);
    for (let i = 0; i < m.t.length; i++) {
      const cells = [id, String(m.t[i])];
      for (let j = 0; j < n; j++) {
        const v = m.y[i * n + j];
        cells.push(Number.isNaN(v) ? '' : Object.is(v, -0) ? '-0' : String(v));
      }
      lines.push(cells.join(d));
    }
  }
  return `${lines.join('\n')}\n`;
}
