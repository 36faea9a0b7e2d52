/**
 * Speed-up against the number of workers (worker threads, @odeon/ensemble's workerpool pool):
 *  1. ensembles of BIOMD0000000145 (calcium oscillations, 24 parameters; k2 and k3 log-normal ±20 %),
 *     t ∈ [0, 20], 41 outputs, rodas5p: the 1 000 members, and a larger one (default 8 000);
 *  2. a 64-start L-BFGS fit (`odeon fit --multi-start 64 --workers K`) of kf, kr of A ⇌ B (the CLI
 *     starts its pool per command, so its start-up is inside every run, as a user sees it), and with
 *     a fifth argument S > 0, an S-start fit of k2, k3 of BIOMD0000000145 (about 3 s of CPU a start).
 * Per worker count it prints the pool start-up (threads up and answering) and the first ensemble task
 * (model compile) apart from the runs; for each run the wall time, the CPU time of the whole process,
 * of this thread and of each worker thread (Linux /proc; threads started with the pool), the tasks and
 * members per task. The first run (cold JIT in fresh workers) is shown beside the median of the rest.
 * Every worker count must give bit-identical statistics and fit results.
 *
 * On a loaded machine wall times say little; the CPU columns still do: "CPU speed-up bound" is this
 * thread's CPU ÷ the busiest worker's CPU, which the wall speed-up approaches on idle cores.
 *
 * From sources (workers run tsx over the sources):
 *   node --conditions=@odeon/source --import tsx benchmarks/ensemble/ensemble-scaling.ts [members] [reps] [large] [heavy starts]
 * As users run it (main thread and workers on the built dist JS):
 *   npx turbo run build --filter=@odeon/cli... && node --import tsx benchmarks/ensemble/ensemble-scaling.ts
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo, run } from '@odeon/cli';
import { createPool, runEnsemble, sampleMembers, type TaskRunner } from '@odeon/ensemble';
import { compileModel, loadModel } from '@odeon/sbml';

const MEMBERS = Number(process.argv[2] ?? 1000);
const REPS = Math.max(1, Number(process.argv[3] ?? 3));
const LARGE = Number(process.argv[4] ?? 8000);
const HEAVY_STARTS = Number(process.argv[5] ?? 0);
const WORKERS = [0, 1, 2, 4];

const root = new URL('../../', import.meta.url).pathname;
const fromSource = import.meta.resolve('@odeon/ensemble').endsWith('.ts');

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f2 = (x: number) => x.toFixed(2);

// CPU seconds of each live thread of this process (utime + stime, in clock ticks of 10 ms).
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // the thread ended
    }
  }
  return out;
}
const processCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const mainTid = String(process.pid);

console.log(
  `# @odeon/ensemble scaling — ${cpus()[0]?.model ?? '?'} × ${cpus().length}, Node ${process.version}, ` +
    `${fromSource ? 'from sources (workers run tsx)' : 'built dist JS'}, load average ${loadavg()
      .map(f2)
      .join(' ')}`,
);
console.log('(wall times depend on the other load; compare CPU columns and ratios within one run)\n');

const modelText = readFileSync(join(root, 'examples/sbml-gradient-descent/BIOMD0000000145.xml'), 'utf8');
const compiled = compileModel(loadModel(modelText));
const base = (id: string) => compiled.p[compiled.paramIds.indexOf(id)];
const saveAt = Array.from({ length: 41 }, (_, i) => i * 0.5);
const problem = { kind: 'model', text: modelText } as const;

function ensembleMembers(count: number) {
  const members = sampleMembers({
    count,
    seed: 1,
    p: { k2: { dist: 'lognormal', median: 1, sigma: 0.2 }, k3: { dist: 'lognormal', median: 1, sigma: 0.2 } },
  });
  // Members set absolute values: the sampled factors times the model's own.
  return members.map((m) => {
    const p = m.p as Record<string, number>;
    return { p: { k2: base('k2') * p.k2, k3: base('k3') * p.k3 } };
  });
}

interface RunFigures {
  wall: number;
  cpu: number;
  mainCpu: number;
  workerCpu: number[];
  tasks: number;
  busyMs: number;
}

/** A runner that counts tasks and the workers' own time on them. */
function counting(pool: TaskRunner, figures: { tasks: number; busyMs: number }): TaskRunner {
  return {
    workers: pool.workers,
    close: () => pool.close(),
    run: async (task) => {
      const reply = await pool.run(task);
      figures.tasks++;
      if (reply.ok) figures.busyMs += (reply.output as { ms?: number }).ms ?? 0;
      return reply;
    },
  };
}

async function ensembleTable(count: number): Promise<void> {
  const members = ensembleMembers(count);
  console.log(`## Ensemble: ${count} members of BIOMD0000000145, t1 = 20, rodas5p, 41 outputs`);
  console.log(
    '| workers | start-up s | first task s | wall s, 1st run | wall s, median | vs 1 worker | vs this thread | CPU s (process) | CPU s this thread | CPU s per worker | CPU speed-up bound | tasks | members/task | this thread CPU ms/task | extra CPU s vs this thread |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  let reference: Float64Array | undefined;
  const wall = new Map<number, number>();
  let cpu0 = Number.NaN;
  const rows: string[] = [];
  for (const workers of WORKERS) {
    const before = new Set(threadCpu().keys());
    let t = performance.now();
    const pool = createPool({ workers });
    await Promise.all(Array.from({ length: workers }, () => pool.run({ name: 'pool.ping', input: {} })));
    const startup = (performance.now() - t) / 1000;
    const workerTids = [...threadCpu().keys()].filter((tid) => !before.has(tid));
    // First task of each worker: it compiles the model once (then keeps it by content hash).
    t = performance.now();
    await runEnsemble({
      problem,
      members: members.slice(0, Math.max(1, workers)),
      t1: 1,
      saveAt: [0, 1],
      pool,
    });
    const first = (performance.now() - t) / 1000;
    const runs: RunFigures[] = [];
    for (let r = 0; r < REPS; r++) {
      const figures = { tasks: 0, busyMs: 0 };
      const c0 = processCpu();
      const th0 = threadCpu();
      t = performance.now();
      const out = await runEnsemble({
        problem,
        members,
        t1: 20,
        saveAt,
        method: 'rodas5p',
        rtol: 1e-6,
        atol: 1e-9,
        pool: counting(pool, figures),
      });
      const w = (performance.now() - t) / 1000;
      const th1 = threadCpu();
      const delta = (tid: string) => (th1.get(tid) ?? 0) - (th0.get(tid) ?? 0);
      runs.push({
        wall: w,
        cpu: processCpu() - c0,
        mainCpu: delta(mainTid),
        // The pool's threads by CPU, busiest first (Node may start helper threads beside them).
        workerCpu: workerTids
          .map(delta)
          .sort((a, b) => b - a)
          .slice(0, workers),
        ...figures,
      });
      if (out.stats.status.failed > 0) throw new Error(`${out.stats.status.failed} members failed`);
      if (reference === undefined) reference = out.stats.mean;
      else if (!out.stats.mean.every((v, i) => Object.is(v, (reference as Float64Array)[i])))
        throw new Error(`workers ${workers}: statistics differ`);
    }
    await pool.close();
    const rest = runs.length > 1 ? runs.slice(1) : runs;
    const pick = rest.find((x) => x.wall === median(rest.map((y) => y.wall))) as RunFigures;
    wall.set(workers, pick.wall);
    if (workers === 0) cpu0 = pick.cpu;
    const busiest = workers === 0 ? pick.mainCpu : Math.max(...pick.workerCpu);
    rows.push(
      [
        workers === 0 ? '0 (this thread)' : String(workers),
        f2(startup),
        f2(first),
        f2(runs[0].wall),
        f2(pick.wall),
        workers === 0 ? '–' : f2((wall.get(1) as number) / pick.wall),
        f2((wall.get(0) as number) / pick.wall),
        f2(pick.cpu),
        f2(pick.mainCpu),
        workers === 0 ? '–' : pick.workerCpu.map(f2).join(' / '),
        workers === 0 ? '–' : f2(cpu0 / busiest),
        String(pick.tasks),
        (count / pick.tasks).toFixed(1),
        ((1000 * pick.mainCpu) / pick.tasks).toFixed(2),
        workers === 0 ? '–' : f2(pick.cpu - cpu0),
      ].join(' | '),
    );
    console.log(`| ${rows[rows.length - 1]} |`);
  }
  console.log('');
}

// Start-up alone: threads up and answering `pool.ping`, from the script this run uses and, when the
// package is built, from its dist JS without the source condition (what an installed package starts).
async function startupTable(): Promise<void> {
  const dist = join(root, 'packages/ensemble/dist/worker-entry.js');
  const scripts: [string, Parameters<typeof createPool>[0]][] = [
    [fromSource ? 'sources through tsx' : 'built JS', {}],
  ];
  if (fromSource && existsSync(dist))
    scripts.push(['built JS (dist)', { script: new URL(`file://${dist}`), execArgv: [] }]);
  console.log('## Pool start-up (all workers answering a ping), median of 3');
  console.log('| workers | script | wall s | CPU s (process) |');
  console.log('|---|---|---|---|');
  for (const workers of WORKERS.filter((w) => w > 0))
    for (const [name, options] of scripts) {
      const walls: number[] = [];
      const cpuTimes: number[] = [];
      for (let r = 0; r < 3; r++) {
        const c0 = processCpu();
        const t = performance.now();
        const pool = createPool({ ...options, workers });
        await Promise.all(Array.from({ length: workers }, () => pool.run({ name: 'pool.ping', input: {} })));
        walls.push((performance.now() - t) / 1000);
        cpuTimes.push(processCpu() - c0);
        await pool.close();
      }
      console.log(`| ${workers} | ${name} | ${f2(median(walls))} | ${f2(median(cpuTimes))} |`);
    }
  console.log('');
}

await startupTable();
await ensembleTable(MEMBERS);
if (LARGE > 0) await ensembleTable(LARGE);

async function fitTable(title: string, dir: string, args: readonly string[]): Promise<void> {
  console.log(`## Fit: ${title}, \`odeon fit ... --workers K\``);
  console.log(
    '| workers | wall s, 1st run | wall s, median | vs 1 worker | vs this thread | CPU s (process) | evaluations |',
  );
  console.log('|---|---|---|---|---|---|---|');
  const fitWall = new Map<number, number>();
  let fitRef: string | undefined;
  for (const workers of WORKERS) {
    const walls: number[] = [];
    const cpuTimes: number[] = [];
    let evaluations = 0;
    for (let r = 0; r < REPS; r++) {
      const io = captureIo(dir);
      const c0 = processCpu();
      const t = performance.now();
      const code = await run(
        ['fit', ...args, '--json', ...(workers === 0 ? [] : ['--workers', String(workers)])],
        io,
      );
      walls.push((performance.now() - t) / 1000);
      cpuTimes.push(processCpu() - c0);
      if (code !== 0) throw new Error(io.err);
      const out = JSON.parse(io.out);
      delete out.wallSeconds;
      evaluations = out.evaluations;
      const text = JSON.stringify(out);
      if (fitRef === undefined) fitRef = text;
      else if (text !== fitRef) throw new Error(`workers ${workers}: fit result differs`);
    }
    const rest = walls.length > 1 ? walls.slice(1) : walls;
    const w = median(rest);
    fitWall.set(workers, w);
    console.log(
      `| ${workers === 0 ? '0 (this thread)' : workers} | ${f2(walls[0])} | ${f2(w)} | ${workers === 0 ? '–' : f2((fitWall.get(1) as number) / w)} | ${f2((fitWall.get(0) as number) / w)} | ${f2(cpuTimes[walls.indexOf(w)])} | ${evaluations} |`,
    );
  }
  console.log('');
}

const dir = mkdtempSync(join(tmpdir(), 'odeon-bench-fit-'));
writeFileSync(
  join(dir, 'model.json'),
  JSON.stringify({
    id: 'reversible',
    compartments: [{ id: 'c', size: 1 }],
    species: [
      { id: 'A', initial: 1, compartment: 'c' },
      { id: 'B', initial: 0, compartment: 'c' },
    ],
    parameters: { kf: 0.3, kr: 0.3 },
    reactions: [{ id: 'r', equation: 'A <-> B', rate: 'c * (kf * A - kr * B)' }],
  }),
);
const rows = ['measurement,time,A,B'];
for (const t of [0, 0.25, 0.5, 1, 1.5, 2, 3, 5]) {
  const aInf = 0.4 / 1.7;
  const a = aInf + (1 - aInf) * Math.exp(-1.7 * t);
  rows.push(`e1,${t},${a},${1 - a}`);
}
writeFileSync(join(dir, 'data.csv'), `${rows.join('\n')}\n`);
const fitArgs = ['model.json', 'data.csv', '--params', 'kf,kr', '--bounds', 'kf=0.01:10,kr=0.01:10'];
await fitTable('64 L-BFGS starts of kf, kr (A ⇌ B, 8 time points)', dir, [...fitArgs, '--multi-start', '64']);

if (HEAVY_STARTS > 0) {
  // Data: the model's own trajectory of its five states at t = 0, 1, …, 20.
  const truth = await runEnsemble({
    problem,
    members: [{}],
    t1: 20,
    saveAt: saveAt.filter((t) => Number.isInteger(t)),
    rtol: 1e-10,
    atol: 1e-12,
  });
  const names = truth.stats.names.filter((n) => compiled.stateIds.includes(n));
  const m = truth.stats.names.length;
  const lines = [`measurement,time,${names.join(',')}`];
  truth.stats.saveAt.forEach((t, i) => {
    lines.push(
      `e1,${t},${names.map((n) => truth.members[0].y[i * m + truth.stats.names.indexOf(n)]).join(',')}`,
    );
  });
  writeFileSync(join(dir, 'calcium.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'calcium.xml'), modelText);
  await fitTable(`${HEAVY_STARTS} L-BFGS starts of k2, k3 (BIOMD0000000145, 5 states × 21 times)`, dir, [
    'calcium.xml',
    'calcium.csv',
    '--params',
    'k2,k3',
    '--bounds',
    'k2=0.5:20,k3=0.5:20',
    '--multi-start',
    String(HEAVY_STARTS),
  ]);
}
console.log('\nAll worker counts gave bit-identical statistics and fit results.');
