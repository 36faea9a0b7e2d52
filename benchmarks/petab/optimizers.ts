/**
 * L-BFGS (logistic box transform) against the trust region with the Gauss–Newton Hessian on
 * examples/petab-egf-akt: the same Latin-hypercube starts for both, forward sensitivities, and per
 * optimiser the best objective, how many starts reach it, and the objective+gradient evaluations and
 * wall time per start (medians). Not a CI gate.
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/petab/optimizers.ts [starts=10] [seed=1]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileProblem, loadProblem, multistart } from '@odeon/petab';

const here = dirname(fileURLToPath(import.meta.url));
const starts = Number(process.argv[2] ?? 10);
const seed = Number(process.argv[3] ?? 1);
const model = compileProblem(await loadProblem(join(here, '../../examples/petab-egf-akt/problem.yaml')));

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)];
};
const runs = (['lbfgs', 'trust-region'] as const).map((optimizer) => {
  const t = performance.now();
  const r = multistart(model, { starts, seed, optimizer, sensitivity: 'forward' });
  return { optimizer, ranked: r.ranked, wallS: (performance.now() - t) / 1000 };
});
const best = Math.min(
  ...runs.flatMap((r) => r.ranked.map((s) => s.result?.objective ?? Number.POSITIVE_INFINITY)),
);
console.log(
  `egf-akt, ${starts} Latin-hypercube starts (seed ${seed}), forward sensitivities; best objective over both: ${best.toFixed(4)}`,
);
console.log(
  '| optimizer | best objective | starts within 0.01 of best | converged | median evaluations | total evaluations | median s/start | total s |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const { optimizer, ranked, wallS } of runs) {
  const ok = ranked.flatMap((s) => (s.result ? [s.result] : []));
  const evals = ok.map((r) => r.evaluations);
  console.log(
    `| ${optimizer} | ${Math.min(...ok.map((r) => r.objective)).toFixed(4)} | ${ok.filter((r) => r.objective <= best + 0.01).length}/${starts} | ${ok.filter((r) => r.converged).length} | ${median(evals)} | ${evals.reduce((a, b) => a + b, 0)} | ${median(ok.map((r) => r.wallMs / 1000)).toFixed(2)} | ${wallS.toFixed(1)} |`,
  );
}
