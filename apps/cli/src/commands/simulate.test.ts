import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalErrorVsReference, loadReference } from '@odeon/testkit';
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
