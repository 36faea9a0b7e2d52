/**
 * Peak memory and time of a large sparse solve: bruss2d with N = 128 (n = 32 768) by BDF + sparse LU
 * over the whole interval [0, 11.5] in the two segments around the source switch at t = 1.1 (as the
 * peer and the reference), in a fresh process so that the peak RSS is this solve's. The error is the
 * metric of problems-scale.json against reference-bruss2d-<N>.json (its subsample at all output times,
 * the full state at tf). `--t1 1.1` stops after the first segment.
 *
 *   npx tsx --conditions=@odeon/source benchmarks/ode-scale/memory.ts [--N 128] [--rtol 1e-4] [--t1 11.5]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SolveStats, solve } from '@odeon/ode';
import { bruss2d } from '@odeon/ode/problems';
import { sharedDir } from '@odeon/testkit';

const arg = (name: string, dflt: string): string =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt;
const N = Number(arg('--N', '128'));
const rtol = Number(arg('--rtol', '1e-4'));
const t1 = Number(arg('--t1', '11.5'));
const ref = JSON.parse(
  readFileSync(join(sharedDir(), 'peers', 'scale', `reference-bruss2d-${N}.json`), 'utf8'),
) as {
  times: number[];
  stored_indices: 'all' | number[];
  values: number[][];
  final: number[];
  atol_factor: number;
};

const off = bruss2d({ N, source: 'off' });
const n = off.y0.length;
const tSwitch = bruss2d({ N }).discontinuities[0];
const options = { method: 'bdf' as const, rtol, atol: rtol * off.atolFactor, maxSteps: 10_000_000 };
const c0 = process.cpuUsage();
const w0 = performance.now();
const first = ref.times.filter((t) => t < tSwitch && t <= t1);
const a = solve(
  { ...off, t1: Math.min(t1, tSwitch) },
  { ...options, saveAt: [...first, Math.min(t1, tSwitch)] },
);
const stats: SolveStats = { ...a.stats };
const rows: Float64Array[] = first.map((_, k) => a.y.subarray(k * n, (k + 1) * n));
if (t1 > tSwitch) {
  const on = bruss2d({ N, source: 'on' });
  const second = ref.times.filter((t) => t >= tSwitch && t <= t1);
  const y0 = Float64Array.from(a.y.subarray(first.length * n, (first.length + 1) * n));
  const b = solve({ ...on, t0: tSwitch, t1, y0 }, { ...options, saveAt: second });
  for (const k of Object.keys(stats) as (keyof SolveStats)[]) stats[k] += b.stats[k];
  for (let k = 0; k < second.length; k++) rows.push(b.y.subarray(k * n, (k + 1) * n));
}
const wall = performance.now() - w0;
const c = process.cpuUsage(c0);
let error = Number.NaN;
if (t1 >= ref.times[ref.times.length - 1]) {
  const idx = ref.stored_indices === 'all' ? Array.from({ length: n }, (_, i) => i) : ref.stored_indices;
  error = 0;
  const rel = (y: number, r: number) => Math.abs(y - r) / Math.max(Math.abs(r), ref.atol_factor);
  for (let k = 0; k < ref.times.length; k++)
    for (let s = 0; s < idx.length; s++) error = Math.max(error, rel(rows[k][idx[s]], ref.values[k][s]));
  const last = rows[rows.length - 1];
  for (let i = 0; i < n; i++) error = Math.max(error, rel(last[i], ref.final[i]));
}
console.log(
  JSON.stringify({
    N,
    n,
    t1,
    rtol,
    wallMs: Math.round(wall),
    cpuMs: Math.round((c.user + c.system) / 1000),
    error,
    stats,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
