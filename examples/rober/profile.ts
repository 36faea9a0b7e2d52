/**
 * Checks a trained ROBER model against the data: per-species scaled MAE (|pred − data| / y_scale,
 * y_scale = max − min of the species over the data), the y2 peak (value and time) of the model vs
 * the data, and where an epoch's time goes (forward solve vs gradient = forward + adjoint, NFE).
 *
 *   node --conditions=@odeon/source --import tsx examples/rober/profile.ts [examples/rober/trained-model.json]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { modelFromJson } from '../../packages/neural/src/index.ts';
import { gradient, solve } from '../../packages/ode/src/index.ts';
import { parseCsv } from '../../packages/train/src/index.ts';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const modelPath = process.argv[2] ?? here('./trained-model.json');
const data = parseCsv(readFileSync(here('./data.csv'), 'utf8'));
const m = data.measurements[0];
const n = data.n;
const model = modelFromJson(readFileSync(modelPath, 'utf8'));
const t0 = m.t[0];
const t1 = m.t[m.t.length - 1];
const problem = model.problem({ y0: m.y0, t0, t1 });
const opts = { method: 'rodas5p', rtol: 1e-6, atol: 1e-8, saveAt: m.t } as const;
const sol = solve(problem, opts);
const yScale = data.yScale();
const perSpecies = data.species.map((name, j) => {
  let s = 0;
  for (let i = 0; i < m.t.length; i++) s += Math.abs(sol.y[i * n + j] - m.y[i * n + j]) / yScale[j];
  return [name, s / m.t.length] as const;
});
const peak = (y: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < m.t.length; i++) if (y[i * n + 1] > y[best * n + 1]) best = i;
  return { value: y[best * n + 1], t: m.t[best] };
};
const repeat = 20;
const start = performance.now();
let fwd = solve(problem, opts);
for (let k = 1; k < repeat; k++) fwd = solve(problem, opts);
const forwardMs = (performance.now() - start) / repeat;
const loss = {
  value: (i: number, _t: number, y: Float64Array) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(y[j] - m.y[i * n + j]) / yScale[j];
    return s;
  },
  grad: (i: number, _t: number, y: Float64Array, out: Float64Array) => {
    for (let j = 0; j < n; j++) out[j] = Math.sign(y[j] - m.y[i * n + j]) / yScale[j];
  },
};
// the config's sensitivity (discrete), and the quadrature adjoint for comparison
const timeGradient = (kind: 'discrete' | 'quadrature') => {
  const t0 = performance.now();
  let r = gradient(problem, { ...opts, loss, sensitivity: { kind } });
  for (let k = 1; k < repeat; k++) r = gradient(problem, { ...opts, loss, sensitivity: { kind } });
  return { r, ms: (performance.now() - t0) / repeat };
};
const quad = timeGradient('quadrature');
const { r: g, ms: gradientMs } = timeGradient('discrete');
console.log(
  JSON.stringify(
    {
      model: modelPath,
      scaledMaePerSpecies: Object.fromEntries(perSpecies),
      scaledMae: perSpecies.reduce((a, [, v]) => a + v, 0) / n,
      y2Peak: { model: peak(sol.y), data: peak(m.y) },
      forward: { ms: forwardMs, stats: fwd.stats },
      gradient: { sensitivity: 'discrete', ms: gradientMs, stats: g.stats },
      quadratureGradient: {
        ms: quad.ms,
        forwardSteps: quad.r.stats.forwardSteps,
        backwardSteps: quad.r.stats.backward.acceptedSteps,
      },
    },
    null,
    2,
  ),
);
