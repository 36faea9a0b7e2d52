/**
 * Per-step cost of the stiff solvers on POLLU, ROBER and HIRES (µs per step), for A/B comparisons of
 * kernel changes: interleaved rounds after warm-up, median and min per row.
 *
 *   pnpm tsx --conditions=@odeon/source benchmarks/ode-work-precision/step-timing.ts [--rounds 15] [--method rodas5p]
 */
import { type MethodName, solve } from '../../packages/ode/src/index.ts';
import { STANDARD_PROBLEMS, type StandardProblemName } from '../../packages/ode/src/problems/index.ts';
import { loadReference } from '../../packages/testkit/src/index.ts';

const arg = (name: string, dflt: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt;
const ROUNDS = Number(arg('--rounds', '15'));
const METHOD = arg('--method', 'rodas5p') as MethodName;
const PROBLEMS: StandardProblemName[] = ['pollu', 'rober', 'hires'];
const RTOLS = [1e-6, 1e-8];

interface Row {
  problem: StandardProblemName;
  rtol: number;
  samples: number[];
  steps: number;
}

function runOnce(row: Row): number {
  const prob = STANDARD_PROBLEMS[row.problem];
  const ref = loadReference(row.problem);
  const start = performance.now();
  const sol = solve(prob, {
    method: METHOD,
    rtol: row.rtol,
    atol: row.rtol * ref.atol_factor,
    saveAt: [prob.t1],
    maxSteps: 5_000_000,
  });
  const ms = performance.now() - start;
  row.steps = sol.stats.steps;
  return ms;
}

const rows: Row[] = [];
for (const problem of PROBLEMS) for (const rtol of RTOLS) rows.push({ problem, rtol, samples: [], steps: 0 });
for (const row of rows) {
  const until = performance.now() + 200;
  do runOnce(row);
  while (performance.now() < until);
}
for (let r = 0; r < ROUNDS; r++) for (const row of rows) row.samples.push(runOnce(row));
if (process.argv.includes('--samples'))
  for (const row of rows) console.log(row.problem, row.rtol, row.samples.map((x) => x.toFixed(2)).join(' '));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${METHOD}, ${ROUNDS} interleaved rounds`);
console.log('| problem | rtol | steps | median ms | min ms | median µs/step | min µs/step |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) {
  const md = median(row.samples);
  const mn = Math.min(...row.samples);
  console.log(
    `| ${row.problem} | ${row.rtol} | ${row.steps} | ${md.toFixed(3)} | ${mn.toFixed(3)} | ${((md / row.steps) * 1e3).toFixed(2)} | ${((mn / row.steps) * 1e3).toFixed(2)} |`,
  );
}
