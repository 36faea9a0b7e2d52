/**
 * Time per objective (full simulation of every condition) and per gradient (forward sensitivities and
 * adjoint) of PEtab problems: the suite's v1 cases with preequilibration and the most data, the
 * examples/petab-egf-akt problem (6 states, 180 points, preequilibration), and a MAPK problem built
 * on BIOMD0000000009 (22 states, 3 conditions, 120 points; initial concentrations estimated through
 * the condition table). AMICI's figures from its CI (issue 15) are printed beside them.
 *
 *   pnpm tsx --conditions=@odeon/source benchmarks/petab/run.ts
 */
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  COMPILE_PROBLEM_DEFAULTS,
  compileProblem,
  evaluate,
  loadProblem,
  objectiveGradient,
  type PetabModel,
} from '@odeon/petab';
import { sharedDir } from '@odeon/testkit';
import { mapkProblem } from './mapk-problem.ts';

const here = dirname(fileURLToPath(import.meta.url));

function median(f: () => void, runs: number): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

const cases: [string, () => Promise<PetabModel>][] = [
  [
    'suite v1 0009 (preeq)',
    async () => compileProblem(await loadProblem(join(sharedDir(), 'petab-suite/v1.0.0/0009/_0009.yaml'))),
  ],
  [
    'suite v1 0018 (preeq, rate rules)',
    async () => compileProblem(await loadProblem(join(sharedDir(), 'petab-suite/v1.0.0/0018/_0018.yaml'))),
  ],
  [
    'egf-akt (6 states, 180 pts)',
    async () => compileProblem(await loadProblem(join(here, '../../examples/petab-egf-akt/problem.yaml'))),
  ],
  ['MAPK BIOMD9 (22 states, 120 pts)', async () => compileProblem(mapkProblem())],
];

console.log(
  `Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} (${cpus().length} cores); median of 5 runs, rtol ${COMPILE_PROBLEM_DEFAULTS.rtol}, atol ${COMPILE_PROBLEM_DEFAULTS.atol}`,
);
console.log(
  '| problem | states | points | estimated | llh | objective ms | forward gradient ms | adjoint gradient ms |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [name, make] of cases) {
  const model = await make();
  const theta = model.nominal();
  const ev = evaluate(model, theta);
  const tObj = median(() => evaluate(model, theta), 5);
  const tFwd = median(() => objectiveGradient(model, theta, 'forward'), 5);
  const tAdj = median(() => objectiveGradient(model, theta, 'adjoint'), 5);
  console.log(
    `| ${name} | ${model.sim.n} | ${model.rows.length} | ${model.size} | ${ev.llh.toPrecision(8)} | ${tObj.toFixed(2)} | ${tFwd.toFixed(2)} | ${tAdj.toFixed(2)} |`,
  );
}
console.log(
  '| AMICI (CVODES), published problems of 10–30 states (issue 15) | 10–30 | | | | 5–50 | 50–3500 (forward) | |',
);
