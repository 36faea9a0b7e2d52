// Used below the shown region, for the chart (value imports must precede the code that uses them).
import { solve } from '@odeon/ode';
import type { SeriesPlot } from '../series-plot.ts';

// #region example
import { addNoise, Dataset, fit } from '@odeon/train';

// The model: A → B → C with unknown rate constants p = [k1, k2].
const abc = {
  y0: [1, 0, 0],
  t0: 0,
  t1: 10,
  p: [0.1, 0.1], // initial guesses
  names: ['A', 'B', 'C'],
  rhs(_t: number, y: Float64Array, p: Float64Array, dydt: Float64Array) {
    dydt[0] = -p[0] * y[0];
    dydt[1] = p[0] * y[0] - p[1] * y[1];
    dydt[2] = p[1] * y[1];
  },
};

// Measurements: the exact solution for k1 = 0.8, k2 = 0.3 at 21 times, with 3 % noise (seeded).
const t = Array.from({ length: 21 }, (_, i) => i * 0.5);
const rows = t.map((ti) => {
  const a = Math.exp(-0.8 * ti);
  const b = (0.8 / (0.3 - 0.8)) * (Math.exp(-0.8 * ti) - Math.exp(-0.3 * ti));
  return [a, b, 1 - a - b];
});
const data = addNoise(new Dataset(['A', 'B', 'C'], [{ name: 'run1', t, y: rows }]), {
  relative: 0.03,
  seed: 3,
});

// Bounded, log-transformed parameters; L-BFGS on gradients from forward sensitivities.
const result = fit(abc, data, {
  parameterNames: ['k1', 'k2'],
  parameters: [
    { name: 'k1', lower: 1e-3, upper: 10 },
    { name: 'k2', lower: 1e-3, upper: 10 },
  ],
});
console.log(
  `k1 = ${result.parameters.k1.toFixed(4)}, k2 = ${result.parameters.k2.toFixed(4)} (true 0.8, 0.3)`,
);
console.log(
  `loss ${result.value.toExponential(2)}, converged: ${result.converged} (${result.reason}), ${result.evaluations} evaluations`,
);
// #endregion example

const fine = Array.from({ length: 101 }, (_, i) => i * 0.1);
const fitted = solve({ ...abc, p: result.p }, { method: 'rodas5p', rtol: 1e-8, atol: 1e-10, saveAt: fine });
const measured = data.measurements[0];

export { data, result };
export const plot: SeriesPlot = {
  title: 'A → B → C: noisy data and the fitted model',
  xLabel: 't',
  curves: [0, 1, 2].flatMap((j) => [
    { name: `${abc.names[j]} data`, x: measured.t, y: measured.y.filter((_, i) => i % 3 === j) },
    { name: `${abc.names[j]} fit`, x: fine, y: fitted.y.filter((_, i) => i % 3 === j) },
  ]),
};
