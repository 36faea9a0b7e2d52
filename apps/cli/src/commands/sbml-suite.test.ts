import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSbmlSuiteIndex, sbmlSuiteDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

describe('odeon sbml-suite', () => {
  it('--help documents the command and --json', async () => {
    const io = capture();
    expect(await run(['sbml-suite', '--help'], io)).toBe(0);
    expect(io.out).toContain('Usage: odeon sbml-suite');
    expect(io.out).toContain('--json');
  });

  it('passes every plain-ODE and event case of the sample; the others pass or are refused, never fail (--json)', async () => {
    const io = capture();
    expect(await run(['sbml-suite', sbmlSuiteDir(), '--json'], io)).toBe(0);
    const result = JSON.parse(io.out) as {
      cases: { id: string; status: string; feature?: string }[];
      passed: number;
      failed: number;
      unsupported: number;
      total: number;
      summary: string;
    };
    const status = new Map(result.cases.map((c) => [c.id, c.status]));
    const index = loadSbmlSuiteIndex();
    expect(result.total).toBe(index.caseCount);
    for (const c of index.cases) {
      if (c.plainOde || c.group === 'reject:event') expect(status.get(c.id), c.id).toBe('pass');
      else expect(['pass', 'unsupported'], c.id).toContain(status.get(c.id));
    }
    expect(result.failed).toBe(0);
    expect(result.summary).toBe(
      `passed ${result.passed} of ${result.total} (${result.failed} failed, ${result.unsupported} unsupported)`,
    );
  });

  it('reads the NNNNN/ layout, prints per-case lines and the summary, and reports a failing case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-suite-'));
    for (const id of ['00001', '01186'])
      cpSync(join(sbmlSuiteDir(), 'cases', id), join(dir, id), { recursive: true });
    cpSync(join(sbmlSuiteDir(), 'cases', '00002'), join(dir, '00002'), { recursive: true });
    // Corrupt one expected value of 00002 so that the official rule must fail it.
    const results = join(dir, '00002', '00002-results.csv');
    const lines = readFileSync(results, 'utf8').split('\n');
    const cells = lines[10].split(',');
    cells[1] = String(Number(cells[1]) * 1.01);
    lines[10] = cells.join(',');
    writeFileSync(results, lines.join('\n'));
    const io = capture();
    expect(await run(['sbml-suite', dir], io)).toBe(0);
    expect(io.out).toMatch(/^00001 pass$/m);
    expect(io.out).toMatch(/^00002 fail: .*S1 at row 9/m);
    expect(io.out).toMatch(/^01186 unsupported: .*package:fbc/m);
    expect(io.out.trim().split('\n').at(-1)).toBe('passed 1 of 3 (1 failed, 1 unsupported)');
  });

  it('an empty or missing folder is an error', async () => {
    const io = capture();
    expect(await run(['sbml-suite', mkdtempSync(join(tmpdir(), 'odeon-empty-'))], io)).toBe(1);
    expect(io.err).toContain('[IoError]');
  });
});
