// #region example
import { solve } from '@odeon/ode';

// The harmonic oscillator y'' = -ω² y as a first-order system [position, velocity].
const omega = 2;
const oscillator = {
  y0: [1, 0],
  t0: 0,
  t1: 10,
  p: [omega],
  rhs(_t: number, y: Float64Array, p: Float64Array, dydt: Float64Array) {
    dydt[0] = y[1];
    dydt[1] = -p[0] * p[0] * y[0];
  },
};

// dense: true keeps each step's interpolant, so the solution can be evaluated anywhere afterwards.
const sol = solve(oscillator, { method: 'dop853', rtol: 1e-10, atol: 1e-12, dense: true });
console.log(`${sol.stats.acceptedSteps} steps`);

const y = new Float64Array(2); // reused: interpolate(t, out) writes into out
for (const t of [0.5, Math.PI / 2, 7.25]) {
  sol.interpolate(t, y);
  const error = Math.abs(y[0] - Math.cos(omega * t));
  console.log(`y(${t.toFixed(4)}) = ${y[0].toFixed(10)}   |error| = ${error.toExponential(1)}`);
}

// #endregion example

export { omega, sol };

const fine = Array.from({ length: 301 }, (_, i) => (i * oscillator.t1) / 300);
export const plot: SeriesPlot = {
  title: 'Dense output between the steps',
  x: fine,
  xLabel: 't',
  series: {
    'interpolated y(t)': fine.map((t) => sol.interpolate(t)[0]),
    'cos(ωt)': fine.map((t) => Math.cos(omega * t)),
  },
};

import type { SeriesPlot } from '../series-plot.ts';
