/**
 * Per-step cost of a stiff solver on POLLU, ROBER and HIRES (rtol 1e-6 and 1e-8, atol = rtol ·
 * atol_factor), for A/B comparisons of kernel changes: interleaved rounds after warm-up, CPU time of
 * this process per solve (user + system, so time spent descheduled on a shared machine does not count),
 * min and median per row, and µs per step.
 *
 *   pnpm tsx --conditions=@odeon/source benchmarks/ode-work-precision/step-timing.ts [--method rodas5p] [--rounds 21]
 *       [--base /path/to/other/checkout]
 *
 * With `--base`, the same solves also run on another checkout of the repository (e.g. `git worktree add
 * /tmp/odeon-base <commit>`), interleaved with ours, and the table shows base/new ratios (> 1: the working
 * tree is faster). Caveat, measured with two identical copies: the copy imported second runs 2–15 %
 * slower (JIT and memory layout), so read ratios against an A/A run.
 */
import { join } from 'node:path';
import { type MethodName, solve } from '@odeon/ode';
import { STANDARD_PROBLEMS, type StandardProblemName } from '@odeon/ode/problems';
import { loadReference } from '@odeon/testkit';

const arg = (name: string, dflt: string | undefined) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt;
const ROUNDS = Number(arg('--rounds', '21'));
const METHOD = arg('--method', 'rodas5p') as MethodName;
const BASE = arg('--base', undefined);
const PROBLEMS: StandardProblemName[] = ['pollu', 'rober', 'hires'];
const RTOLS = [1e-6, 1e-8];

type Solve = typeof solve;
type Problems = typeof STANDARD_PROBLEMS;
interface Variant {
  solve: Solve;
  problems: Problems;
}
const variants: Variant[] = [];
if (BASE !== undefined) {
  const src = join(BASE, 'packages', 'ode', 'src');
  const mod = (await import(join(src, 'index.ts'))) as { solve: Solve };
  const probs = (await import(join(src, 'problems', 'index.ts'))) as { STANDARD_PROBLEMS: Problems };
  variants.push({ solve: mod.solve, problems: probs.STANDARD_PROBLEMS });
}
variants.push({ solve, problems: STANDARD_PROBLEMS });

interface Row {
  problem: StandardProblemName;
  rtol: number;
  samples: number[][];
  steps: number;
}

function runOnce(row: Row, v: Variant): number {
  const prob = v.problems[row.problem];
  const ref = loadReference(row.problem);
  const c0 = process.cpuUsage();
  const sol = v.solve(prob, {
    method: METHOD,
    rtol: row.rtol,
    atol: row.rtol * ref.atol_factor,
    saveAt: [prob.t1],
    maxSteps: 5_000_000,
  });
  const c = process.cpuUsage(c0);
  row.steps = sol.stats.steps;
  return (c.user + c.system) / 1e3;
}

const rows: Row[] = [];
for (const problem of PROBLEMS) {
  for (const rtol of RTOLS) rows.push({ problem, rtol, samples: variants.map(() => []), steps: 0 });
}
for (const row of rows) {
  const until = performance.now() + 200 * variants.length;
  do for (const v of variants) runOnce(row, v);
  while (performance.now() < until);
}
for (let r = 0; r < ROUNDS; r++) {
  for (const row of rows) {
    // alternate which variant runs first
    for (let q = 0; q < variants.length; q++) {
      const vi = (q + r) % variants.length;
      row.samples[vi].push(runOnce(row, variants[vi]));
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (x: number) => x.toFixed(3);
console.log(`${METHOD}, CPU ms per solve, ${ROUNDS} interleaved rounds${BASE ? ` (base: ${BASE})` : ''}`);
if (BASE === undefined) {
  console.log('| problem | rtol | steps | min ms | median ms | min µs/step | median µs/step |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const mn = Math.min(...row.samples[0]);
    const md = median(row.samples[0]);
    console.log(
      `| ${row.problem} | ${row.rtol} | ${row.steps} | ${fmt(mn)} | ${fmt(md)} | ${((mn / row.steps) * 1e3).toFixed(2)} | ${((md / row.steps) * 1e3).toFixed(2)} |`,
    );
  }
} else {
  console.log(
    '| problem | rtol | steps | base min / median ms | new min / median ms | base/new (min) | base/new (median) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const [a, b] = row.samples;
    console.log(
      `| ${row.problem} | ${row.rtol} | ${row.steps} | ${fmt(Math.min(...a))} / ${fmt(median(a))} | ${fmt(Math.min(...b))} / ${fmt(median(b))} | ${(Math.min(...a) / Math.min(...b)).toFixed(2)} | ${(median(a) / median(b)).toFixed(2)} |`,
    );
  }
}
