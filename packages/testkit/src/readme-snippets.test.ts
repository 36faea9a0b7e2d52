import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractRegion, renderReadme } from './readme-snippets.ts';
import { repoRoot } from './shared-dir.ts';

describe('README code samples', () => {
  it('extractRegion dedents the lines between the markers by the marker indentation and refuses a missing region', () => {
    const src = ['x', '  // #region a', '  const y = `', 'z`;', '    y;', '  // #endregion a'].join('\n');
    expect(extractRegion(src, 'a')).toBe('const y = `\nz`;\n  y;');
    expect(() => extractRegion(src, 'b')).toThrowError(/no region 'b'/);
  });

  const root = repoRoot();
  const readmes = ['packages', 'apps']
    .flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p, 'README.md')))
    .filter(existsSync);
  it.each(readmes.map((r) => [r.slice(root.length + 1), r]))(
    '%s equals its included regions (run `pnpm readme:sync` after editing them)',
    (_name, path) => {
      expect(readFileSync(path, 'utf8')).toBe(renderReadme(path));
    },
  );
});
