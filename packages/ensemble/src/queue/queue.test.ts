import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOdeonError } from '@odeon/ode';
import { freePort, hasRedisServer, startRedis, type TestRedis } from '@odeon/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REVERSIBLE_JSON } from '../__fixtures__/models.ts';
import { runEnsemble } from '../ensemble.ts';
import { sampleMembers } from '../sampling.ts';
import type { TaskReply } from '../task.ts';
import { queueRunner } from './coordinator.ts';
import { jsonlStore } from './result-store.ts';
import { startQueueWorker } from './worker.ts';

const here = new URL('.', import.meta.url).pathname;
const packageDir = join(here, '..', '..');
const workerScript = join(here, '__fixtures__', 'test-worker.ts');
const coordinatorScript = join(here, '__fixtures__', 'test-coordinator.ts');
const children: ChildProcess[] = [];
let dir = '';

/** Starts a node process running a fixture; resolves once it printed `until` (≤ 30 s). */
function startProcess(script: string, args: string[], until: RegExp) {
  const child = spawn(process.execPath, ['--conditions=@odeon/source', '--import', 'tsx', script, ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  const listeners: (() => void)[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const waitFor = (pattern: RegExp, ms = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${pattern}: ${out} ${err}`)),
        ms,
      );
      listeners.push(check);
      child.once('exit', () => {
        if (!pattern.test(out)) {
          clearTimeout(timer);
          reject(new Error(`process exited before ${pattern}: ${out} ${err}`));
        }
      });
      check();
    });
  return { child, ready: waitFor(until), waitFor, output: () => out };
}

function startWorker(redis: TestRedis, queue: string, version: string, log: string) {
  return startProcess(workerScript, [redis.url, queue, version, log], /ready/);
}

const slowTasks = (n: number, ms: number) =>
  Array.from({ length: n }, (_, i) => ({ name: 'test.slow', input: { i, ms } }));

function resultIndexes(path: string): number[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { i: number }).i);
}

function execCounts(log: string, n: number): number[] {
  const counts = new Array(n).fill(0);
  if (!existsSync(log)) return counts;
  for (const l of readFileSync(log, 'utf8').split('\n')) if (l.trim() !== '') counts[Number(l)]++;
  return counts;
}

function expectSlowReplies(replies: TaskReply[], n: number) {
  expect(replies).toHaveLength(n);
  replies.forEach((r, i) => {
    expect(r.ok).toBe(true);
    const out = (r as { output: { i: number; value: number; f64: Float64Array } }).output;
    expect(out.i).toBe(i);
    expect(out.value).toBe(Math.sin(i) * 1e3);
    expect(out.f64).toBeInstanceOf(Float64Array);
    expect(out.f64[0]).toBe(i);
    expect(out.f64[1]).toBeNaN();
  });
}

async function stopChildren() {
  await Promise.all(
    children.splice(0).map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const t = setTimeout(() => {
            c.kill('SIGKILL');
            resolve();
          }, 5000);
          c.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
}

// redis-server is installed by .ci/run; the tests skip only where it cannot be had at all.
describe.skipIf(!hasRedisServer())('BullMQ queue on a real redis-server (127.0.0.1)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'odeon-queue-'));
  });
  afterEach(stopChildren);
  afterAll(async () => {
    await stopChildren();
    await redis?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('a worker SIGKILLed mid-task: its task is retried elsewhere, nothing lost or written twice', async () => {
    const log = join(dir, 'kill.log');
    const results = join(dir, 'kill.jsonl');
    const a = startWorker(redis, 'q-kill', 'test-1', log);
    const b = startWorker(redis, 'q-kill', 'test-1', log);
    await Promise.all([a.ready, b.ready]);
    const n = 12;
    const runner = queueRunner({
      redis: redis.url,
      queue: 'q-kill',
      version: 'test-1',
      store: jsonlStore(results),
      sweepMs: 200,
      timeoutMs: 60_000,
    });
    const running = runner.runAll?.(slowTasks(n, 400), () => {}) as Promise<TaskReply[]>;
    await a.waitFor(/start /);
    a.child.kill('SIGKILL');
    const replies = await running;
    expectSlowReplies(replies, n);
    expect(resultIndexes(results).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    const counts = execCounts(log, n);
    expect(counts.every((c) => c >= 1)).toBe(true);
    // The killed worker finished nothing after its kill: b did the retried task.
    expect(a.child.signalCode).toBe('SIGKILL');
  }, 90_000);

  it('a coordinator SIGKILLed and restarted resumes without redoing finished tasks', async () => {
    const log = join(dir, 'resume.log');
    const results = join(dir, 'resume.jsonl');
    const w = startWorker(redis, 'q-resume', 'test-1', log);
    await w.ready;
    const n = 10;
    const first = startProcess(
      coordinatorScript,
      [redis.url, 'q-resume', results, String(n), '150'],
      /(result \d+\n[\s\S]*){3}/,
    );
    await first.ready;
    first.child.kill('SIGKILL');
    const before = resultIndexes(results);
    expect(before.length).toBeGreaterThanOrEqual(3);
    const seen: number[] = [];
    const runner = queueRunner({
      redis: redis.url,
      queue: 'q-resume',
      version: 'test-1',
      store: jsonlStore(results),
      sweepMs: 200,
      timeoutMs: 60_000,
    });
    const replies = (await runner.runAll?.(slowTasks(n, 150), (_r, i) => seen.push(i))) as TaskReply[];
    expectSlowReplies(replies, n);
    const after = resultIndexes(results);
    expect([...after].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(after.slice(0, before.length)).toEqual(before);
    // Every task ran exactly once over both coordinators.
    expect(execCounts(log, n)).toEqual(new Array(n).fill(1));
    expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
  }, 90_000);

  it('Redis unreachable: QueueUnavailable, and the results already stored are kept', async () => {
    const port = await freePort();
    const results = join(dir, 'unreachable.jsonl');
    const runner = queueRunner({
      redis: `redis://127.0.0.1:${port}`,
      store: jsonlStore(results),
      connectTimeoutMs: 1000,
    });
    const e = await runner.runAll?.(slowTasks(2, 1), () => {}).catch((error: unknown) => error);
    expect(isOdeonError(e, 'QueueUnavailable')).toBe(true);
    const w = await startQueueWorker({ redis: `redis://127.0.0.1:${port}` }).catch((error: unknown) => error);
    expect(isOdeonError(w, 'QueueUnavailable')).toBe(true);
    expect(() => queueRunner({ redis: 'http://127.0.0.1:1' })).toThrow(/redis/);
  });

  it('a worker of another version refuses the jobs (VersionMismatch); a rerun with the right worker completes', async () => {
    const log = join(dir, 'version.log');
    const results = join(dir, 'version.jsonl');
    const wrong = startWorker(redis, 'q-version', 'test-2', log);
    await wrong.ready;
    const options = {
      redis: redis.url,
      queue: 'q-version',
      version: 'test-1',
      store: jsonlStore(results),
      sweepMs: 200,
      timeoutMs: 30_000,
    };
    const e = await queueRunner(options)
      .runAll?.(slowTasks(3, 1), () => {})
      .catch((error: unknown) => error);
    expect(isOdeonError(e, 'VersionMismatch')).toBe(true);
    wrong.child.kill('SIGTERM');
    const right = startWorker(redis, 'q-version', 'test-1', log);
    await right.ready;
    const replies = (await queueRunner(options).runAll?.(slowTasks(3, 1), () => {})) as TaskReply[];
    expectSlowReplies(replies, 3);
    expect(execCounts(log, 3)).toEqual([1, 1, 1]);
  }, 90_000);

  it('a task that throws comes back as a typed error reply; the other tasks are kept', async () => {
    const log = join(dir, 'throw.log');
    const w = startWorker(redis, 'q-throw', 'test-1', log);
    await w.ready;
    const tasks = [
      ...slowTasks(2, 1),
      { name: 'test.boom', input: {} },
      { name: 'no.such.handler', input: {} },
    ];
    const replies = (await queueRunner({
      redis: redis.url,
      queue: 'q-throw',
      version: 'test-1',
      sweepMs: 200,
      timeoutMs: 30_000,
    }).runAll?.(tasks, () => {})) as TaskReply[];
    expect(replies[0].ok && replies[1].ok).toBe(true);
    expect(replies[2]).toEqual({ ok: false, error: { code: 'Error', message: 'a task that throws' } });
    expect(replies[3].ok).toBe(false);
    expect((replies[3] as { error: { code: string } }).error.code).toBe('InvalidOption');
  }, 60_000);

  it('an ensemble over the queue equals the one-thread ensemble bit for bit', async () => {
    const worker = await startQueueWorker({ redis: redis.url, queue: 'q-ensemble', lockDurationMs: 5000 });
    try {
      const members = sampleMembers({
        count: 16,
        seed: 2,
        p: { kf: { dist: 'lognormal', median: 1, sigma: 0.3 } },
      });
      const base = {
        problem: { kind: 'model', text: REVERSIBLE_JSON } as const,
        members,
        t1: 2,
        saveAt: [0, 1, 2],
      };
      const local = await runEnsemble(base);
      let progress = 0;
      const remote = await runEnsemble({
        ...base,
        pool: queueRunner({
          redis: redis.url,
          queue: 'q-ensemble',
          sweepMs: 200,
          timeoutMs: 30_000,
          onProgress: (p) => {
            progress = p.done;
          },
        }),
        chunkSize: 3,
      });
      expect(remote.members.map((m) => Array.from(m.y))).toEqual(local.members.map((m) => Array.from(m.y)));
      expect(Array.from(remote.stats.mean)).toEqual(Array.from(local.stats.mean));
      expect(progress).toBeGreaterThanOrEqual(0);
    } finally {
      await worker.close();
    }
  }, 60_000);
});
