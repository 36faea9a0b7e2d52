// Used below the shown region, for the chart.
import { simulate as simulateModel } from '@odeon/sbml';
import type { SeriesPlot } from '../series-plot.ts';

// #region example
import { compileModel, loadModel } from '@odeon/sbml';
import { addNoise, Dataset, fit } from '@odeon/train';

// A reversible isomerisation A ⇌ B in the JSON model format (SBML files load the same way).
const model = loadModel(
  JSON.stringify({
    id: 'isomerisation',
    species: { A: 2, B: 0 },
    parameters: { kf: 1, kr: 1 }, // initial guesses
    reactions: [{ equation: 'A <-> B', rate: 'kf * A - kr * B' }],
  }),
);
const compiled = compileModel(model); // rhs, analytic Jacobian and parameter Jacobian

// Measurements of A and B at 16 times; the truth is kf = 0.6, kr = 0.2 (data: analytic solution, 2 % noise).
const times = Array.from({ length: 16 }, (_, i) => i * 0.5);
const rows = times.map((t) => {
  const a = (2 * (0.2 + 0.6 * Math.exp(-0.8 * t))) / 0.8;
  return [a, 2 - a];
});
const data = addNoise(new Dataset(['A', 'B'], [{ name: 'experiment', t: times, y: rows }]), {
  relative: 0.02,
  seed: 5,
});

// The compiled model gives an @odeon/ode problem for a time span.
const problem = compiled.problem(0, 7.5);
const result = fit(problem, data, {
  parameterNames: compiled.paramIds,
  parameters: [
    { name: 'kf', lower: 1e-3, upper: 100 },
    { name: 'kr', lower: 1e-3, upper: 100 },
  ],
  multiStart: 3,
  seed: 1,
});
console.log(
  `kf = ${result.parameters.kf.toFixed(4)}, kr = ${result.parameters.kr.toFixed(4)}   (true 0.6, 0.2)`,
);
console.log(
  `equilibrium constant kf/kr = ${(result.parameters.kf / result.parameters.kr).toFixed(3)}   (true 3)`,
);
console.log(`${result.starts.length} starts, best loss ${result.value.toExponential(2)}`);
// #endregion example

const course = simulateModel(compiled, { t1: 7.5, steps: 150, p: result.p });
const measured = data.measurements[0];

export { compiled, data, result };
export const plot: SeriesPlot = {
  title: 'A ⇌ B: measurements and the fitted model',
  xLabel: 't',
  curves: ['A', 'B'].flatMap((name, j) => [
    { name: `${name} data`, x: measured.t, y: measured.y.filter((_, i) => i % 2 === j) },
    { name: `${name} fit`, x: course.times, y: course.values.filter((_, i) => i % 2 === j) },
  ]),
};
