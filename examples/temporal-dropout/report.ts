/**
 * Generalisation error of trained temporal-dropout models: each model (a `trained-*.json` written by
 * `odeon train`) is integrated from the four initial states of `make-data.ts` and compared with the
 * noise-free Lotka–Volterra truth at 101 equally spaced times on [0, 10]: the scaled MAE
 * (per-species y_scale = max − min of the truth). The held-out noisy points of the CLI's validation
 * are few and noisy; this is the error against what the data were sampled from.
 *
 * An argument `model.json@checkpoint.json` evaluates the model with the parameters of a training
 * checkpoint (`odeon train --checkpoint ckpt-{step}.json`), to follow the error during training.
 *
 *   node --conditions=@odeon/source --import tsx examples/temporal-dropout/report.ts trained-*.json
 */
import { readFileSync } from 'node:fs';
import { modelFromJson } from '../../packages/neural/src/index.ts';
import { solve } from '../../packages/ode/src/index.ts';
import { LOTKA } from '../../packages/ode/src/problems/index.ts';

const STARTS = [
  [1, 1],
  [2, 1],
  [1, 2],
  [1.5, 0.5],
];
const times = Array.from({ length: 101 }, (_, i) => 0.1 * i);
const truth = STARTS.map((y0) => {
  const sol = solve(
    { ...LOTKA, y0: Float64Array.from(y0), t0: 0, t1: 10 },
    { method: 'rodas5p', rtol: 1e-10, atol: 1e-12, saveAt: times },
  );
  return sol.y;
});
const scale = [0, 1].map((j) => {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const y of truth)
    for (let i = 0; i < times.length; i++) {
      lo = Math.min(lo, y[2 * i + j]);
      hi = Math.max(hi, y[2 * i + j]);
    }
  return hi - lo;
});

const out: Record<string, number> = {};
for (const path of process.argv.slice(2)) {
  const [modelPath, checkpointPath] = path.split('@');
  const model = modelFromJson(readFileSync(modelPath, 'utf8'));
  if (checkpointPath !== undefined) {
    const c = JSON.parse(readFileSync(checkpointPath, 'utf8')) as { params: (number | string)[] };
    model.setParams(c.params.map(Number));
  }
  let sum = 0;
  let count = 0;
  STARTS.forEach((y0, k) => {
    const problem = model.problem({ y0, t0: 0, t1: 10 });
    try {
      const sol = solve(problem, { method: 'dopri5', rtol: 1e-6, atol: 1e-8, saveAt: times });
      for (let i = 0; i < times.length; i++)
        for (let j = 0; j < 2; j++) sum += Math.abs(sol.y[2 * i + j] - truth[k][2 * i + j]) / scale[j];
    } catch {
      sum += Number.POSITIVE_INFINITY;
    }
    count += 2 * times.length;
  });
  out[path] = sum / count;
}
console.log(JSON.stringify({ truthScaledMae: out }, null, 2));
