import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';
import { applyOverrides, sweepMembers } from './train-sweep.ts';

/** A → B (k = 0.7), analytic, 11 points on [0, 5]. */
function csv(): string {
  const rows = ['measurement,time,A,B'];
  for (let i = 0; i <= 10; i++) {
    const t = i * 0.5;
    rows.push(`ab,${t},${Math.exp(-0.7 * t)},${1 - Math.exp(-0.7 * t)}`);
  }
  return `${rows.join('\n')}\n`;
}

const CONFIG = {
  data: 'data.csv',
  model: { kind: 'neural-ode', width: 4, depth: 1, activation: 'tanh', scaling: true, seed: 3 },
  seed: 1,
  sensitivity: 'quadrature',
  strategy: [{ lr: 0.02, steps: 20, loss: 'scaledMae' }],
};

describe('sweeps over training configs', () => {
  it('grids are full factorials and lists are taken as given; paths must exist', () => {
    expect(sweepMembers({ grid: { 'strategy.0.lr': [0.1, 0.2], seed: [1, 2, 3] } })).toEqual([
      { 'strategy.0.lr': 0.1, seed: 1 },
      { 'strategy.0.lr': 0.1, seed: 2 },
      { 'strategy.0.lr': 0.1, seed: 3 },
      { 'strategy.0.lr': 0.2, seed: 1 },
      { 'strategy.0.lr': 0.2, seed: 2 },
      { 'strategy.0.lr': 0.2, seed: 3 },
    ]);
    const c = applyOverrides(CONFIG, { 'strategy.0.lr': 0.5, 'model.width': 8 }) as typeof CONFIG;
    expect(c.strategy[0].lr).toBe(0.5);
    expect(c.model.width).toBe(8);
    expect(CONFIG.strategy[0].lr).toBe(0.02);
    expect(() => applyOverrides(CONFIG, { 'strategy.3.lr': 1 })).toThrow(/nothing at/);
    expect(() => applyOverrides(CONFIG, { '__proto__.x': 1 })).toThrow(/not a config path/);
    expect(() => sweepMembers({ grid: {} })).toThrow(/names no path/);
    expect(() => sweepMembers({ list: [] } as never)).toThrow(/list/);
  });

  it('odeon train --sweep trains every member; the same models in this thread and on 2 workers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-sweep-'));
    writeFileSync(join(dir, 'data.csv'), csv());
    writeFileSync(join(dir, 'config.json'), JSON.stringify(CONFIG));
    writeFileSync(
      join(dir, 'sweep.json'),
      JSON.stringify({ grid: { 'model.width': [3, 5], 'strategy.0.lr': [0.01, 0.03] } }),
    );
    const sweep = async (extra: string[]) => {
      const io = capture(dir);
      expect(
        await run(['train', 'config.json', '--sweep', 'sweep.json', '--json', ...extra], io),
        io.err,
      ).toBe(0);
      return JSON.parse(io.out);
    };
    const one = await sweep(['--out-dir', 'one']);
    expect(one.members).toHaveLength(4);
    // Member 3 is width 5, lr 0.03 and trained as the plain config with those values would be.
    expect(one.members[3].overrides).toEqual({ 'model.width': 5, 'strategy.0.lr': 0.03 });
    writeFileSync(
      join(dir, 'm3.json'),
      JSON.stringify({
        ...CONFIG,
        model: { ...CONFIG.model, width: 5 },
        strategy: [{ ...CONFIG.strategy[0], lr: 0.03 }],
      }),
    );
    const io = capture(dir);
    expect(await run(['train', 'm3.json', '--json', '--out', 'm3-model.json'], io), io.err).toBe(0);
    const direct = JSON.parse(io.out);
    expect(one.members[3].result.scaledMae).toBe(direct.scaledMae);
    expect(readFileSync(join(dir, 'one', '3', 'trained-model.json'), 'utf8')).toBe(
      readFileSync(join(dir, 'm3-model.json'), 'utf8'),
    );
    const two = await sweep(['--out-dir', 'two', '--workers', '2']);
    for (let k = 0; k < 4; k++) {
      expect(two.members[k].result.scaledMae).toBe(one.members[k].result.scaledMae);
      expect(readFileSync(join(dir, 'two', String(k), 'trained-model.json'), 'utf8')).toBe(
        readFileSync(join(dir, 'one', String(k), 'trained-model.json'), 'utf8'),
      );
    }
    expect(two.best).toBe(one.best);
  }, 180_000);

  it('scale flags without --sweep are usage errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-sweep-'));
    writeFileSync(join(dir, 'data.csv'), csv());
    writeFileSync(join(dir, 'config.json'), JSON.stringify(CONFIG));
    const io = capture(dir);
    expect(await run(['train', 'config.json', '--workers', '2'], io)).toBe(2);
    expect(io.err).toMatch(/--workers goes with --sweep/);
  });
});
