// Used below the shown region, for the chart (value imports must precede the code that uses them).
import { solve } from '@odeon/ode';
import type { SeriesPlot } from '../series-plot.ts';

// #region example
import { equationScaling, NeuralODE } from '@odeon/neural';
import { gradient } from '@odeon/ode';
import { minimizeLbfgs } from '@odeon/train';

// Data: a damped spiral, y' = A y with A = [[-0.1, 2], [-2, -0.1]], sampled at 25 times in [0, 5].
const t = Array.from({ length: 25 }, (_, k) => (k * 5) / 24);
const y = t.flatMap((tk) => {
  const r = Math.exp(-0.1 * tk);
  return [r * Math.cos(2 * tk), -r * Math.sin(2 * tk)];
});

// dy/dt = MLP(y) ⊙ y_scale / t_scale: a 2 → 16 → 16 → 2 tanh network, scaled as in Kim et al. 2021.
const model = new NeuralODE({
  n: 2,
  network: { width: 16, depth: 2, seed: 1 },
  scaling: equationScaling(t, y, 2),
});
console.log(`${model.p.length} parameters`);

// Mean squared error over the samples; its gradient by the quadrature adjoint.
const loss = {
  value: (i: number, _t: number, yi: Float64Array) =>
    ((yi[0] - y[2 * i]) ** 2 + (yi[1] - y[2 * i + 1]) ** 2) / y.length,
  grad: (i: number, _t: number, yi: Float64Array, out: Float64Array) => {
    out[0] = (2 * (yi[0] - y[2 * i])) / y.length;
    out[1] = (2 * (yi[1] - y[2 * i + 1])) / y.length;
  },
};
const objective = (p: Float64Array) => {
  const problem = model.problem({ y0: [y[0], y[1]], t0: 0, t1: 5, p });
  const r = gradient(problem, { method: 'dopri5', rtol: 1e-6, atol: 1e-8, saveAt: t, loss });
  return { value: r.value, grad: r.dp };
};

const initialLoss = objective(model.p).value;
const result = minimizeLbfgs(objective, model.p, { maxIterations: 100 });
model.setParams(result.x);
console.log(
  `loss ${initialLoss.toExponential(2)} → ${result.value.toExponential(2)} in ${result.iterations} L-BFGS iterations`,
);
// #endregion example

const fine = Array.from({ length: 201 }, (_, k) => (k * 5) / 200);
const fitted = solve(model.problem({ y0: [y[0], y[1]], t0: 0, t1: 5 }), {
  rtol: 1e-8,
  atol: 1e-10,
  saveAt: fine,
});

export { fitted, initialLoss, model, result, t, y };
export const plot: SeriesPlot = {
  title: 'Neural ODE fitted to a damped spiral',
  xLabel: 't',
  curves: [
    { name: 'data y1', x: t, y: y.filter((_, i) => i % 2 === 0) },
    { name: 'data y2', x: t, y: y.filter((_, i) => i % 2 === 1) },
    { name: 'model y1', x: fine, y: fitted.y.filter((_, i) => i % 2 === 0) },
    { name: 'model y2', x: fine, y: fitted.y.filter((_, i) => i % 2 === 1) },
  ],
};
