import { tsvParseRows } from 'd3-dsv';
import { petabFormatError } from './errors.ts';

/** A parsed TSV table: its header and its data rows as column → cell text (trimmed). */
export interface TsvTable {
  readonly file: string;
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, string>>[];
}

/** Parses a tab-separated table with a header row (blank lines skipped). */
export function parseTsv(text: string, file: string): TsvTable {
  const raw = tsvParseRows(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
  const lines = raw.filter((r) => r.some((c) => c.trim() !== ''));
  if (lines.length === 0) throw petabFormatError({ file }, 'the table is empty.', 'Give a header row.');
  const columns = lines[0].map((c) => c.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw petabFormatError({ file, row: 0, column: c }, 'duplicate column.', 'Remove one.');
    seen.add(c);
  }
  const rows = lines.slice(1).map((cells, i) => {
    if (cells.length > columns.length && cells.slice(columns.length).some((c) => c.trim() !== ''))
      throw petabFormatError(
        { file, row: i + 1 },
        `${cells.length} cells but only ${columns.length} columns in the header.`,
        'Remove the extra cells or add their column names.',
      );
    const row: Record<string, string> = {};
    columns.forEach((c, j) => {
      row[c] = (cells[j] ?? '').trim();
    });
    return row;
  });
  return { file, columns, rows };
}

/** Requires the listed columns. */
export function requireColumns(table: TsvTable, required: readonly string[]): void {
  for (const c of required)
    if (!table.columns.includes(c))
      throw petabFormatError(
        { file: table.file, row: 0, column: c },
        'required column is missing.',
        `Add a ${c} column.`,
      );
}

/** Reads a PEtab number cell: numbers, `inf`/`-inf`, `nan`/empty (→ NaN when `allowNaN`). */
export function parseNumberCell(
  text: string,
  where: { file: string; row: number; column: string },
  allowNaN: boolean,
): number {
  const t = text.trim().toLowerCase();
  let v: number;
  if (t === '' || t === 'nan') v = Number.NaN;
  else if (t === 'inf' || t === '+inf' || t === 'infinity') v = Number.POSITIVE_INFINITY;
  else if (t === '-inf' || t === '-infinity') v = Number.NEGATIVE_INFINITY;
  else if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) v = Number(t);
  else v = Number.NaN;
  if (Number.isNaN(v) && !(allowNaN && (t === '' || t === 'nan')))
    throw petabFormatError(
      where,
      `expected a number, got ${JSON.stringify(text.slice(0, 40))}.`,
      'Write a number.',
    );
  return v;
}

/** True when the cell holds a number (including inf and nan). */
export function isNumberCell(text: string): boolean {
  const t = text.trim().toLowerCase();
  return (
    t === 'nan' ||
    t === 'inf' ||
    t === '+inf' ||
    t === '-inf' ||
    t === 'infinity' ||
    t === '-infinity' ||
    /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)
  );
}
