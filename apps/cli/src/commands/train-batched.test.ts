import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

/** A → B → C (k = 0.7, 0.25) from four initial amounts of A, 11 shared time points on [0, 5]. */
function csv(): string {
  const rows = ['measurement,time,A,B,C'];
  for (const a0 of [1, 0.8, 1.2, 0.6]) {
    for (let i = 0; i <= 10; i++) {
      const t = i * 0.5;
      const a = a0 * Math.exp(-0.7 * t);
      const b = ((a0 * 0.7) / (0.25 - 0.7)) * (Math.exp(-0.7 * t) - Math.exp(-0.25 * t));
      rows.push(`a${a0},${t},${a},${b},${a0 - a - b}`);
    }
  }
  return `${rows.join('\n')}\n`;
}

const CONFIG = {
  data: 'data.csv',
  model: { kind: 'neural-ode', width: 8, depth: 1, activation: 'tanh', scaling: true, seed: 3 },
  seed: 1,
  method: 'dopri5',
  strategy: [{ lr: 0.02, steps: 8, loss: 'mse', optimizer: { kind: 'adam' } }],
  output: 'model.json',
};

async function train(extra: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'odeon-train-batched-'));
  writeFileSync(join(dir, 'data.csv'), csv());
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...CONFIG, ...extra }));
  const io = capture(dir);
  const code = await run(['train', 'config.json', '--json'], io);
  return { code, io, result: code === 0 ? JSON.parse(io.out) : undefined };
}

const relClose = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(Math.abs(b), 1e-12);

describe('odeon train with "batched"', () => {
  it('trains the same on cpu (float64), wasm-f32 (float32) and one solve per measurement', async () => {
    const off = await train({});
    const cpu = await train({ batched: 'cpu' });
    const wasm = await train({ batched: 'wasm-f32' });
    for (const r of [off, cpu, wasm]) expect(r.code, r.io.err).toBe(0);
    expect(off.result.batched).toBeUndefined();
    expect(cpu.result.batched).toBe('cpu');
    expect(wasm.result.batched).toBe('wasm-f32');
    expect(cpu.result.history.last).toBeLessThan(cpu.result.history.first);
    for (const key of ['first', 'last'] as const) {
      // float32 network: agreement to float32 accuracy, amplified a little by 8 Adam steps.
      expect(relClose(wasm.result.history[key], cpu.result.history[key], 1e-4), key).toBe(true);
      // One step-size sequence for all four trajectories vs one per trajectory: the solver tolerance.
      expect(relClose(cpu.result.history[key], off.result.history[key], 1e-4), key).toBe(true);
    }
    expect(relClose(wasm.result.mse, cpu.result.mse, 1e-4)).toBe(true);
    // …and they did run differently: float32 vs float64, one batched solve vs four.
    expect(wasm.result.history.last).not.toBe(cpu.result.history.last);
    expect(cpu.result.history.last).not.toBe(off.result.history.last);
    // `auto` at batch 4 × width 8² is far below the measured crossover: cpu.
    const auto = await train({ batched: 'auto' });
    expect(auto.result.batched).toBe('cpu');
    expect(auto.result.history.last).toBe(cpu.result.history.last);
  }, 120_000);

  it('refuses an unknown backend and an implicit method with typed errors', async () => {
    const unknown = await train({ batched: 'gpu' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.io.err).toContain('InvalidOption');
    expect(unknown.io.err).toContain('off, cpu, wasm-f32, auto');
    const typo = await train({ batched: 'wasm' });
    expect(typo.io.err).toContain('wasm-f32');
    const implicit = await train({ batched: 'cpu', method: 'rodas5p' });
    expect(implicit.code).not.toBe(0);
    expect(implicit.io.err).toContain('dopri5');
  }, 60_000);
});
