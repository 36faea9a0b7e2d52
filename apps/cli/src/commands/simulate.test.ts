import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalErrorVsReference, loadReference, sbmlSuiteDir } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

describe('odeon simulate --problem', () => {
  it('--help documents the options', async () => {
    const io = capture(process.cwd());
    expect(await run(['simulate', '--help'], io)).toBe(0);
    for (const opt of ['--problem', '--method', '--rtol', '--atol', '--t1', '--out', '--plot', '--json']) {
      expect(io.out).toContain(opt);
    }
  });

  it('solves ROBER, prints stats as JSON, and matches the reference final state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-sim-'));
    const io = capture(dir);
    const code = await run(
      ['simulate', '--problem', 'rober', '--method', 'rodas5p', '--rtol', '1e-8', '--out', 'r.csv', '--json'],
      io,
    );
    expect(code).toBe(0);
    const json = JSON.parse(io.out);
    expect(json.problem).toBe('rober');
    expect(json.stats.jacobianEvals).toBeGreaterThan(0);
    expect(json.wallMs).toBeGreaterThan(0);
    const ref = loadReference('rober');
    expect(finalErrorVsReference(ref, Object.values(json.final) as number[])).toBeLessThan(1e-6);
    const csv = readFileSync(join(dir, 'r.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('time,y1,y2,y3');
    expect(csv.length).toBe(202);
    const last = csv[csv.length - 1].split(',').map(Number);
    expect(last[0]).toBe(1e5);
    for (let i = 0; i < 3; i++)
      expect(Math.abs(last[i + 1] - ref.final[i])).toBeLessThan(1e-6 * Math.abs(ref.final[i]) + 1e-12);
  });

  it('honours --t1 and writes an SVG plot with --plot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-sim-'));
    const io = capture(dir);
    expect(
      await run(
        ['simulate', '--problem', 'lotka', '--method', 'tsit5', '--t1', '5', '--plot', 'p.svg', '--json'],
        io,
      ),
    ).toBe(0);
    const json = JSON.parse(io.out);
    expect(json.t1).toBe(5);
    expect(json.t[json.t.length - 1]).toBe(5);
    const svg = readFileSync(join(dir, 'p.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('prey');
  });

  it('prints a human summary without --json', async () => {
    const io = capture(process.cwd());
    expect(await run(['simulate', '--problem', 'hires', '--rtol', '1e-6'], io)).toBe(0);
    expect(io.out).toMatch(/hires: rodas5p/);
    expect(io.out).toMatch(/final state: y1 = /);
  });

  it('rejects unknown problems and methods as usage errors (exit 2)', async () => {
    let io = capture(process.cwd());
    expect(await run(['simulate', '--problem', 'nope'], io)).toBe(2);
    expect(io.err).toContain('rober');
    io = capture(process.cwd());
    expect(await run(['simulate', '--problem', 'rober', '--method', 'magic'], io)).toBe(2);
    expect(io.err).toContain('rodas5p');
    io = capture(process.cwd());
    expect(await run(['simulate', '--problem', 'rober', '--rtol', 'abc'], io)).toBe(2);
    io = capture(process.cwd());
    expect(await run(['simulate'], io)).toBe(2);
  });
});

describe('odeon simulate: --problem and model files validate the same way', () => {
  const model = () => join(sbmlSuiteDir(), 'cases', '00001', '00001-sbml-l3v2.xml');
  it.each([
    [['--atol', '0'], 2, /InvalidOption.*--atol/],
    [['--t0', '5', '--t1', '1'], 2, /InvalidOption.*--t1/],
    [['--method', 'bogus'], 2, /InvalidOption.*one of euler, .*rodas5p/],
    [['--rtol', '2'], 2, /InvalidOption.*--rtol/],
    [['--dt', '0.1'], 2, /InvalidOption.*only with a fixed-step method/],
    [['--steps', '1'], 0, /^$/],
  ])('%j gives the same outcome for both forms', async (args, code, err) => {
    const a = capture();
    const b = capture();
    expect(await run(['simulate', '--problem', 'lotka', '--t1', '1', ...args, '--json'], a)).toBe(code);
    expect(await run(['simulate', model(), '--t1', '1', ...args, '--json'], b)).toBe(code);
    expect(a.err).toMatch(err);
    expect(b.err).toMatch(err);
  });

  it('fixed-step methods work on model files (--dt): rk4 matches the analytic S1(t) = 1.5e-4·e^(−t)', async () => {
    const io = capture();
    expect(
      await run(
        ['simulate', model(), '--t1', '2', '--steps', '4', '--method', 'rk4', '--dt', '0.01', '--json'],
        io,
      ),
    ).toBe(0);
    const r = JSON.parse(io.out);
    const n = r.names.length;
    const s1 = r.names.indexOf('S1');
    r.times.forEach((t: number, k: number) => {
      expect(r.values[k * n + s1]).toBeAllclose(1.5e-4 * Math.exp(-t), { rtol: 1e-8 });
    });
  });

  it('--help shows the defaults each form uses', async () => {
    const io = capture();
    expect(await run(['simulate', '--help'], io)).toBe(0);
    const help = io.out.replace(/\s+/g, ' ');
    expect(help).toContain('default 1e-6 with --problem, 1e-8 for model files');
    expect(help).toContain('default xy for rober');
    expect(help).toContain('1e-12 for model files');
    expect(help).toContain('--dt');
  });
});
