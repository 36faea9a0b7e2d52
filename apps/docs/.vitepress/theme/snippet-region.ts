/** A snippet file split around one `// #region <name>` … `// #endregion <name>` block. */
export interface SnippetParts {
  /** Lines before the region marker (kept when the reader edits the region). */
  readonly before: string;
  /** The region's code, dedented: what the page shows and the reader may edit. */
  readonly region: string;
  /** Lines after the end marker (exports the tests and the chart read). */
  readonly after: string;
  /** The indentation removed from the region, put back when the file is reassembled. */
  readonly indent: string;
}

function markerRe(kind: 'region' | 'endregion', name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\s*//\\s*#${kind}\\s+${escaped}\\s*$`);
}

/**
 * Splits `source` around the region `name` (VitePress's `<<< file.ts#name` syntax shows the same
 * lines). Throws if the region is missing, so a page can never silently run different code.
 */
export function splitRegion(source: string, name: string): SnippetParts {
  const lines = source.split('\n');
  const start = lines.findIndex((l) => markerRe('region', name).test(l));
  const end = lines.findIndex((l, i) => i > start && markerRe('endregion', name).test(l));
  if (start < 0 || end < 0) throw new Error(`snippet has no region "${name}"`);
  const body = lines.slice(start + 1, end);
  const indents = body.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0] ?? '');
  const indent = indents.reduce((a, b) => (b.length < a.length ? b : a), indents[0] ?? '');
  return {
    before: lines.slice(0, start).join('\n'),
    region: body.map((l) => l.slice(Math.min(indent.length, /^[ \t]*/.exec(l)?.[0].length ?? 0))).join('\n'),
    after: lines.slice(end + 1).join('\n'),
    indent,
  };
}

/** Reassembles a snippet file with `region` (possibly edited by the reader) in place of the original. */
export function joinRegion(parts: SnippetParts, region: string): string {
  const body = region
    .split('\n')
    .map((l) => (l.trim() === '' ? l : parts.indent + l))
    .join('\n');
  return `${parts.before}\n${body}\n${parts.after}`;
}
