/**
 * Large stiff systems: @odeon/ode's BDF with sparse linear algebra on the `bruss2d` and `chain`
 * families of shared/peers/scale, beside SUNDIALS CVODE + KLU run by the C driver `scale_bench` in the
 * same run (so that every ratio comes from one run on one machine).
 *
 *   npx tsx --conditions=@odeon/source benchmarks/ode-scale/run.ts [--peer path/to/scale_bench]
 *       [--sizes chain-500,chain-2000,bruss2d-32,bruss2d-64] [--rtols 1e-4,1e-6,1e-8] [--repeats 3]
 *       [--method bdf] [--linear-solver auto] [--json out.json]
 *
 * Build the peer first (needs libsundials-dev, libsuitesparse-dev):
 *   make -C ../shared/peers/driver OUT=/tmp/peer /tmp/peer/scale_bench
 *
 * Each problem size runs in its own Node process (`--child`), so that its peak RSS (reported) is its
 * own and the JIT feedback of one right-hand side does not slow another. Times: median wall and median
 * process CPU time of `repeats` solves after one warm-up solve; ratios use CPU time (the machine is
 * shared: wall/CPU > 1 means other load). Error: the metric of problems-scale.json against the
 * reference (bruss2d N ≥ 64: 64-index subsample at all times + full state at tf). bruss2d is integrated
 * in the two segments [0, 1.1] (source off) and [1.1, 11.5] (source on), as the peer and the references.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MethodName, type SolveOptions, type SolveStats, solve } from '@odeon/ode';
import { bruss2d, chain, type ScaleProblem } from '@odeon/ode/problems';
import { sharedDir } from '@odeon/testkit';

const arg = (name: string, dflt: string): string =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt;

const SIZES = arg('--sizes', 'chain-500,chain-2000,bruss2d-32,bruss2d-64').split(',');
const RTOLS = arg('--rtols', '1e-4,1e-6,1e-8').split(',').map(Number);
const REPEATS = Number(arg('--repeats', '3'));
const METHOD = arg('--method', 'bdf') as MethodName;
const LINEAR = arg('--linear-solver', 'auto') as NonNullable<SolveOptions['linearSolver']>;
const PEER = arg('--peer', '/tmp/peer/scale_bench');
const PEER_METHODS = arg('--peer-methods', 'klu').split(',');
const scaleDir = join(sharedDir(), 'peers', 'scale');

interface Reference {
  times: number[];
  stored_indices: 'all' | number[];
  values: number[][];
  final: number[];
  atol_factor: number;
}

function makeProblem(key: string, source?: 'off' | 'on'): ScaleProblem {
  const [name, size] = key.split('-');
  if (name === 'chain') return chain({ n: Number(size) });
  return bruss2d({ N: Number(size), ...(source === undefined ? {} : { source }) });
}

interface OurResult {
  wall: number[];
  cpu: number[];
  error: number;
  stats: SolveStats;
}

/** One full solve at the reference times; returns the states (times × n) and summed stats. */
function solveAtTimes(key: string, ref: Reference, rtol: number): { y: Float64Array; stats: SolveStats } {
  const base = makeProblem(key);
  const n = base.y0.length;
  const options = {
    method: METHOD,
    rtol,
    atol: rtol * base.atolFactor,
    linearSolver: LINEAR,
    maxSteps: 10_000_000,
  };
  if (base.discontinuities.length === 0) {
    const sol = solve(base, { ...options, saveAt: ref.times });
    return { y: sol.y, stats: sol.stats };
  }
  const tSwitch = base.discontinuities[0];
  const first = ref.times.filter((t) => t < tSwitch);
  const second = ref.times.filter((t) => t >= tSwitch);
  const off = makeProblem(key, 'off');
  const a = solve({ ...off, t1: tSwitch }, { ...options, saveAt: [...first, tSwitch] });
  const yMid = a.y.subarray(first.length * n, (first.length + 1) * n);
  const on = makeProblem(key, 'on');
  const b = solve({ ...on, t0: tSwitch, y0: Float64Array.from(yMid) }, { ...options, saveAt: second });
  const y = new Float64Array(ref.times.length * n);
  y.set(a.y.subarray(0, first.length * n));
  y.set(b.y, first.length * n);
  const stats = { ...a.stats };
  for (const k of Object.keys(stats) as (keyof SolveStats)[]) stats[k] += b.stats[k];
  return { y, stats };
}

function errorOf(y: Float64Array, ref: Reference, n: number): number {
  const idx = ref.stored_indices === 'all' ? Array.from({ length: n }, (_, i) => i) : ref.stored_indices;
  let err = 0;
  for (let k = 0; k < ref.times.length; k++)
    for (let s = 0; s < idx.length; s++) {
      const r = ref.values[k][s];
      err = Math.max(err, Math.abs(y[k * n + idx[s]] - r) / Math.max(Math.abs(r), ref.atol_factor));
    }
  const last = ref.times.length - 1;
  for (let i = 0; i < n; i++) {
    const r = ref.final[i];
    err = Math.max(err, Math.abs(y[last * n + i] - r) / Math.max(Math.abs(r), ref.atol_factor));
  }
  return err;
}

function child(key: string, rtol: number): void {
  const ref = JSON.parse(readFileSync(join(scaleDir, `reference-${key}.json`), 'utf8')) as Reference;
  const n = makeProblem(key).y0.length;
  solveAtTimes(key, ref, rtol); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  let last: { y: Float64Array; stats: SolveStats } | undefined;
  for (let r = 0; r < REPEATS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = solveAtTimes(key, ref, rtol);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  if (last === undefined) throw new Error('no repeats');
  const out: OurResult & { maxRssMb: number } = {
    wall,
    cpu,
    error: errorOf(last.y, ref, n),
    stats: last.stats,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(out));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

const fmt = (x: number, d = 3) => (x >= 100 ? x.toFixed(0) : x.toPrecision(d));

function main(): void {
  const here = fileURLToPath(import.meta.url);
  const lines: string[] = [];
  const json: unknown[] = [];
  lines.push(
    `Node ${process.version}, ${cpus()[0]?.model ?? '?'} (${cpus().length} cores), load average ${loadavg()[0].toFixed(1)} at the start, ${new Date().toISOString()}; ${REPEATS} timed solves after a warm-up (median); method ${METHOD}, linearSolver ${LINEAR}; peer ${PEER_METHODS.join(', ')} from scale_bench (same run). Ratio = our CPU / peer CPU (< 1: we are faster).`,
    '',
  );
  for (const key of SIZES) {
    const ref = JSON.parse(readFileSync(join(scaleDir, `reference-${key}.json`), 'utf8')) as Reference;
    const [name, size] = key.split('-');
    const peerSize = name === 'chain' ? String((Number(size) - 2) / 3) : size;
    lines.push(`## ${key}`, '');
    lines.push(
      '| solver | rtol | wall ms | CPU ms | error | steps | nfe | nje | nlu | peak RSS MB | CPU ratio ours/peer |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const rtol of RTOLS) {
      const raw = execFileSync(
        process.execPath,
        [...process.execArgv, here, '--child', key, String(rtol), ...process.argv.slice(2)],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      );
      const ours = JSON.parse(raw) as OurResult & { maxRssMb: number };
      const ourCpu = median(ours.cpu);
      const row = [
        `odeon ${METHOD}`,
        rtol,
        fmt(median(ours.wall)),
        fmt(ourCpu),
        ours.error.toExponential(2),
        ours.stats.acceptedSteps,
        ours.stats.rhsEvals,
        ours.stats.jacobianEvals,
        ours.stats.luFactorizations,
        fmt(ours.maxRssMb),
      ];
      const peerRows: string[] = [];
      const ratios: string[] = [];
      for (const pm of PEER_METHODS) {
        try {
          const out = execFileSync(
            PEER,
            [
              'bench',
              name,
              peerSize,
              pm,
              String(rtol),
              String(rtol * ref.atol_factor),
              String(REPEATS),
              '-',
              ...ref.times.map(String),
            ],
            { encoding: 'utf8', maxBuffer: 1 << 26 },
          );
          const p = JSON.parse(out) as {
            median_s: number;
            median_cpu_s: number;
            steps: number;
            nfe: number;
            nje: number;
            nsetups: number;
          };
          const pc = p.median_cpu_s * 1000;
          ratios.push(`${(ourCpu / pc).toFixed(2)} (${pm})`);
          peerRows.push(
            `| cvode ${pm} | ${rtol} | ${fmt(p.median_s * 1000)} | ${fmt(pc)} | (see RESULTS.md) | ${p.steps} | ${p.nfe} | ${p.nje} | ${p.nsetups} | – | |`,
          );
          json.push({ key, rtol, peer: pm, peerResult: p });
        } catch (e) {
          peerRows.push(
            `| cvode ${pm} | ${rtol} | failed: ${(e as Error).message.slice(0, 60)} | | | | | | | | |`,
          );
        }
      }
      lines.push(`| ${row.join(' | ')} | ${ratios.join(', ')} |`, ...peerRows);
      json.push({ key, rtol, ours });
      console.error(
        `${key} rtol ${rtol}: ours CPU ${fmt(ourCpu)} ms, error ${ours.error.toExponential(2)}, ratios ${ratios.join(', ')}`,
      );
    }
    lines.push('');
  }
  lines.push(`Load average at the end: ${loadavg()[0].toFixed(1)}.`);
  console.log(lines.join('\n'));
  const jsonOut = arg('--json', '');
  if (jsonOut !== '') writeFileSync(jsonOut, JSON.stringify(json, null, 1));
}

if (process.argv.includes('--child')) {
  const i = process.argv.indexOf('--child');
  child(process.argv[i + 1], Number(process.argv[i + 2]));
} else main();
