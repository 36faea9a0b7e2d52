// #region example
import { createOptimizer, minimizeLbfgs } from '@odeon/train';

// Rosenbrock's banana function: a curved valley with its minimum f = 0 at (1, 1).
function rosenbrock(x: Float64Array) {
  const [a, b] = x;
  return {
    value: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
    grad: Float64Array.of(-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)),
  };
}
const start = [-1.2, 1];

// L-BFGS: quasi-Newton with a line search, for smooth deterministic objectives (parameter fitting).
const lbfgsTrace: number[] = [];
const lbfgs = minimizeLbfgs(rosenbrock, start, {
  onIteration: ({ value }) => {
    lbfgsTrace.push(value);
  },
});
console.log(
  `L-BFGS: x = (${lbfgs.x[0].toFixed(6)}, ${lbfgs.x[1].toFixed(6)}) after ${lbfgs.iterations} iterations (${lbfgs.reason})`,
);

// Adam: first-order with per-parameter step sizes, for noisy mini-batch gradients (neural ODEs).
const adam = createOptimizer({ kind: 'adam' }, 2);
const x = Float64Array.from(start);
const adamTrace: number[] = [];
for (let step = 0; step < 5000; step++) {
  const { value, grad } = rosenbrock(x);
  adamTrace.push(value);
  adam.update(x, grad, 0.02); // writes the new parameters into x
}
console.log(
  `Adam:   x = (${x[0].toFixed(6)}, ${x[1].toFixed(6)}) after 5000 steps, f = ${rosenbrock(x).value.toExponential(2)}`,
);

// #endregion example

export { adamTrace, lbfgs, lbfgsTrace, x as adamX };
export const plot: SeriesPlot = {
  title: 'Rosenbrock function: objective per iteration',
  xLabel: 'iteration',
  yLabel: 'f(x)',
  curves: [
    { name: 'L-BFGS', x: lbfgsTrace.map((_, i) => i + 1), y: lbfgsTrace },
    { name: 'Adam (lr 0.02)', x: adamTrace.map((_, i) => i + 1), y: adamTrace },
  ],
  xScale: 'log',
  yScale: 'log',
};

import type { SeriesPlot } from '../series-plot.ts';
