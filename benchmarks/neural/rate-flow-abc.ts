/**
 * Stoichiometry recovery on A → B → C: runs the recipe of `abc-experiment.ts` (fit with flux
 * parsimony, normalise the columns of S, ramp in integer + bipolar, best of several starts by the
 * training objective) over several seeds, and three ablations: without the flux penalty, without the
 * structure penalties (flux only), and without any penalty. Prints, per seed and setting, how many starts recovered S, the
 * selected start's distance from [[-1,0],[1,-1],[0,1]] up to column order and scale, its fit and S.
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/neural/rate-flow-abc.ts [seeds=5] [starts=4] [steps=1500]
 */
import { type AbcOptions, runAbcExperiment } from './abc-experiment.ts';

const seeds = Number(process.argv[2] ?? 5);
const starts = Number(process.argv[3] ?? 4);
const steps = Number(process.argv[4] ?? 1500);
const SETTINGS: readonly (readonly [string, AbcOptions])[] = [
  ['integer + bipolar + flux', { structure: true, flux: true }],
  ['integer + bipolar, no flux', { structure: true, flux: false }],
  ['flux only', { structure: false, flux: true }],
  ['none', { structure: false, flux: false }],
];
const rows: string[] = [
  `RateFlowODE 3→[16]→2 tanh/softplus, ${steps} Adam steps per start, best of ${starts} starts by training objective (data MSE + penalties)`,
  '',
  '| seed | penalties | starts recovering S | selected start | recovery error | recovered (< 0.1) | fit MSE | objective | learned S (rows A, B, C) | seconds |',
  '|---:|---|---:|---:|---:|---|---:|---:|---|---:|',
];
const summary: string[] = [];
for (const [name, opts] of SETTINGS) {
  let recovered = 0;
  let startsRecovered = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const t0 = performance.now();
    const r = runAbcExperiment({ ...opts, seed, starts, steps });
    const ok = r.starts.filter((s) => s.error < 0.1).length;
    startsRecovered += ok;
    if (r.error < 0.1) recovered++;
    const S = Array.from(
      { length: 3 },
      (_, i) => `${r.S[2 * i].toFixed(2)} ${r.S[2 * i + 1].toFixed(2)}`,
    ).join(' / ');
    rows.push(
      `| ${seed} | ${name} | ${ok}/${starts} | ${r.seed} | ${r.error.toFixed(3)} | ${r.error < 0.1 ? 'yes' : 'no'} | ${r.mse.toExponential(2)} | ${r.objective.toExponential(2)} | ${S} | ${((performance.now() - t0) / 1000).toFixed(1)} |`,
    );
    console.log(rows[rows.length - 1]);
  }
  summary.push(
    `${name}: S recovered on ${recovered}/${seeds} seeds (selected start), by ${startsRecovered}/${seeds * starts} single starts`,
  );
}
console.log(`\n${rows.join('\n')}\n\n${summary.join('\n')}`);
