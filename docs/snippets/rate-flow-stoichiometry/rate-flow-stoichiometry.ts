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

// dy/dt = S · r(y): 3 species, 2 reactions, S (3 × 2) learned, rates r ≥ 0 from a small network.
const model = new RateFlowODE({
  species: 3,
  reactions: 2,
  network: { width: 8, depth: 1, activation: 'tanh' },
  seed: 2,
});
// Pull S towards integers, and each reaction towards consuming one species and producing another.
const penalties = Penalties.forRateFlow({ integerAlpha: 3e-3, bipolarAlpha: 3e-2 });

/** Mean squared error over all samples and its gradient (discrete adjoint of dopri5), plus the penalties. */
function objective(p: Float64Array) {
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
  const pen = penalties.valueAndGrad(model, { params: p });
  for (let j = 0; j < model.np; j++) grad[j] += pen.grad[j];
  return { mse, penalty: pen.total, loss: mse + pen.total, grad };
}

const showS = (S: Float64Array) =>
  ['A', 'B', 'C'].map((s, i) => `${s} [${S[2 * i].toFixed(2)}, ${S[2 * i + 1].toFixed(2)}]`).join('  ');
console.log(`S before: ${showS(model.stoichiometry())}`);

// A short Adam run (the recorded experiments below use 1500 steps with a cosine schedule).
const adam = createOptimizer({ kind: 'adam' }, model.np);
const p = Float64Array.from(model.p);
const losses: number[] = [];
for (let step = 0; step <= 500; step++) {
  const { mse, penalty, loss, grad } = objective(p);
  losses.push(loss);
  if (step % 100 === 0)
    console.log(`step ${step}: mse ${mse.toExponential(2)}, penalty ${penalty.toFixed(4)}`);
  if (step < 500) adam.update(p, grad, 0.03);
}
model.setParams(p);
console.log(`S after:  ${showS(model.stoichiometry())}`);
// #endregion example

export { data, losses, model, objective, penalties, times };
