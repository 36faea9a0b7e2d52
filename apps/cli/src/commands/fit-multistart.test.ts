import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskRunner } from '@odeon/ensemble';
import { LBFGS_CONVERGED, type LbfgsReason } from '@odeon/train';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';
import { loadFitConfig } from './fit-config.ts';
import { type FitStartInput, fitMultiStart, fitStartTask, fitStartTasks } from './fit-multistart.ts';
import { prepareFit } from './fit-prepare.ts';

// A ⇌ B (JSON model): A(t) = A∞ + (A0 − A∞) e^{−(kf+kr)t}, A∞ = kr·(A0+B0)/(kf+kr).
const MODEL = JSON.stringify({
  id: 'reversible',
  compartments: [{ id: 'c', size: 1 }],
  species: [
    { id: 'A', initial: 1, compartment: 'c' },
    { id: 'B', initial: 0, compartment: 'c' },
  ],
  parameters: { kf: 0.3, kr: 0.3 },
  reactions: [{ id: 'r', equation: 'A <-> B', rate: 'c * (kf * A - kr * B)' }],
});

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'odeon-multistart-'));
  const kf = 1.3;
  const kr = 0.4;
  const rows = ['measurement,time,A,B'];
  for (const t of [0, 0.25, 0.5, 1, 1.5, 2, 3, 5]) {
    const aInf = kr / (kf + kr);
    const a = aInf + (1 - aInf) * Math.exp(-(kf + kr) * t);
    rows.push(`e1,${t},${a},${1 - a}`);
  }
  writeFileSync(join(dir, 'model.json'), MODEL);
  writeFileSync(join(dir, 'data.csv'), `${rows.join('\n')}\n`);
  return dir;
}

async function fitJson(dir: string, extra: string[]) {
  const io = capture(dir);
  const code = await run(
    [
      'fit',
      'model.json',
      'data.csv',
      '--params',
      'kf,kr',
      '--bounds',
      'kf=0.01:10,kr=0.01:10',
      '--multi-start',
      '5',
      '--seed',
      '3',
      '--json',
      ...extra,
    ],
    io,
  );
  expect(code, io.err).toBe(0);
  const r = JSON.parse(io.out);
  delete r.wallSeconds;
  return r;
}

describe('fitMultiStart', () => {
  it('calls a fit converged for exactly the L-BFGS reasons `fit` does (the noise floor too)', async () => {
    const dir = workdir();
    writeFileSync(
      join(dir, 'fit.json'),
      JSON.stringify({ model: 'model.json', data: 'data.csv', params: ['kf', 'kr'], multiStart: 2 }),
    );
    const settings = loadFitConfig(capture(dir), join(dir, 'fit.json'));
    const tasks = fitStartTasks(settings, 50);
    const reasons = [...LBFGS_CONVERGED, 'maxIterations', 'lineSearchFailed'];
    for (const reason of reasons) {
      const runner: TaskRunner = {
        workers: 1,
        close: async () => {},
        run: async (task) => ({
          ok: true,
          output: { ...fitStartTask(task.input as FitStartInput), reason },
        }),
      };
      const m = await fitMultiStart(tasks, prepareFit(settings), runner);
      expect(m?.result.converged, reason).toBe(LBFGS_CONVERGED.has(reason as LbfgsReason));
    }
  }, 60_000);
});

describe('odeon fit --multi-start N --workers K', () => {
  it('recovers the rates and gives the same result in one loop and on 1 or 2 worker threads', async () => {
    const dir = workdir();
    const serial = await fitJson(dir, []);
    expect(serial.parameters.kf).toBeCloseTo(1.3, 5);
    expect(serial.parameters.kr).toBeCloseTo(0.4, 5);
    expect(serial.starts).toBe(5);
    for (const workers of ['0', '1', '2']) {
      const r = await fitJson(dir, ['--workers', workers]);
      // Everything: parameters, standard errors, loss curve, iterations and evaluation counts.
      expect(r).toEqual(serial);
    }
  }, 120_000);

  it('refuses bad scale options with usage errors', async () => {
    const dir = workdir();
    for (const extra of [
      ['--workers', '-1'],
      ['--workers', 'x'],
      ['--results', 'r.jsonl'],
      ['--workers', '1', '--redis', 'redis://127.0.0.1:1'],
    ]) {
      const io = capture(dir);
      const code = await run(
        ['fit', 'model.json', 'data.csv', '--params', 'kf', '--multi-start', '2', ...extra],
        io,
      );
      expect(code, extra.join(' ')).toBe(2);
      expect(io.err).toMatch(/UsageError/);
    }
  });
});
