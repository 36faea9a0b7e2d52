import { isOdeonError, solve } from '@odeon/ode';
import { describe, expect, it } from 'vitest';
import { REVERSIBLE_JSON, reversibleA } from './__fixtures__/models.ts';
import { runEnsemble } from './ensemble.ts';
import { solveMember } from './member.ts';
import { createPool } from './pool.ts';
import { buildProblem, sourceKey } from './problem-source.ts';
import { sampleMembers } from './sampling.ts';
import { quantileSorted } from './stats.ts';
import { packMembers, solveMembersTask, transferList, unpackMembers } from './task.ts';

const saveAt = [0, 0.5, 1, 2, 4];
const source = { kind: 'model', text: REVERSIBLE_JSON } as const;
const spec = {
  count: 40,
  seed: 7,
  p: { kf: { dist: 'lognormal', median: 1, sigma: 0.3 }, kr: { dist: 'uniform', lower: 0.2, upper: 0.8 } },
  y0: { A: { dist: 'normal', mean: 1, sd: 0.1 } },
} as const;
const decayModule = new URL('./__fixtures__/decay-problem.ts', import.meta.url).href;

describe('runEnsemble on one thread', () => {
  it('matches the analytic solution member by member and a serial loop in its statistics', async () => {
    const members = sampleMembers(spec);
    const r = await runEnsemble({ problem: source, members, t1: 4, saveAt, rtol: 1e-10, atol: 1e-12 });
    expect(r.members).toHaveLength(40);
    expect(r.stats.status).toEqual({ success: 40, terminated: 0, failed: 0 });
    const iA = r.stats.names.indexOf('A');
    const m = r.stats.names.length;
    // Each member against the closed form.
    members.forEach((member, k) => {
      const p = member.p as Record<string, number>;
      const a0 = (member.y0 as Record<string, number>).A;
      saveAt.forEach((t, i) => {
        expect(r.members[k].y[i * m + iA]).toBeCloseTo(reversibleA(t, p.kf, p.kr, a0), 7);
      });
    });
    // Statistics against a serial loop over the closed form.
    saveAt.forEach((t, i) => {
      const values = members.map((member) => {
        const p = member.p as Record<string, number>;
        return reversibleA(t, p.kf, p.kr, (member.y0 as Record<string, number>).A);
      });
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
      const sorted = [...values].sort((a, b) => a - b);
      expect(r.stats.mean[i * m + iA]).toBeCloseTo(mean, 7);
      expect(r.stats.std[i * m + iA]).toBeCloseTo(sd, 7);
      expect(r.stats.quantiles[1][i * m + iA]).toBeCloseTo(quantileSorted(sorted, 0.5), 7);
      expect(r.stats.quantiles[0][i * m + iA]).toBeCloseTo(quantileSorted(sorted, 0.05), 7);
      expect(r.stats.count[i * m + iA]).toBe(40);
    });
  });

  it('quantiles follow numpy (linear, type 7)', () => {
    // numpy.quantile([1, 2, 4, 8], [0, 0.05, 0.5, 0.95, 1]) = [1, 1.15, 3, 7.4, 8]
    const s = [1, 2, 4, 8];
    const expected = [1, 1.15, 3, 7.4, 8];
    [0, 0.05, 0.5, 0.95, 1].forEach((q, i) => {
      expect(quantileSorted(s, q)).toBeCloseTo(expected[i], 12);
    });
  });

  it('solves an in-memory problem and an imported module alike, and streams every member once', async () => {
    const members = [{ p: { k: 0.5 } }, { p: { k: 2 } }, { y0: [3] }];
    const { problem, paramNames } = await import('./__fixtures__/decay-problem.ts');
    const seen: number[] = [];
    const a = await runEnsemble({
      problem: problem(),
      paramNames,
      members,
      saveAt: [0, 1, 2],
      rtol: 1e-10,
      atol: 1e-12,
      onMember: (r) => seen.push(r.index),
    });
    const b = await runEnsemble({
      problem: { kind: 'module', module: decayModule },
      members,
      saveAt: [0, 1, 2],
      rtol: 1e-10,
      atol: 1e-12,
    });
    expect(seen.sort()).toEqual([0, 1, 2]);
    expect(a.members.map((r) => Array.from(r.y))).toEqual(b.members.map((r) => Array.from(r.y)));
    expect(a.members[0].y[2]).toBeCloseTo(Math.exp(-0.5 * 2), 8);
    expect(a.members[1].y[1]).toBeCloseTo(Math.exp(-2), 8);
    expect(a.members[2].y[2]).toBeCloseTo(3 * Math.exp(-2), 8);
  });

  it('a failing member fails alone, with its error code, and is left out of the statistics', async () => {
    const members = [{ p: { k: 1 } }, { p: { k: 1 }, maxSteps: 2 }, { p: { nope: 1 } }];
    const r = await runEnsemble({
      problem: { kind: 'module', module: decayModule },
      members,
      saveAt: [0, 2],
    });
    expect(r.members.map((m) => m.status)).toEqual(['success', 'failed', 'failed']);
    expect(r.members[1].error?.code).toBe('MaxStepsReached');
    expect(r.members[2].error?.code).toBe('InvalidOption');
    expect(r.stats.status.failed).toBe(2);
    expect(r.stats.count[1]).toBe(1);
    expect(r.stats.mean[1]).toBeCloseTo(Math.exp(-2), 6);
  });

  it('bad options are typed errors', async () => {
    const bad = [
      () => runEnsemble({ problem: source, members: [], t1: 1, saveAt }),
      () => runEnsemble({ problem: source, members: [{}], t1: 1, saveAt: [1, 0] }),
      () => runEnsemble({ problem: solveProblem(), members: [{}], saveAt: [0, 1], workers: 2 }),
      () =>
        runEnsemble({
          problem: { kind: 'module', module: decayModule, export: 'throws' },
          members: [{}],
          saveAt: [0, 1],
        }),
    ];
    for (const f of bad) {
      const e = await f().catch((error: unknown) => error);
      expect(isOdeonError(e)).toBe(true);
    }
    const e = await runEnsemble({
      problem: { kind: 'module', module: decayModule, export: 'throws' },
      members: [{}],
      saveAt: [0, 1],
    }).catch((error: unknown) => error);
    expect(isOdeonError(e, 'TaskFailed')).toBe(true);
  });
});

function solveProblem() {
  return { rhs: () => {}, y0: [1], t0: 0, t1: 1 };
}

describe('ensemble tasks', () => {
  it('refuse malformed comp `externals` of a model source', async () => {
    for (const externals of [[['a.xml']], [['a.xml', 1]], 'a.xml'])
      expect(
        isOdeonError(
          await buildProblem({ kind: 'model', text: REVERSIBLE_JSON, externals } as never).catch((e) => e),
          'InvalidProblem',
        ),
      ).toBe(true);
  });

  it('pack the members of a chunk into one transferable buffer and back', async () => {
    const built = await buildProblem(source);
    const members = sampleMembers({ ...spec, count: 5 });
    const results = members.map((m, k) =>
      solveMember(built, k === 3 ? { p: { nope: 1 } } : m, { t1: 4, saveAt }, 10 + k),
    );
    const packed = packMembers(results, 1.5);
    expect(transferList({ ok: true, output: packed })).toEqual([packed.y.buffer]);
    expect(packed.names).toHaveLength(1);
    const back = unpackMembers(packed);
    expect(back.map((r) => [r.index, r.status, r.names, Array.from(r.y), r.error?.code])).toEqual(
      results.map((r) => [r.index, r.status, r.names, Array.from(r.y), r.error?.code]),
    );
  });

  it('name the problem by content hash; a worker without it asks for the source', async () => {
    const key = (await sourceKey(source)) as string;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await sourceKey({ ...source, text: `${source.text} ` })).not.toBe(key);
    const task = { options: { t1: 1, saveAt: [0, 1] }, members: [{ index: 0, member: {} }] };
    const fresh = `${key.slice(0, 60)}beef`;
    expect(await solveMembersTask({ ...task, key: fresh })).toEqual({ missingSource: fresh });
    const built = await solveMembersTask({ ...task, key: fresh, source });
    expect('y' in built && built.y.length).toBe(4);
    // Now this thread has it: the key alone is enough.
    const again = await solveMembersTask({ ...task, key: fresh });
    expect({ ...again, ms: 0 }).toEqual({ ...built, ms: 0 });
  });
});

describe('runEnsemble on worker threads', () => {
  it('gives bit-identical members and statistics on 0, 1, 2 and 4 workers', async () => {
    const members = sampleMembers({ ...spec, count: 24 });
    const outs = [];
    // Chunks cut as the run goes (default) or fixed: the same numbers.
    const cases: [number, number | undefined][] = [
      [0, undefined],
      [1, 3],
      [2, undefined],
      [2, 1],
      [4, undefined],
    ];
    for (const [workers, chunkSize] of cases) {
      const options = { problem: source, members, t1: 4, saveAt, workers };
      outs.push(await runEnsemble(chunkSize === undefined ? options : { ...options, chunkSize }));
    }
    const ref = outs[0];
    for (const r of outs.slice(1)) {
      expect(r.members.map((m) => Array.from(m.y))).toEqual(ref.members.map((m) => Array.from(m.y)));
      expect(Array.from(r.stats.mean)).toEqual(Array.from(ref.stats.mean));
      expect(r.stats.quantiles.map((q) => Array.from(q))).toEqual(
        ref.stats.quantiles.map((q) => Array.from(q)),
      );
    }
    // And the model in the worker is the same model: compare with a direct solve.
    const sol = solve(
      {
        rhs: (_t, y, p, d) => {
          d[0] = -p[0] * y[0];
        },
        y0: [1],
        p: [1],
        t0: 0,
        t1: 1,
      },
      { saveAt: [1] },
    );
    expect(sol.y[0]).toBeCloseTo(Math.exp(-1), 6);
  });

  it('close({ force: true }) stops a task stuck in synchronous code; close() alone would wait for it', async () => {
    const pool = createPool({ workers: 1 });
    const stuck = runEnsemble({
      problem: { kind: 'module', module: decayModule, export: 'hangs' },
      members: [{}],
      saveAt: [0, 1],
      pool,
    }).catch((error: unknown) => error);
    // the task is running (the worker is busy): a waiting close does not settle
    const ping = await pool.run({ name: 'pool.ping', input: {} });
    expect(ping.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    let waited = false;
    void pool.close().then(() => {
      waited = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(waited).toBe(false);
    await pool.close({ force: true });
    expect(isOdeonError(await stuck, 'TaskFailed')).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(waited).toBe(true);
    // closed: a new task is refused, as a failed reply
    expect((await pool.run({ name: 'pool.ping', input: {} })).ok).toBe(false);
  }, 30_000);

  it('rebuilds user code by module path in the workers; a throwing task is a typed error and the pool survives', async () => {
    const pool = createPool({ workers: 2 });
    try {
      const r = await runEnsemble({
        problem: { kind: 'module', module: decayModule, args: { k: 2 } },
        members: [{}, { p: { k: 1 } }],
        saveAt: [0, 1],
        pool,
      });
      expect(r.members[0].y[1]).toBeCloseTo(Math.exp(-2), 6);
      expect(r.members[1].y[1]).toBeCloseTo(Math.exp(-1), 6);
      const e = await runEnsemble({
        problem: { kind: 'module', module: decayModule, export: 'throws' },
        members: [{}],
        saveAt: [0, 1],
        pool,
      }).catch((error: unknown) => error);
      expect(isOdeonError(e, 'TaskFailed')).toBe(true);
      const again = await runEnsemble({ problem: source, members: [{}], t1: 1, saveAt: [0, 1], pool });
      expect(again.stats.status.success).toBe(1);
      // A worker thread that dies is a typed error too, and the pool replaces it.
      const died = await runEnsemble({
        problem: { kind: 'module', module: decayModule, export: 'exits' },
        members: [{}],
        saveAt: [0, 1],
        pool,
      }).catch((error: unknown) => error);
      expect(isOdeonError(died, 'TaskFailed')).toBe(true);
      const after = await runEnsemble({ problem: source, members: [{}, {}], t1: 1, saveAt: [0, 1], pool });
      expect(after.stats.status.success).toBe(2);
    } finally {
      await pool.close();
    }
  });
});
