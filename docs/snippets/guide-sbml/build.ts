// #region example
import { buildModel, compileModel, simulate } from '@odeon/sbml';

// Consecutive first-order reactions A → B → C, written the way a chemist would.
const model = buildModel({
  species: { A: 1, B: 0, C: 0 },
  parameters: { k1: 1.0, k2: 0.3 },
  reactions: [
    { equation: 'A -> B', rate: 'k1 * A' },
    { equation: 'B -> C', rate: 'k2 * B' },
  ],
});

// Compile to a float64 right-hand side with an analytic Jacobian, then simulate (Rodas5P by default).
const compiled = compileModel(model);
console.log(
  `${compiled.n} states (${compiled.stateIds.join(', ')}), right-hand side built by ${compiled.backend}`,
);

const course = simulate(compiled, { t1: 15, steps: 150 });
const last = course.values.subarray((course.times.length - 1) * course.names.length);
console.log(`at t = 15: ${course.names.map((s, i) => `${s} = ${last[i].toFixed(6)}`).join(', ')}`);
console.log(`${course.stats.acceptedSteps} solver steps`);

// #endregion example

export { course };
export const plot: SeriesPlot = {
  title: 'A → B → C',
  x: course.times,
  xLabel: 't',
  yLabel: 'amount',
  columns: { data: course.values, names: course.names },
};

import type { SeriesPlot } from '../series-plot.ts';
