import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleMembers } from '@odeon/ensemble';
import { freePort, hasRedisServer, startRedis } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';
import { workerCommand } from './worker.ts';

// A ⇌ B: A(t) = A∞ + (A0 − A∞) e^{−(kf+kr)t}, A∞ = kr (A0 + B0)/(kf + kr), B0 = 0.
const MODEL = JSON.stringify({
  id: 'reversible',
  compartments: [{ id: 'c', size: 1 }],
  species: [
    { id: 'A', initial: 1, compartment: 'c' },
    { id: 'B', initial: 0, compartment: 'c' },
  ],
  parameters: { kf: 1, kr: 0.5 },
  reactions: [{ id: 'r', equation: 'A <-> B', rate: 'c * (kf * A - kr * B)' }],
});
const SPEC = {
  count: 30,
  seed: 5,
  t1: 2,
  steps: 4,
  rtol: 1e-10,
  atol: 1e-12,
  p: { kf: { dist: 'lognormal', median: 1, sigma: 0.4 }, kr: { dist: 'uniform', lower: 0.2, upper: 0.8 } },
  y0: { A: { dist: 'normal', mean: 1, sd: 0.1 } },
} as const;

function workdir(spec: unknown = SPEC): string {
  const dir = mkdtempSync(join(tmpdir(), 'odeon-ensemble-'));
  writeFileSync(join(dir, 'model.json'), MODEL);
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
  return dir;
}

async function ensembleJson(dir: string, extra: string[] = []) {
  const io = capture(dir);
  const code = await run(['ensemble', 'model.json', 'spec.json', '--json', ...extra], io);
  expect(code, io.err).toBe(0);
  const r = JSON.parse(io.out);
  delete r.wallSeconds;
  return r;
}

describe('odeon ensemble', () => {
  it('summarises the sampled members like a serial loop over the closed form; same on 2 workers', async () => {
    const dir = workdir();
    const r = await ensembleJson(dir, ['--csv', 'stats.csv', '--members', 'members.jsonl']);
    expect(r.status).toEqual({ success: 30, terminated: 0, failed: 0 });
    const iA = r.names.indexOf('A');
    const m = r.names.length;
    const last = r.saveAt.length - 1;
    expect(r.saveAt[last]).toBe(2);
    const values = sampleMembers(SPEC).map((mem) => {
      const p = mem.p as Record<string, number>;
      const a0 = (mem.y0 as Record<string, number>).A;
      const aInf = (p.kr * a0) / (p.kf + p.kr);
      return aInf + (a0 - aInf) * Math.exp(-(p.kf + p.kr) * 2);
    });
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(r.mean[last * m + iA]).toBeCloseTo(mean, 7);
    const sorted = [...values].sort((a, b) => a - b);
    expect(r.quantiles['0.5'][last * m + iA]).toBeCloseTo((sorted[14] + sorted[15]) / 2, 7);
    const csv = readFileSync(join(dir, 'stats.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toContain('A_mean');
    expect(csv).toHaveLength(6);
    const lines = readFileSync(join(dir, 'members.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).index).sort((a: number, b: number) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
    const threaded = await ensembleJson(dir, ['--workers', '2']);
    expect(threaded).toEqual(r);
  }, 120_000);

  it('bad specs and options are typed errors', async () => {
    for (const [spec, extra, code] of [
      [{ ...SPEC, colour: 'red' }, [], 2],
      [{ ...SPEC, count: 0 }, [], 2],
      [{ ...SPEC, t1: undefined }, [], 2],
      [SPEC, ['--workers', 'many'], 2],
      [SPEC, ['--results', 'x.jsonl'], 2],
    ] as const) {
      const dir = workdir(spec);
      const io = capture(dir);
      expect(await run(['ensemble', 'model.json', 'spec.json', ...extra], io), io.err).toBe(code);
      expect(io.err).toMatch(/error \[/);
    }
    const dir = workdir();
    const io = capture(dir);
    const port = await freePort();
    expect(
      await run(['ensemble', 'model.json', 'spec.json', '--redis', `redis://127.0.0.1:${port}`], io),
    ).toBe(1);
    expect(io.err).toMatch(/QueueUnavailable/);
  });
});

describe.skipIf(!hasRedisServer())('odeon worker and --redis (redis-server on 127.0.0.1)', () => {
  it('an ensemble and a multi-start fit over Redis equal the local runs; a rerun resumes from the results file', async () => {
    const redis = await startRedis();
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const workerIo = capture();
    const worker = workerCommand({ redis: redis.url, lockMs: '5000', for: '100' }, workerIo, stopped);
    try {
      const dir = workdir();
      const local = await ensembleJson(dir);
      const remote = await ensembleJson(dir, ['--redis', redis.url, '--results', 'run.jsonl']);
      expect(remote).toEqual(local);
      const stored = readFileSync(join(dir, 'run.jsonl'), 'utf8').trim().split('\n');
      // A rerun finds every task in the results file and queues nothing.
      const again = await ensembleJson(dir, ['--redis', redis.url, '--results', 'run.jsonl']);
      expect(again).toEqual(local);
      expect(readFileSync(join(dir, 'run.jsonl'), 'utf8').trim().split('\n')).toEqual(stored);
      // A multi-start fit with its starts on the worker.
      const rows = ['measurement,time,A,B'];
      for (const t of [0, 0.5, 1, 2, 4]) {
        const a = 0.4 / 1.7 + (1 - 0.4 / 1.7) * Math.exp(-1.7 * t);
        rows.push(`e1,${t},${a},${1 - a}`);
      }
      writeFileSync(join(dir, 'data.csv'), `${rows.join('\n')}\n`);
      const fitJson = async (extra: string[]) => {
        const io = capture(dir);
        const args = ['fit', 'model.json', 'data.csv', '--params', 'kf,kr', '--multi-start', '3', '--json'];
        expect(await run([...args, ...extra], io), io.err).toBe(0);
        const out = JSON.parse(io.out);
        delete out.wallSeconds;
        return out;
      };
      const fitLocal = await fitJson([]);
      expect(fitLocal.parameters.kf).toBeCloseTo(1.3, 4);
      expect(await fitJson(['--redis', redis.url, '--results', 'fit.jsonl'])).toEqual(fitLocal);
    } finally {
      stop();
      const ran = await worker;
      expect(ran).toBeGreaterThan(0);
      await redis.stop();
    }
  }, 120_000);
});
