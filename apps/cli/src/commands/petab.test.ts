import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

const suite = join(sharedDir(), 'petab-suite', 'v1.0.0');
const solution = (id: string) => {
  const text = readFileSync(join(suite, id, `_${id}_solution.yaml`), 'utf8');
  const get = (key: string) => Number(new RegExp(`^${key}: (.*)$`, 'm').exec(text)?.[1]);
  return { llh: get('llh'), chi2: get('chi2') };
};

describe('odeon petab', () => {
  it('llh --json prints llh, chi2, nllh and wallMs matching the suite (preequilibration case)', async () => {
    const io = capture();
    expect(await run(['petab', 'llh', join(suite, '0009', '_0009.yaml'), '--json'], io)).toBe(0);
    const r = JSON.parse(io.out) as { llh: number; chi2: number; nllh: number; wallMs: number };
    expect(r.llh).toBeCloseTo(solution('0009').llh, 3);
    expect(r.chi2).toBeCloseTo(solution('0009').chi2, 3);
    expect(r.nllh).toBe(-r.llh);
    expect(r.wallMs).toBeGreaterThan(0);
  });
  it('llh --parameters replaces nominal values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'petab-'));
    const file = join(dir, 'p.tsv');
    writeFileSync(file, 'parameterId\tvalue\nk1\t0.3\n');
    const a = capture();
    const b = capture();
    await run(['petab', 'llh', join(suite, '0001', '_0001.yaml'), '--json'], a);
    expect(
      await run(['petab', 'llh', join(suite, '0001', '_0001.yaml'), '--json', '--parameters', file], b),
    ).toBe(0);
    expect(JSON.parse(b.out).llh).not.toBeCloseTo(JSON.parse(a.out).llh, 3);
  });
  it('simulate prints the PEtab simulation table', async () => {
    const io = capture();
    expect(await run(['petab', 'simulate', join(suite, '0008', '_0008.yaml')], io)).toBe(0);
    const lines = io.out.trim().split('\n');
    expect(lines[0].split('\t')).toContain('simulation');
    const expected = readFileSync(join(suite, '0008', '_simulations.tsv'), 'utf8')
      .trim()
      .split('\n');
    expect(lines.length).toBe(expected.length);
  });
  it('reads a PEtab 2 problem and prints its v2 simulation table', async () => {
    const v2 = join(sharedDir(), 'petab-suite', 'v2.0.0', '0001', '_0001.yaml');
    const io = capture();
    expect(await run(['petab', 'llh', v2, '--json'], io)).toBe(0);
    expect(JSON.parse(io.out).llh).toBeCloseTo(-0.84750169713188, 3);
    const sim = capture();
    expect(await run(['petab', 'simulate', v2], sim)).toBe(0);
    expect(sim.out.split('\n')[0].split('\t')).toContain('experimentId');
  });

  it('refuses an unsupported PEtab 2 feature with a typed error naming it and its place', async () => {
    const io = capture();
    const v2 = join(sharedDir(), 'petab-suite', 'v2.0.0', '0016', '_0016.yaml');
    expect(await run(['petab', 'llh', v2], io)).toBe(1);
    expect(io.err).toContain('UnsupportedPetabFeature');
    expect(io.err).toContain('targetValue');
  });
});

describe('odeon petab fit and profile', () => {
  it('fit prints the best nllh, parameters and per-start table, saves plots and resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'petab-fit-'));
    const args = ['petab', 'fit', join(suite, '0001', '_0001.yaml'), '--starts', '3', '--out', dir];
    const io = capture();
    expect(await run([...args, '--json'], io)).toBe(0);
    const r = JSON.parse(io.out) as {
      bestNllh: number;
      parameters: Record<string, number>;
      ranked: unknown[];
    };
    expect(Number.isFinite(r.bestNllh)).toBe(true);
    expect(Object.keys(r.parameters)).toEqual(['a0', 'b0', 'k1', 'k2']);
    expect(r.ranked.length).toBe(3);
    expect(readFileSync(join(dir, 'waterfall.svg'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(dir, 'fitted.svg'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(dir, 'starts.jsonl'), 'utf8').trim().split('\n').length).toBe(4);
    // A second run finds every start done: no progress lines, same best.
    const again = capture();
    expect(await run(args, again)).toBe(0);
    expect(again.err).toBe('');
    expect(again.out).toContain('best objective');
    expect(again.out).toMatch(/rank\tstart\tobjective/);
  });
  it('profile writes profiles and their plot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'petab-profile-'));
    const io = capture();
    const yaml = join(suite, '0001', '_0001.yaml');
    expect(
      await run(['petab', 'profile', yaml, '--only', 'k1', '--points', '4', '--out', dir, '--json'], io),
    ).toBe(0);
    const r = JSON.parse(io.out) as { profiles: { parameter: string; values: number[] }[] };
    expect(r.profiles[0].parameter).toBe('k1');
    expect(r.profiles[0].values.length).toBeGreaterThan(2);
    expect(readFileSync(join(dir, 'profiles.svg'), 'utf8')).toContain('<svg');
  });
});
