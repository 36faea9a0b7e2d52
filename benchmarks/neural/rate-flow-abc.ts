/**
 * Stoichiometry recovery on A → B → C: trains a RateFlowODE (3 species, 2 reactions, learnable S) with
 * and without the integer + bipolar penalties over several seeds and prints the learned S, its distance
 * from [[-1,0],[1,-1],[0,1]] up to column order and scale, and the fit.
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/neural/rate-flow-abc.ts [seeds=5] [steps=1500]
 */
import { runAbcExperiment } from './abc-experiment.ts';

const seeds = Number(process.argv[2] ?? 5);
const steps = Number(process.argv[3] ?? 1500);
const rows: string[] = [];
rows.push(
  '| seed | penalties | recovery error | recovered (< 0.1) | fit MSE | learned S (rows A, B, C) | seconds |',
);
rows.push('|---:|---|---:|---|---:|---|---:|');
for (let seed = 0; seed < seeds; seed++)
  for (const penalties of [true, false]) {
    const t0 = performance.now();
    const r = runAbcExperiment({ penalties, seed, steps });
    const S = Array.from(
      { length: 3 },
      (_, i) => `${r.S[2 * i].toFixed(2)} ${r.S[2 * i + 1].toFixed(2)}`,
    ).join(' / ');
    rows.push(
      `| ${seed} | ${penalties ? 'integer + bipolar' : 'none'} | ${r.error.toFixed(3)} | ${r.error < 0.1 ? 'yes' : 'no'} | ${r.mse.toExponential(2)} | ${S} | ${((performance.now() - t0) / 1000).toFixed(1)} |`,
    );
    console.log(rows[rows.length - 1]);
  }
console.log(`\n${rows.join('\n')}`);
