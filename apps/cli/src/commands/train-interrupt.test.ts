import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelFromJson } from '@odeon/neural';
import { describe, expect, it } from 'vitest';
import { CLI_FROM_SOURCE, signalWhen } from './__fixtures__/signal-child.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;

describe('odeon train as a process', () => {
  it('SIGINT mid-run writes the model and a checkpoint at the step it stopped, and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-train-sigint-'));
    const rows = ['measurement,time,A,B'];
    for (let i = 0; i <= 20; i++) rows.push(`e,${i / 2},${Math.exp(-0.35 * i)},${1 - Math.exp(-0.35 * i)}`);
    writeFileSync(join(dir, 'data.csv'), `${rows.join('\n')}\n`);
    const config = {
      data: join(dir, 'data.csv'),
      model: { kind: 'neural-ode', width: 8, depth: 1, activation: 'tanh', scaling: true, seed: 3 },
      seed: 1,
      sensitivity: 'quadrature',
      strategy: [{ lr: 0.01, steps: 1_000_000, loss: 'scaledMae', optimizer: { kind: 'adam' } }],
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const checkpoint = join(dir, 'checkpoint.json');
    const { code, out, err } = await signalWhen(
      [
        ...CLI_FROM_SOURCE,
        'train',
        join(dir, 'config.json'),
        '--out',
        join(dir, 'model.json'),
        '--checkpoint',
        checkpoint,
        '--checkpoint-every',
        '5',
      ],
      { cwd: ROOT, file: checkpoint, ms: 90_000, signal: 'SIGINT' },
    );
    expect(code).toBe(130);
    const m = /interrupted by SIGINT after step (\d+)/.exec(out);
    expect(m, out + err).not.toBeNull();
    const step = Number(m?.[1]);
    expect(step).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(readFileSync(checkpoint, 'utf8')).step).toBe(step);
    expect(modelFromJson(readFileSync(join(dir, 'model.json'), 'utf8')).np).toBeGreaterThan(0);
    expect(out).toContain(`--resume ${checkpoint}`);
  }, 180_000);
});
