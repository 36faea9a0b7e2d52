/**
 * Reads a trained universal ODE (`trained-model.json`, written by `odeon train config.json`) and
 * compares it with the truth that generated data.csv (make-data.ts): the fitted mechanistic
 * parameters θ = (Vmax, Km) against (1, 0.5), and over a grid of states (S, P) covering the data
 * the learned missing term — the residual r = dy/dt − f_mech(y; θ̂) — against the true one,
 * f_true(y) − f_mech(y; θ̂), where f_true has the product inhibition (Ki = 0.2).
 *
 * `trained-model.json@checkpoint.json` uses the parameters of a training checkpoint instead
 * (`odeon train --checkpoint ck-{step}.json`), to follow θ through the stages.
 *
 *   node --conditions=@odeon/source --import tsx examples/universal-ode/report.ts [trained-model.json]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { modelFromJson, type UniversalODE } from '../../packages/neural/src/index.ts';

const TRUTH = { Vmax: 1, Km: 0.5, Ki: 0.2 };
const [path, checkpoint] = (
  process.argv[2] ?? fileURLToPath(new URL('./trained-model.json', import.meta.url))
).split('@');
const model = modelFromJson(readFileSync(path, 'utf8')) as UniversalODE;
if (checkpoint !== undefined) {
  model.setParams(
    (JSON.parse(readFileSync(checkpoint, 'utf8')) as { params: (number | string)[] }).params.map(Number),
  );
}
if (model.kind !== 'universal-ode') throw new Error(`${path} holds a ${model.kind}, not a universal-ode`);
const theta = model.theta();
const fitted = Object.fromEntries(model.trainable.map((id, k) => [id, theta[k]]));
const problem = model.problem({ y0: [1, 0], t0: 0, t1: 10 });
const dy = new Float64Array(2);
const vTrue = (s: number, p: number) => (TRUTH.Vmax * s) / (TRUTH.Km * (1 + p / TRUTH.Ki) + s);
const vMech = (s: number) => (fitted.Vmax * s) / (fitted.Km + s);
let maxRate = 0;
let maxResidual = 0;
let maxMissing = 0;
let atP0 = 0;
for (let i = 0; i <= 20; i++) {
  for (let j = 0; j <= 20; j++) {
    const s = (4 * i) / 20;
    const p = (4 * j) / 20;
    if (s + p > 4) continue; // the data have S + P = S0 ≤ 4
    problem.rhs(0, Float64Array.of(s, p), problem.p as Float64Array, dy);
    const learned = -dy[0] - vMech(s); // the residual's contribution to the rate of S → P
    const missing = vTrue(s, p) - vMech(s);
    maxRate = Math.max(maxRate, Math.abs(-dy[0] - vTrue(s, p)));
    maxResidual = Math.max(maxResidual, Math.abs(learned - missing));
    maxMissing = Math.max(maxMissing, Math.abs(missing));
    if (p === 0) atP0 = Math.max(atP0, Math.abs(learned));
  }
}
// The same comparison at the states the data visit (every row of data.csv).
const rows = readFileSync(fileURLToPath(new URL('./data.csv', import.meta.url)), 'utf8')
  .trim()
  .split('\n')
  .slice(1);
let onDataMax = 0;
let onDataSum = 0;
let missingSum = 0;
for (const row of rows) {
  const [, , sText, pText] = row.split(',');
  const s = Number(sText);
  const p = Number(pText);
  problem.rhs(0, Float64Array.of(s, p), problem.p as Float64Array, dy);
  const err = Math.abs(-dy[0] - vTrue(s, p));
  onDataMax = Math.max(onDataMax, err);
  onDataSum += err;
  missingSum += Math.abs(vTrue(s, p) - vMech(s));
}
console.log(
  JSON.stringify(
    {
      fitted,
      truth: { Vmax: TRUTH.Vmax, Km: TRUTH.Km },
      relativeError: Object.fromEntries(
        Object.entries(fitted).map(([k, v]) => [k, Math.abs(v / TRUTH[k as 'Vmax' | 'Km'] - 1)]),
      ),
      maxRateError: maxRate,
      maxMissingTermError: maxResidual,
      maxMissingTerm: maxMissing,
      maxResidualAtP0: atP0,
      onData: {
        meanRateError: onDataSum / rows.length,
        maxRateError: onDataMax,
        meanMissingTerm: missingSum / rows.length,
      },
    },
    null,
    2,
  ),
);
