const MAX_ITEMS = 12;

function formatNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

function formatArray(items: ArrayLike<unknown>, depth: number): string {
  const shown = Array.from({ length: Math.min(items.length, MAX_ITEMS) }, (_, i) =>
    formatValue(items[i], depth + 1),
  );
  if (items.length > MAX_ITEMS) shown.push(`… ${items.length - MAX_ITEMS} more`);
  return `[ ${shown.join(', ')} ]`;
}

/**
 * Renders a `console.log` argument the way Node prints it, closely enough for the snippet output
 * panel: strings verbatim at the top level, typed arrays with their type and length, objects as
 * `{ key: value }`. Long arrays are elided after a dozen items.
 */
export function formatValue(value: unknown, depth = 0): string {
  if (typeof value === 'string') return depth === 0 ? value : JSON.stringify(value);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return `[Function ${value.name || '(anonymous)'}]`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = value as unknown as ArrayLike<unknown> & { constructor: { name: string } };
    return `${arr.constructor.name}(${arr.length}) ${formatArray(arr, depth)}`;
  }
  if (Array.isArray(value)) return formatArray(value, depth);
  if (depth > 2) return '[Object]';
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${k}: ${formatValue(v, depth + 1)}`,
  );
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

/** The line `console.log(...args)` prints. */
export function formatLine(args: readonly unknown[]): string {
  return args.map((a) => formatValue(a)).join(' ');
}
