// #region example
import { solve } from '@odeon/ode';

// A ball dropped from 10 m, bouncing with a coefficient of restitution of 0.8. State [height, velocity].
const g = 9.81;
const ball = {
  y0: [10, 0],
  t0: 0,
  t1: 8,
  rhs(_t: number, y: Float64Array, _p: Float64Array, dydt: Float64Array) {
    dydt[0] = y[1];
    dydt[1] = -g;
  },
};

const sol = solve(ball, {
  method: 'tsit5',
  rtol: 1e-10,
  atol: 1e-10,
  saveAt: Array.from({ length: 401 }, (_, i) => i * 0.02),
  events: [
    {
      condition: (_t, y) => y[0], // height crosses zero…
      direction: -1, // …while falling
      affect: (_t, y) => {
        y[0] = 0;
        y[1] = -0.8 * y[1]; // bounce
      },
    },
  ],
});

for (const e of sol.events.slice(0, 4)) console.log(`bounce at t = ${e.t.toFixed(6)} s`);
console.log(`${sol.events.length} bounces before t = ${ball.t1} s`);

// #endregion example

export { g, sol };
export const plot: SeriesPlot = {
  title: 'Bouncing ball',
  x: sol.t,
  xLabel: 't (s)',
  yLabel: 'height (m)',
  columns: { data: sol.y.filter((_, i) => i % 2 === 0), names: ['height'] },
};

import type { SeriesPlot } from '../series-plot.ts';
