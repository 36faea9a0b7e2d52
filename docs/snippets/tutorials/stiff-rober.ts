// #region example
import { type MethodName, solve } from '@odeon/ode';

const rober = {
  y0: [1, 0, 0],
  t0: 0,
  t1: 40,
  p: [0.04, 3e7, 1e4],
  rhs(_t: number, y: Float64Array, p: Float64Array, dydt: Float64Array) {
    const [k1, k2, k3] = p;
    dydt[0] = -k1 * y[0] + k3 * y[1] * y[2];
    dydt[1] = k1 * y[0] - k3 * y[1] * y[2] - k2 * y[1] * y[1];
    dydt[2] = k2 * y[1] * y[1];
  },
};

const methods: MethodName[] = ['tsit5', 'dop853', 'rodas5p', 'auto'];
// No saveAt: every accepted step is saved, so sol.t shows where each method stepped.
const solutions = methods.map((method) => solve(rober, { method, rtol: 1e-6, atol: 1e-10 }));

console.log('method    steps   rhs evals  LU   y2(40)');
solutions.forEach((sol, i) => {
  const { acceptedSteps, rhsEvals, luFactorizations } = sol.stats;
  const y2 = sol.y[(sol.t.length - 1) * sol.n + 1];
  console.log(
    `${methods[i].padEnd(8)} ${String(acceptedSteps).padStart(6)} ${String(rhsEvals).padStart(11)} ${String(luFactorizations).padStart(4)}   ${y2.toExponential(6)}`,
  );
});

// #endregion example

export { methods, solutions };

/** Step size h against t for each method, thinned to at most 400 points per line for the chart. */
function stepSizes(t: Float64Array): { x: number[]; y: number[] } {
  const stride = Math.max(1, Math.ceil((t.length - 1) / 400));
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 1; i < t.length; i += stride) {
    x.push(t[i]);
    y.push(t[i] - t[i - 1]);
  }
  return { x, y };
}

export const plot: SeriesPlot = {
  title: 'ROBER on [0, 40]: step size of each method',
  xLabel: 't',
  yLabel: 'step size h',
  curves: methods.map((name, i) => ({ name, ...stepSizes(solutions[i].t) })),
  xScale: 'log',
  yScale: 'log',
};

import type { SeriesPlot } from '../series-plot.ts';
