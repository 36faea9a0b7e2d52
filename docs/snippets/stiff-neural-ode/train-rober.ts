// #region example
import { NeuralODE } from '@odeon/neural';
import { solve } from '@odeon/ode';
import { Dataset, odeObjective, Strategy, train } from '@odeon/train';

// Data: Robertson's reaction (k1, k2, k3) = (0.04, 3e7, 1e4) at t = 0 and 20 log-spaced times in
// [1e-5, 1e5], solved tightly with Rodas5P. y2 stays below 4e-5 while y1 and y3 are of order 1.
const rober = {
  y0: [1, 0, 0],
  t0: 0,
  t1: 1e5,
  p: [0.04, 3e7, 1e4],
  rhs(_t: number, y: Float64Array, p: Float64Array, dydt: Float64Array) {
    const [k1, k2, k3] = p;
    dydt[0] = -k1 * y[0] + k3 * y[1] * y[2];
    dydt[1] = k1 * y[0] - k3 * y[1] * y[2] - k2 * y[1] * y[1];
    dydt[2] = k2 * y[1] * y[1];
  },
};
const times = [0, ...Array.from({ length: 20 }, (_, k) => 10 ** (-5 + (k * 10) / 19))];
const truth = solve(rober, { method: 'rodas5p', rtol: 1e-10, atol: [1e-14, 1e-18, 1e-14], saveAt: times });
const data = new Dataset(['y1', 'y2', 'y3'], [{ name: 'rober', t: times, y: truth.y }]);
const yScale = data.yScale();
console.log(
  `y_scale = [${Array.from(yScale, (s) => s.toExponential(2)).join(', ')}], t_scale = ${data.tScale()}`,
);

// Kim et al. 2021: dy/dt = NN(y / y_scale) ⊙ y_scale / t_scale, NN 3 → [5]×6 → 3 with GELU.
const model = new NeuralODE({
  n: 3,
  network: { width: 5, depth: 6, activation: 'gelu', seed: 1 },
  scaling: { yScale, tScale: data.tScale() },
});
const problem = { ...model.problem({ y0: [1, 0, 0], t0: 0, t1: 1e5 }), names: ['y1', 'y2', 'y3'] };

// Scaled MAE, integrated with Rodas5P, gradients from the discrete adjoint (through the Rosenbrock steps), AdamW.
const objective = odeObjective(problem, data, {
  method: 'rodas5p',
  sensitivity: 'discrete',
  rtol: 1e-5,
  atol: 1e-9,
});
const strategy = new Strategy().addStep({
  lr: 0.02,
  steps: 150,
  loss: 'scaledMae',
  optimizer: { kind: 'adamw', weightDecay: 1e-6 },
  clipNorm: 1,
});
const result = await train(objective, model.p, strategy, { seed: 1 });
const losses = result.history.map((h) => h.loss);
for (const k of [0, 25, 50, 75, 100, 125, 149])
  console.log(`step ${String(k).padStart(3)}: scaled MAE ${losses[k].toFixed(4)}`);
console.log(`${model.np} parameters, ${losses.length} steps`);
// #endregion example

export { data, losses, model, objective, result, truth };
