// #region example
import { batchLoss, createLoss, Rng } from '@odeon/train';

// One series of 6 time points × 2 species: a model's predictions and the measured targets.
const pred = Float64Array.of(1.0, 0.0, 0.8, 0.3, 0.6, 0.5, 0.5, 0.6, 0.4, 0.7, 0.3, 0.7);
const target = Float64Array.of(1.0, 0.0, 0.7, 0.3, 0.6, 0.4, 0.4, 0.6, 0.4, 0.8, 0.2, 0.8);
const mse = createLoss('mse');

// Missing measurements are NaN: masked out of the value, the gradient and the normaliser.
const withGap = Float64Array.from(target);
withGap[5] = Number.NaN;
console.log(`mse = ${batchLoss(mse, 2, [{ pred, target }]).value.toFixed(6)}`);
console.log(
  `mse with one value missing = ${batchLoss(mse, 2, [{ pred, target: withGap }]).value.toFixed(6)}`,
);

// Temporal dropout: each evaluation drops every time point but the first with probability p, so
// training sees ever-different subsets of each series. With normalise: 'expected', kept points are
// reweighted by 1/(1 − p): over many masks the loss averages to the undropped one.
const rng = Rng.fromSeed(42);
const draws = 20000;
let sum = 0;
for (let k = 0; k < draws; k++) {
  sum += batchLoss(mse, 2, [{ pred, target }], { p: 0.5, rng, normalise: 'expected' }).value;
}
const mean = sum / draws;
console.log(`mean over ${draws} dropout masks (p = 0.5) = ${mean.toFixed(6)}`);
// #endregion example

export { draws, mean, pred, target, withGap };
