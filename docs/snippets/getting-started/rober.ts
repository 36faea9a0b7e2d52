// #region example
import { solve } from '@odeon/ode';

// Robertson's autocatalytic reaction (ROBER): three species whose rate constants span nine orders
// of magnitude, the classic stiff test problem.
const rober = {
  y0: [1, 0, 0],
  t0: 0,
  t1: 1e5,
  p: [0.04, 3e7, 1e4], // k1, k2, k3
  names: ['y1', 'y2', 'y3'],
  rhs(_t: number, y: Float64Array, p: Float64Array, dydt: Float64Array) {
    const [k1, k2, k3] = p;
    dydt[0] = -k1 * y[0] + k3 * y[1] * y[2];
    dydt[1] = k1 * y[0] - k3 * y[1] * y[2] - k2 * y[1] * y[1];
    dydt[2] = k2 * y[1] * y[1];
  },
};

// Report the solution at 50 log-spaced times from 1e-5 to 1e5.
const saveAt = Array.from({ length: 50 }, (_, k) => 10 ** (-5 + (k * 10) / 49));
const sol = solve(rober, { method: 'rodas5p', rtol: 1e-8, atol: 1e-12, saveAt });

const final = sol.y.subarray((sol.t.length - 1) * sol.n);
console.log(`status: ${sol.status}`);
console.log(`y(1e5) = [${Array.from(final, (v) => v.toExponential(6)).join(', ')}]`);
console.log(`mass y1 + y2 + y3 - 1 = ${(final[0] + final[1] + final[2] - 1).toExponential(2)}`);
const { acceptedSteps, rejectedSteps, rhsEvals, luFactorizations } = sol.stats;
console.log(
  `${acceptedSteps} steps (${rejectedSteps} rejected), ${rhsEvals} rhs evaluations, ${luFactorizations} LU factorisations`,
);

// #endregion example

export { saveAt, sol };
/** The chart: every species on log–log axes (y2 stays below 4e-5, so a linear axis would hide it). */
export const plot: SeriesPlot = {
  title: 'ROBER with Rodas5P',
  x: sol.t,
  xLabel: 't',
  yLabel: 'concentration',
  columns: { data: sol.y, names: rober.names },
  xScale: 'log',
  yScale: 'log',
};

import type { SeriesPlot } from '../series-plot.ts';
