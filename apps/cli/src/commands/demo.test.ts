import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalErrorVsReference, loadReference } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

describe('odeon demo', () => {
  it('starts by solving ROBER with rodas5p, prints its stats and final state, writes a plot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-demo-'));
    const io = capture(dir);
    expect(await run(['demo', '--out-dir', 'out', '--train-seconds', '0'], io)).toBe(0);
    expect(io.out).toMatch(/ROBER .* rodas5p/);
    expect(io.out).toMatch(/Jacobians \d+/);
    expect(io.out).toMatch(/y1 = 0\.01786/);
    expect(existsSync(join(dir, 'out', 'rober.svg'))).toBe(true);
    expect(readFileSync(join(dir, 'out', 'rober.svg'), 'utf8')).toContain('<svg');
  });

  it('--json gives the ROBER stage with the reference final state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-demo-'));
    const io = capture(dir);
    expect(await run(['demo', '--json', '--train-seconds', '0'], io)).toBe(0);
    const json = JSON.parse(io.out);
    const rober = json.steps.find((s: { name: string }) => s.name === 'rober');
    expect(rober.summary.stats.steps).toBeGreaterThan(10);
    expect(
      finalErrorVsReference(loadReference('rober'), Object.values(rober.summary.final) as number[]),
    ).toBeLessThan(1e-4);
    expect(existsSync(join(dir, 'out', 'demo', 'rober.csv'))).toBe(true);
  });

  it('trains the scaled neural ODE on ROBER: the scaled MAE falls, plots are written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-demo-'));
    const io = capture(dir);
    expect(await run(['demo', '--json', '--train-seconds', '600', '--train-steps', '40'], io)).toBe(0);
    const json = JSON.parse(io.out);
    const stage = json.steps.find((s: { name: string }) => s.name === 'neural-ode');
    expect(stage.summary.steps).toBe(40);
    expect(stage.summary.finalScaledMae).toBeLessThan(0.9 * stage.summary.initialScaledMae);
    for (const file of ['neural-ode-fit.svg', 'neural-ode-loss.svg']) {
      expect(readFileSync(join(dir, 'out', 'demo', file), 'utf8')).toContain('<svg');
    }
  });

  it('writes nothing a clone of the repository would track: `git status` stays clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-demo-git-'));
    execFileSync('git', ['init', '-q'], { cwd: dir });
    copyFileSync(new URL('../../../../.gitignore', import.meta.url), join(dir, '.gitignore'));
    execFileSync('git', ['add', '.gitignore'], { cwd: dir });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init'], { cwd: dir });
    const io = capture(dir);
    expect(await run(['demo', '--train-seconds', '0'], io)).toBe(0);
    expect(io.out).toContain(join('out', 'demo', 'rober.svg'));
    expect(existsSync(join(dir, 'out', 'demo', 'rober.svg'))).toBe(true);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe('');
  });

  it('rejects a negative training budget as a usage error', async () => {
    const io = capture(mkdtempSync(join(tmpdir(), 'odeon-demo-')));
    expect(await run(['demo', '--train-seconds', '-1'], io)).toBe(2);
    expect(io.err).toContain('--train-seconds');
  });
});
