import { OdeonError, type OdeonErrorContext } from '@odeon/core';

/** A `DatasetError` naming the row (1-based line of the CSV, when known) and column at fault. */
export function datasetError(message: string, context: OdeonErrorContext<'DatasetError'> = {}): OdeonError {
  const where: string[] = [];
  if (context.measurement !== undefined) where.push(`measurement ${JSON.stringify(context.measurement)}`);
  if (context.row !== undefined) where.push(`row ${String(context.row)}`);
  if (context.column !== undefined) where.push(`column ${JSON.stringify(context.column)}`);
  const prefix = where.length > 0 ? `${where.join(', ')}: ` : '';
  return new OdeonError('DatasetError', `${prefix}${message}`, context);
}

/** Short, safe rendering of user text inside an error message (never the whole input). */
export function show(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}
