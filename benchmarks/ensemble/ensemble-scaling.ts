/**
 * Speed-up against the number of workers (worker threads, @odeon/ensemble's workerpool pool):
 *  1. a 1 000-member ensemble of BIOMD0000000145 (calcium oscillations, 24 parameters; k2 and k3
 *     log-normal ±20 %), t ∈ [0, 20], 41 outputs, rodas5p; the pool is started and warmed once per
 *     worker count (thread start-up, which includes tsx compiling the sources in a checkout, is
 *     printed separately);
 *  2. a 64-start L-BFGS fit (`odeon fit --multi-start 64 --workers K`) of kf, kr of A ⇌ B.
 * Prints wall time (median of `REPS` runs), speed-up against one worker and against this thread, and
 * checks that every worker count gave bit-identical results. Not a test: timings depend on the load.
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/ensemble/ensemble-scaling.ts [members] [reps]
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, runEnsemble, sampleMembers } from '@odeon/ensemble';
import { captureIo } from '../../apps/cli/src/capture-io.ts';
import { run } from '../../apps/cli/src/main.ts';

const MEMBERS = Number(process.argv[2] ?? 1000);
const REPS = Number(process.argv[3] ?? 3);
const WORKERS = [0, 1, 2, 4];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const root = new URL('../../', import.meta.url).pathname;
const modelText = readFileSync(join(root, 'examples/sbml-gradient-descent/BIOMD0000000145.xml'), 'utf8');

console.log(
  `# @odeon/ensemble scaling — ${cpus()[0]?.model ?? '?'} × ${cpus().length}, Node ${process.version}`,
);
console.log('(this machine is shared with other sessions: compare ratios within one run)\n');

const members = sampleMembers({
  count: MEMBERS,
  seed: 1,
  p: { k2: { dist: 'lognormal', median: 1, sigma: 0.2 }, k3: { dist: 'lognormal', median: 1, sigma: 0.2 } },
});
// Scale the sampled factors by the model's own values: members set absolute values.
const { compileModel, loadModel } = await import('@odeon/sbml');
const compiled = compileModel(loadModel(modelText));
const base = (id: string) => compiled.p[compiled.paramIds.indexOf(id)];
const scaled = members.map((m) => {
  const p = m.p as Record<string, number>;
  return { p: { k2: base('k2') * p.k2, k3: base('k3') * p.k3 } };
});
const saveAt = Array.from({ length: 41 }, (_, i) => i * 0.5);

console.log(`## Ensemble: ${MEMBERS} members of BIOMD0000000145, t1 = 20`);
console.log(
  '| workers | wall s (median) | speed-up vs 1 worker | vs this thread | pool start-up s | failed members |',
);
console.log('|---|---|---|---|---|---|');
let reference: Float64Array | undefined;
const ensembleTimes = new Map<number, number>();
const startup = new Map<number, number>();
let failedMembers = 0;
for (const workers of WORKERS) {
  const t0 = performance.now();
  const pool = createPool({ workers });
  // Warm-up: every worker compiles the model once (a task per worker).
  await runEnsemble({
    problem: { kind: 'model', text: modelText },
    members: scaled.slice(0, Math.max(1, workers)),
    t1: 1,
    saveAt: [0, 1],
    pool,
    chunkSize: 1,
  });
  startup.set(workers, (performance.now() - t0) / 1000);
  const times: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    const out = await runEnsemble({
      problem: { kind: 'model', text: modelText },
      members: scaled,
      t1: 20,
      saveAt,
      method: 'rodas5p',
      rtol: 1e-6,
      atol: 1e-9,
      pool,
    });
    times.push((performance.now() - t) / 1000);
    failedMembers = out.stats.status.failed;
    if (reference === undefined) reference = out.stats.mean;
    else if (!out.stats.mean.every((v, i) => Object.is(v, (reference as Float64Array)[i])))
      throw new Error(`workers ${workers}: statistics differ`);
  }
  await pool.close();
  ensembleTimes.set(workers, median(times));
}
for (const workers of WORKERS) {
  const t = ensembleTimes.get(workers) as number;
  console.log(
    `| ${workers === 0 ? '0 (this thread)' : workers} | ${t.toFixed(2)} | ${workers === 0 ? '–' : ((ensembleTimes.get(1) as number) / t).toFixed(2)} | ${((ensembleTimes.get(0) as number) / t).toFixed(2)} | ${(startup.get(workers) as number).toFixed(2)} | ${failedMembers} |`,
  );
}
console.log('\n## Fit: 64 L-BFGS starts of kf, kr (A ⇌ B, 8 time points)');
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
console.log('| workers | wall s (median) | speed-up vs 1 worker | vs this thread | evaluations |');
console.log('|---|---|---|---|---|');
const fitTimes = new Map<number, number>();
let fitRef: string | undefined;
let evaluations = 0;
for (const workers of WORKERS) {
  const times: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const io = captureIo(dir);
    const t = performance.now();
    const args = [
      'fit',
      'model.json',
      'data.csv',
      '--params',
      'kf,kr',
      '--bounds',
      'kf=0.01:10,kr=0.01:10',
      '--multi-start',
      '64',
      '--json',
    ];
    const code = await run(workers === 0 ? args : [...args, '--workers', String(workers)], io);
    times.push((performance.now() - t) / 1000);
    if (code !== 0) throw new Error(io.err);
    const out = JSON.parse(io.out);
    delete out.wallSeconds;
    evaluations = out.evaluations;
    const text = JSON.stringify(out);
    if (fitRef === undefined) fitRef = text;
    else if (text !== fitRef) throw new Error(`workers ${workers}: fit result differs`);
  }
  fitTimes.set(workers, median(times));
}
for (const workers of WORKERS) {
  const t = fitTimes.get(workers) as number;
  console.log(
    `| ${workers === 0 ? '0 (this thread)' : workers} | ${t.toFixed(2)} | ${workers === 0 ? '–' : ((fitTimes.get(1) as number) / t).toFixed(2)} | ${((fitTimes.get(0) as number) / t).toFixed(2)} | ${evaluations} |`,
  );
}
console.log('\nAll worker counts gave bit-identical statistics and fit results.');
