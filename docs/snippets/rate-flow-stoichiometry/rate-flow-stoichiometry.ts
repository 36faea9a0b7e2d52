// #region example
import { RateFlowODE } from '@odeon/neural';
import { gradient } from '@odeon/ode';
import { Penalties } from '@odeon/penalties';
import { createOptimizer } from '@odeon/train';

// Data: A → B → C with mass action, k1 = 1, k2 = 0.5 (the closed-form solution), three experiments.
const k1 = 1;
const k2 = 0.5;
const abc = (a0: number, b0: number, c0: number, t: number) => {
  const a = a0 * Math.exp(-k1 * t);
  const b = b0 * Math.exp(-k2 * t) + ((a0 * k1) / (k2 - k1)) * (Math.exp(-k1 * t) - Math.exp(-k2 * t));
  return [a, b, a0 + b0 + c0 - a - b];
};
const times = Array.from({ length: 16 }, (_, i) => 0.5 * (i + 1));
const starts = [
  [1, 0, 0],
  [0.2, 0.8, 0],
  [0.6, 0.3, 0.1],
];
const data = starts.map(([a0, b0, c0]) => times.flatMap((t) => abc(a0, b0, c0, t)));
// The flux penalty is evaluated at the measured states (and the initial states).
const states = [...starts.flat(), ...data.flat()];

// Flux parsimony during the whole run; integer + bipolar only after the fit (their α ramps from 0).
const penalties = Penalties.forRateFlow({
  alpha: 0,
  fluxAlpha: 1e-2,
  integerAlpha: 3e-3,
  bipolarAlpha: 3e-2,
});
const STEPS = 1500;
const FIT = 600; // steps fitted with the data and the flux penalty only
const RAMP = 450; // steps over which integer and bipolar reach full weight

/** Data MSE (discrete adjoint of dopri5) plus the penalties at their current weights, with its gradient. */
function objective(model: RateFlowODE, p: Float64Array, structure: number) {
  const scale = 1 / (starts.length * times.length * 3);
  let mse = 0;
  const grad = new Float64Array(model.np);
  starts.forEach((y0, k) => {
    const r = gradient(model.problem({ y0, t0: 0, t1: 8, p }), {
      method: 'dopri5',
      rtol: 1e-6,
      atol: 1e-8,
      saveAt: times,
      sensitivity: { kind: 'discrete' },
      loss: {
        value: (i, _t, y) => scale * y.reduce((s, v, j) => s + (v - data[k][3 * i + j]) ** 2, 0),
        grad: (i, _t, y, out) => {
          for (let j = 0; j < 3; j++) out[j] = 2 * scale * (y[j] - data[k][3 * i + j]);
        },
      },
    });
    mse += r.value;
    for (let j = 0; j < model.np; j++) grad[j] += r.dp[j];
  });
  const weighted = penalties.updateAlpha(undefined, { integer: 3e-3 * structure, bipolar: 3e-2 * structure });
  const pen = weighted.valueAndGrad(model, { params: p, states });
  for (let j = 0; j < model.np; j++) grad[j] += pen.grad[j];
  return { mse, penalty: pen.total, loss: mse + pen.total, grad };
}

/** One start: fit (data + flux), normalise the columns of S, ramp in integer + bipolar. */
function trainStart(seed: number) {
  const model = new RateFlowODE({
    species: 3,
    reactions: 2,
    network: { width: 16, depth: 1, activation: 'tanh' },
    seed,
  });
  let adam = createOptimizer({ kind: 'adam' }, model.np);
  const p = Float64Array.from(model.p);
  for (let step = 1; step <= STEPS; step++) {
    if (step === FIT) {
      // S is only defined up to a scale per column: make each column's largest |entry| 1 before
      // rounding to integers matters (the rates are rescaled to compensate), and restart Adam
      p.set(model.columnNormalizedParams(p));
      adam = createOptimizer({ kind: 'adam' }, model.np);
    }
    const structure = Math.min(1, Math.max(0, (step - FIT) / RAMP));
    const { grad } = objective(model, p, structure);
    const lr = 0.03 * (0.1 + 0.45 * (1 + Math.cos((Math.PI * step) / STEPS))); // cosine decay to lr/10
    adam.update(p, grad, lr);
  }
  model.setParams(p);
  const final = objective(model, p, 1);
  return { model, seed, mse: final.mse, loss: final.loss };
}

const showS = (S: Float64Array) =>
  ['A', 'B', 'C'].map((s, i) => `${s} [${S[2 * i].toFixed(2)}, ${S[2 * i + 1].toFixed(2)}]`).join('  ');

// Several starts; keep the one with the lowest training objective (never look at the true S).
const results = [3, 4, 5].map(trainStart);
for (const r of results)
  console.log(`start ${r.seed}: loss ${r.loss.toExponential(3)}  S: ${showS(r.model.stoichiometry())}`);
const best = results.reduce((a, b) => (b.loss < a.loss ? b : a));
const model = best.model;
console.log(`selected start ${best.seed}: S ${showS(model.stoichiometry())}`);
// #endregion example

export { best, data, model, objective, penalties, results, states, times };
