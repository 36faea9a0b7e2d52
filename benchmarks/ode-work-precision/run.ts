/**
 * Work-precision of @odeon/ode on the eight reference problems, next to the peers (SUNDIALS, SciPy)
 * measured on this machine type (shared/peers/results.json).
 *
 *   pnpm tsx --conditions=@odeon/source benchmarks/ode-work-precision/run.ts [--quick] [--stat median|min] [--json out.json]
 *
 * Per problem, method and rtol ∈ {1e-4, 1e-6, 1e-8} (atol = rtol · atol_factor, as the peers): median
 * wall time of interleaved runs after ≥ 0.1 s warm-up, RHS evaluations, Jacobians, LU factorisations,
 * steps, and the peers' final-time error max_i |y_i(tf) − ref_i| / max(|ref_i|, atol_factor). Then the
 * ratio of the peers' time to ours (> 1: we are faster) for CVODE and the SciPy methods of the same
 * class. Compare ratios measured in one run, not absolute times (the VM changes speed in phases).
 * Each problem runs in its own Node process (as each peer problem ran in its own), so that the JIT's
 * call-site feedback of one right-hand side does not slow down the next problem.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MethodName, solve } from '@odeon/ode';
import { STANDARD_PROBLEMS, type StandardProblemName } from '@odeon/ode/problems';
import { finalErrorVsReference, loadReference, sharedDir } from '@odeon/testkit';

const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 3 : 9;
const RTOLS = [1e-4, 1e-6, 1e-8];
/** Statistic of our timings used in the ratios: `median` (default, as the peers) or `min` (robust when the machine is shared). */
const STAT = process.argv.includes('--stat') ? process.argv[process.argv.indexOf('--stat') + 1] : 'median';
const jsonOut = process.argv.includes('--json')
  ? process.argv[process.argv.indexOf('--json') + 1]
  : undefined;

const STIFF: MethodName[] = ['rodas5p', 'rodas4', 'rosenbrock23', 'auto'];
const NONSTIFF: MethodName[] = ['tsit5', 'dopri5', 'dop853', 'bs3', 'auto'];

interface PeerRun {
  problem: string;
  peer: string;
  method: string;
  rtol: number;
  median_s: number;
  error: number;
  success: boolean;
}
const peerRuns: PeerRun[] = JSON.parse(readFileSync(join(sharedDir(), 'peers', 'results.json'), 'utf8'))
  .work_precision.runs;
function peer(problem: string, method: string, rtol: number): PeerRun | undefined {
  return peerRuns.find((r) => r.problem === problem && r.method === method && r.rtol === rtol && r.success);
}

interface Row {
  problem: StandardProblemName;
  method: MethodName;
  rtol: number;
  samples: number[];
  stats: Record<string, number>;
  error: number;
}

function stat(xs: number[]): number {
  return STAT === 'min' ? Math.min(...xs) : median(xs);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

function runOnce(row: Row): number {
  const prob = STANDARD_PROBLEMS[row.problem];
  const ref = loadReference(row.problem);
  const start = performance.now();
  const sol = solve(prob, {
    method: row.method,
    rtol: row.rtol,
    atol: row.rtol * ref.atol_factor,
    saveAt: [prob.t1],
    maxSteps: 5_000_000,
  });
  const ms = performance.now() - start;
  row.stats = { ...sol.stats };
  row.error = finalErrorVsReference(ref, sol.y);
  return ms;
}

const onlyProblem = process.argv.includes('--problem')
  ? process.argv[process.argv.indexOf('--problem') + 1]
  : undefined;
let rows: Row[] = [];
for (const name of Object.keys(STANDARD_PROBLEMS) as StandardProblemName[]) {
  if (onlyProblem !== undefined && name !== onlyProblem) continue;
  const methods = STANDARD_PROBLEMS[name].stiff ? STIFF : NONSTIFF;
  for (const method of methods) {
    for (const rtol of RTOLS) {
      // rosenbrock23 (order 2) at 1e-8 takes 10⁵–10⁶ steps on the oscillators: skip it
      if (method === 'rosenbrock23' && rtol === 1e-8 && name !== 'rober' && name !== 'pollu') continue;
      rows.push({ problem: name, method, rtol, samples: [], stats: {}, error: Number.NaN });
    }
  }
}

if (onlyProblem !== undefined) {
  // worker: warm-up ≥ 0.1 s of solves per row (JIT), then interleaved timed rounds over this problem
  for (const row of rows) {
    const until = performance.now() + (QUICK ? 30 : 100);
    do runOnce(row);
    while (performance.now() < until);
  }
  for (let round = 0; round < ROUNDS; round++) for (const row of rows) row.samples.push(runOnce(row));
  process.stdout.write(JSON.stringify(rows));
  process.exit(0);
}
rows = [];
for (const name of Object.keys(STANDARD_PROBLEMS)) {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    '--problem',
    name,
    ...(QUICK ? ['--quick'] : []),
  ];
  rows.push(
    ...(JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 })) as Row[]),
  );
}

const fmt = (x: number | undefined, d = 3) => (x === undefined || Number.isNaN(x) ? '-' : x.toPrecision(d));
const fmtE = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x.toExponential(1));
const ratio = (peerS: number | undefined, ours: number) =>
  peerS === undefined ? '-' : ((peerS * 1e3) / ours).toFixed(1);

const out: string[] = [];
out.push(
  `# @odeon/ode work-precision\n\nNode ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), load average ${loadavg()[0].toFixed(1)} at the end, ${new Date().toISOString()}; ${STAT} of ${ROUNDS} interleaved runs after warm-up (the "time" column and all ratios; "min" is the fastest run). Error: final-time metric of the peers; atol = rtol · atol_factor. Ratios: peer time / our time (> 1: ours is faster).\n`,
);
for (const name of Object.keys(STANDARD_PROBLEMS) as StandardProblemName[]) {
  const stiff = STANDARD_PROBLEMS[name].stiff;
  out.push(`\n## ${name} (${stiff ? 'stiff' : 'non-stiff'}, n = ${STANDARD_PROBLEMS[name].y0.length})\n`);
  if (stiff) {
    out.push(
      '| method | rtol | time (ms) | min (ms) | error | RHS | Jac | LU | steps | CVODE ms (error) | ×CVODE | Radau ms (error) | ×Radau | BDF ms | ×BDF | LSODA ms | ×LSODA |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  } else {
    out.push(
      '| method | rtol | time (ms) | min (ms) | error | RHS | steps | ARKODE dp5 ms (error) | ×ARKODE | CVODE Adams ms | ×Adams | RK45 ms (error) | ×RK45 | DOP853 ms (error) | ×DOP853 |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  }
  for (const row of rows.filter((r) => r.problem === name)) {
    const ms = stat(row.samples);
    const s = row.stats;
    if (stiff) {
      const cv = peer(name, 'cvode_bdf', row.rtol);
      const ra = peer(name, 'Radau', row.rtol);
      const bd = peer(name, 'BDF', row.rtol);
      const ls = peer(name, 'LSODA', row.rtol);
      out.push(
        `| ${row.method} | ${row.rtol} | ${fmt(ms)} | ${fmt(Math.min(...row.samples))} | ${fmtE(row.error)} | ${s.rhsEvals} | ${s.jacobianEvals} | ${s.luFactorizations} | ${s.steps} | ${fmt(cv && cv.median_s * 1e3)} (${fmtE(cv?.error)}) | ${ratio(cv?.median_s, ms)} | ${fmt(ra && ra.median_s * 1e3)} (${fmtE(ra?.error)}) | ${ratio(ra?.median_s, ms)} | ${fmt(bd && bd.median_s * 1e3)} | ${ratio(bd?.median_s, ms)} | ${fmt(ls && ls.median_s * 1e3)} | ${ratio(ls?.median_s, ms)} |`,
      );
    } else {
      const dp = peer(name, 'arkode_dp5', row.rtol);
      const ad = peer(name, 'cvode_adams', row.rtol);
      const rk = peer(name, 'RK45', row.rtol);
      const d8 = peer(name, 'DOP853', row.rtol);
      out.push(
        `| ${row.method} | ${row.rtol} | ${fmt(ms)} | ${fmt(Math.min(...row.samples))} | ${fmtE(row.error)} | ${s.rhsEvals} | ${s.steps} | ${fmt(dp && dp.median_s * 1e3)} (${fmtE(dp?.error)}) | ${ratio(dp?.median_s, ms)} | ${fmt(ad && ad.median_s * 1e3)} | ${ratio(ad?.median_s, ms)} | ${fmt(rk && rk.median_s * 1e3)} (${fmtE(rk?.error)}) | ${ratio(rk?.median_s, ms)} | ${fmt(d8 && d8.median_s * 1e3)} (${fmtE(d8?.error)}) | ${ratio(d8?.median_s, ms)} |`,
      );
    }
  }
}
// matched accuracy: for each peer run, our fastest run (any rtol) of the method whose error is at most the peer's
function matched(problem: string, method: MethodName, peerRun: PeerRun | undefined): string {
  if (peerRun === undefined) return '-';
  const ours = rows
    .filter((r) => r.problem === problem && r.method === method && r.error <= peerRun.error)
    .map((r) => ({ ms: stat(r.samples), rtol: r.rtol, error: r.error }))
    .sort((a, b) => a.ms - b.ms)[0];
  if (ours === undefined) return `no run of ours reaches ${fmtE(peerRun.error)}`;
  return `${((peerRun.median_s * 1e3) / ours.ms).toFixed(1)}× (ours ${fmt(ours.ms)} ms at rtol ${ours.rtol}, ${fmtE(ours.error)})`;
}
out.push('\n## Summary at matched accuracy\n');
out.push(
  "Peer time / our time, where ours is the fastest of our runs (rtol 1e-4…1e-8) whose final-time error is at most the peer's (> 1: ours is faster).\n",
);
out.push(
  '| problem | peer rtol | CVODE ms (error) | rodas5p vs CVODE | Radau ms (error) | rodas5p vs Radau | BDF ms (error) | rodas5p vs BDF |',
);
out.push('|---|---|---|---|---|---|---|---|');
for (const name of Object.keys(STANDARD_PROBLEMS) as StandardProblemName[]) {
  if (!STANDARD_PROBLEMS[name].stiff) continue;
  for (const rtol of RTOLS) {
    const cv = peer(name, 'cvode_bdf', rtol);
    const ra = peer(name, 'Radau', rtol);
    const bd = peer(name, 'BDF', rtol);
    out.push(
      `| ${name} | ${rtol} | ${fmt(cv && cv.median_s * 1e3)} (${fmtE(cv?.error)}) | ${matched(name, 'rodas5p', cv)} | ${fmt(ra && ra.median_s * 1e3)} (${fmtE(ra?.error)}) | ${matched(name, 'rodas5p', ra)} | ${fmt(bd && bd.median_s * 1e3)} (${fmtE(bd?.error)}) | ${matched(name, 'rodas5p', bd)} |`,
    );
  }
}
out.push(
  '\n| problem | peer rtol | ARKODE dp5 ms (error) | tsit5 vs ARKODE | RK45 ms (error) | tsit5 vs RK45 | DOP853 ms (error) | dop853 vs SciPy DOP853 |',
);
out.push('|---|---|---|---|---|---|---|---|');
for (const name of Object.keys(STANDARD_PROBLEMS) as StandardProblemName[]) {
  if (STANDARD_PROBLEMS[name].stiff) continue;
  for (const rtol of RTOLS) {
    const dp = peer(name, 'arkode_dp5', rtol);
    const rk = peer(name, 'RK45', rtol);
    const d8 = peer(name, 'DOP853', rtol);
    out.push(
      `| ${name} | ${rtol} | ${fmt(dp && dp.median_s * 1e3)} (${fmtE(dp?.error)}) | ${matched(name, 'tsit5', dp)} | ${fmt(rk && rk.median_s * 1e3)} (${fmtE(rk?.error)}) | ${matched(name, 'tsit5', rk)} | ${fmt(d8 && d8.median_s * 1e3)} (${fmtE(d8?.error)}) | ${matched(name, 'dop853', d8)} |`,
    );
  }
}
process.stdout.write(`${out.join('\n')}\n`);
if (jsonOut !== undefined) {
  writeFileSync(
    jsonOut,
    JSON.stringify(
      rows.map((r) => ({
        problem: r.problem,
        method: r.method,
        rtol: r.rtol,
        median_ms: median(r.samples),
        error: r.error,
        ...r.stats,
      })),
      null,
      2,
    ),
  );
}
