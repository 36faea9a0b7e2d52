import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { modelFromJson } from '@odeon/neural';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

/** A → B → C (k = 0.7, 0.25), analytic, 21 points on [0, 10]. */
function csv(): string {
  const rows = ['measurement,time,A,B,C'];
  for (let i = 0; i <= 20; i++) {
    const t = i * 0.5;
    const a = Math.exp(-0.7 * t);
    const b = (0.7 / (0.25 - 0.7)) * (Math.exp(-0.7 * t) - Math.exp(-0.25 * t));
    rows.push(`abc,${t},${a},${b},${1 - a - b}`);
  }
  return `${rows.join('\n')}\n`;
}

const CONFIG = {
  data: 'data.csv',
  model: { kind: 'neural-ode', width: 8, depth: 1, activation: 'tanh', scaling: true, seed: 3 },
  seed: 1,
  sensitivity: 'quadrature',
  strategy: [{ lr: 0.02, steps: 150, loss: 'scaledMae', optimizer: { kind: 'adamw', weightDecay: 1e-6 } }],
  output: 'model.json',
};

function workdir(config: unknown = CONFIG): string {
  const dir = mkdtempSync(join(tmpdir(), 'odeon-train-'));
  writeFileSync(join(dir, 'data.csv'), csv());
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

describe('odeon train', () => {
  it('--help documents the command and the config format', async () => {
    const io = capture(process.cwd());
    expect(await run(['train', '--help'], io)).toBe(0);
    expect(io.out).toContain('Usage: odeon train');
    expect(io.out).toContain('"strategy"');
    expect(io.out).toContain('--json');
  });

  it('trains a scaled neural ODE from a config, writes the model and a resumable checkpoint', async () => {
    const dir = workdir();
    const io = capture(dir);
    expect(
      await run(
        ['train', 'config.json', '--json', '--checkpoint', 'ck-{step}.json', '--checkpoint-every', '60'],
        io,
      ),
    ).toBe(0);
    expect(io.err).toBe('');
    const r = JSON.parse(io.out);
    expect(r.steps).toBe(150);
    expect(r.history.last).toBeLessThan(r.history.first / 20);
    expect(r.scaledMae).toBeLessThan(0.05);
    expect(typeof r.wallSeconds).toBe('number');
    const model = modelFromJson(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(model.np).toBe(r.parameters);
    // Resuming from the checkpoint after step 60 continues bit-for-bit to the same model.
    expect(JSON.parse(readFileSync(join(dir, 'ck-150.json'), 'utf8')).step).toBe(150);
    const io2 = capture(dir);
    expect(
      await run(['train', 'config.json', '--json', '--resume', 'ck-60.json', '--out', 'model2.json'], io2),
    ).toBe(0);
    expect(io2.err).toBe('');
    const r2 = JSON.parse(io2.out);
    expect(r2.scaledMae).toBe(r.scaledMae);
    expect(readFileSync(join(dir, 'model2.json'), 'utf8')).toBe(
      readFileSync(join(dir, 'model.json'), 'utf8'),
    );
  });

  it('without "output" or --out writes the model to the git-ignored run folder, never beside the config', async () => {
    const { output: _, ...noOutput } = CONFIG;
    const dir = workdir({ ...noOutput, strategy: [{ ...CONFIG.strategy[0], steps: 3 }] });
    const cwd = mkdtempSync(join(tmpdir(), 'odeon-train-cwd-'));
    const io = capture(cwd);
    expect(await run(['train', join(dir, 'config.json')], io)).toBe(0);
    const expected = join('out', 'train', `${basename(dir)}-config`, 'trained-model.json');
    expect(io.out).toContain(`wrote ${expected}`);
    expect(modelFromJson(readFileSync(join(cwd, expected), 'utf8')).n).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'data.csv']);
  });

  it('Ctrl-C (SIGINT) stops after the current step, writes the model and a checkpoint, and says how to resume', async () => {
    const dir = workdir();
    let interrupt: ((signal: string) => void) | undefined;
    let unregistered = false;
    const base = capture(dir);
    const io = Object.assign(base, {
      isTTY: true,
      stderr: (t: string) => {
        base.err += t;
        if (/\] 20\/150 /.test(t)) interrupt?.('SIGINT');
      },
      onInterrupt: (h: (signal: string) => void) => {
        interrupt = h;
        return () => {
          unregistered = true;
        };
      },
    });
    expect(await run(['train', 'config.json'], io)).toBe(130);
    expect(unregistered).toBe(true);
    const m = /interrupted by SIGINT after step (\d+)/.exec(io.out);
    expect(m).not.toBeNull();
    const step = Number(m![1]);
    expect(step).toBeGreaterThanOrEqual(20);
    expect(step).toBeLessThan(150);
    expect(modelFromJson(readFileSync(join(dir, 'model.json'), 'utf8')).np).toBeGreaterThan(0);
    const ck = join('out', 'train', `${basename(dir)}-config`, 'checkpoint.json');
    expect(io.out).toContain(`--resume ${ck}`);
    expect(JSON.parse(readFileSync(join(dir, ck), 'utf8')).step).toBe(step);
    // ...and the run continues from it to the end
    const io2 = capture(dir);
    expect(await run(['train', 'config.json', '--json', '--resume', ck, '--out', 'm2.json'], io2)).toBe(0);
    expect(JSON.parse(io2.out).steps).toBe(150);
  });

  it('off a terminal, progress is a line on stderr every few seconds (not with --json)', async () => {
    const { progressReporter } = await import('../progress.ts');
    const io = capture(process.cwd());
    const p = progressReporter(io, { everySeconds: 0.001 });
    p.update('step 1');
    await new Promise((r) => setTimeout(r, 5));
    p.update('step 2');
    p.done();
    expect(io.err).toBe('step 2\n');
    const quiet = capture(process.cwd());
    const q = progressReporter(quiet, { quiet: true, everySeconds: 0.001 });
    await new Promise((r) => setTimeout(r, 5));
    q.update('x');
    expect(quiet.err).toBe('');
  });

  it('applies per-stage NeuralODE penalties from the config (L2 shrinks the weights)', async () => {
    const run1 = async (l2Alpha: number) => {
      const cfg = { ...CONFIG, strategy: [{ ...CONFIG.strategy[0], penalties: { l2Alpha } }] };
      const dir = workdir(cfg);
      const io = capture(dir);
      expect(await run(['train', 'config.json', '--json'], io)).toBe(0);
      const r = JSON.parse(io.out);
      const m = modelFromJson(readFileSync(join(dir, 'model.json'), 'utf8'));
      let ss = 0;
      for (const v of m.p) ss += v * v;
      return { r, ss };
    };
    const free = await run1(0);
    const l2 = await run1(0.05);
    expect(free.r.penalty ?? 0).toBe(0); // a zero alpha turns the term off
    expect(l2.r.penalty).toBeGreaterThan(0);
    expect(l2.ss).toBeLessThan(free.ss);
  });

  it.each([
    [{ epochs: 5 }, '"epochs"', ''],
    [{ strategy: [{ ...CONFIG.strategy[0], stpes: 3 }] }, '"stpes"', 'did you mean "steps"?'],
    [{ model: { ...CONFIG.model, widht: 3 } }, '"widht"', 'did you mean "width"?'],
    [{ validation: { fraction: 0.2, patiance: 2 } }, '"patiance"', 'did you mean "patience"?'],
    [
      { strategy: [{ ...CONFIG.strategy[0], optimizer: { kind: 'adamw', weightdecay: 1e-6 } }] },
      '"weightdecay"',
      'did you mean "weightDecay"?',
    ],
    [{ sensitivty: 'forward' }, '"sensitivty"', 'did you mean "sensitivity"?'],
  ])('an unknown config key is a usage error with a suggestion (%j)', async (extra, key, suggestion) => {
    const io = capture(workdir({ ...CONFIG, ...extra }));
    expect(await run(['train', 'config.json'], io)).toBe(2);
    expect(io.err).toContain('[InvalidOption]');
    expect(io.err).toContain(key);
    expect(io.err).toContain(suggestion);
  });

  it('an invalid enum value lists the allowed ones (activation "relu6")', async () => {
    const io = capture(workdir({ ...CONFIG, model: { ...CONFIG.model, activation: 'relu6' } }));
    expect(await run(['train', 'config.json'], io)).toBe(2);
    expect(io.err).toMatch(
      /model\.activation.*"relu6" is not one of .*tanh.*gelu|model\.activation.*"relu6" is not one of .*gelu.*tanh/,
    );
  });

  it('rejects a bad config with a usage error naming the field, and a missing file with exit 1', async () => {
    const bad = workdir({ ...CONFIG, strategy: [{ lr: -1, steps: 10 }] });
    const io = capture(bad);
    expect(await run(['train', 'config.json'], io)).toBe(2);
    expect(io.err).toContain('steps[0].lr');
    const none = workdir({ ...CONFIG, strategy: [] });
    const io2 = capture(none);
    expect(await run(['train', 'config.json'], io2)).toBe(2);
    expect(io2.err).toContain('strategy');
    const io3 = capture(none);
    expect(await run(['train', 'missing.json'], io3)).toBe(1);
    expect(io3.err).toContain('IoError');
  });
});
