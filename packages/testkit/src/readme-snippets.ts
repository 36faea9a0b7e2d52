import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * README code samples are included from tested files by region, as the docs site does. In a README,
 *
 *     <!-- include src/readme-example.test.ts#imports#readme -->
 *     ```ts
 *     ...
 *     ```
 *
 * says that the fenced block is the regions `imports` and `readme` (`// #region NAME` …
 * `// #endregion NAME`) of that file, dedented by the marker's indentation and joined by a blank line.
 * `renderReadme` returns the README with every such block regenerated; the test suite checks it equals
 * the README on disk, and `pnpm readme:sync` writes it.
 */
const INCLUDE = /<!-- include (\S+?)((?:#[\w-]+)+) -->\n```(\w*)\n[\s\S]*?\n```/g;

/** The lines of region `name` in `source`, dedented. */
export function extractRegion(source: string, name: string, file = 'the file'): string {
  const lines = source.split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === `// #endregion ${name}`);
  if (start < 0 || end < 0)
    throw new Error(`${file} has no region '${name}' (// #region ${name} … // #endregion ${name}).`);
  const indent = lines[start].slice(0, lines[start].length - lines[start].trimStart().length);
  return lines
    .slice(start + 1, end)
    .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
    .join('\n');
}

/** The README at `readmePath` with every included code block regenerated from its source file. */
export function renderReadme(readmePath: string): string {
  const readme = readFileSync(readmePath, 'utf8');
  return readme.replace(INCLUDE, (_all, file: string, regions: string, lang: string) => {
    const path = join(dirname(readmePath), file);
    const source = readFileSync(path, 'utf8');
    const names = regions.split('#').filter((r) => r !== '');
    const code = names.map((n) => extractRegion(source, n, path)).join('\n\n');
    return `<!-- include ${file}${regions} -->\n\`\`\`${lang}\n${code}\n\`\`\``;
  });
}
