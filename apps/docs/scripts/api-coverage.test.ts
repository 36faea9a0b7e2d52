import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiPackages } from './api-packages.ts';

describe('API reference', () => {
  it('lists every public export of every package, each with a description', () => {
    const out = mkdtempSync(join(tmpdir(), 'odeon-api-'));
    let status = 0;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/api.ts', '--check', '--out', out], {
        cwd: join(import.meta.dirname, '..'),
        stdio: 'pipe',
      });
    } catch (error) {
      status = (error as { status?: number }).status ?? 1;
    }
    const coverage = JSON.parse(readFileSync(join(out, 'coverage.json'), 'utf8')) as {
      undocumented: string[];
    };
    expect(coverage.undocumented).toEqual([]);
    expect(status).toBe(0);
    for (const pkg of apiPackages) {
      expect(readFileSync(join(out, 'index.md'), 'utf8')).toContain(`@odeon/${pkg}`);
    }
  }, 120_000);
});
