// Regenerates measurements.tsv: the problem simulated at its nominal (true) parameters, with seeded
// noise from each observable's noise model (normal on the linear or log10 scale).
// Run: npx tsx --conditions @odeon/source examples/petab-egf-akt/generate-data.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileProblem, evaluate, loadProblem } from '../../packages/petab/src/index.ts';
import { Rng } from '../../packages/train/src/index.ts';

const dir = dirname(fileURLToPath(import.meta.url));
const problem = await loadProblem(join(dir, 'problem.yaml'));
const model = compileProblem(problem);
const ev = evaluate(model, model.nominal());
const rng = Rng.fromSeed(2026);
const lines = readFileSync(join(dir, 'measurements.tsv'), 'utf8').trim().split('\n');
const header = lines[0].split('\t');
const col = header.indexOf('measurement');
const out = [lines[0]];
problem.measurements.forEach((m, i) => {
  const ob = problem.observables.find((o) => o.id === m.observableId);
  const y = ev.simulations[i];
  const s = ev.sigmas[i];
  const v = ob?.transformation === 'log10' ? y * 10 ** (s * rng.normal()) : y + s * rng.normal();
  const cells = lines[i + 1].split('\t');
  cells[col] = v.toPrecision(6);
  out.push(cells.join('\t'));
});
writeFileSync(join(dir, 'measurements.tsv'), `${out.join('\n')}\n`);
console.log(`wrote ${problem.measurements.length} measurements; llh at the true parameters ${ev.llh}`);
