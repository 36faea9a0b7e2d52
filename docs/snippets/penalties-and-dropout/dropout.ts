// #region example
import { batchLoss, createLoss, Rng, temporalDropoutMask } from '@odeon/train';

// One series of 6 time points: a mask keeps point 0 always and each later point with probability 1 − p.
const rng = Rng.fromSeed(7);
const mask = new Uint8Array(6);
for (let k = 0; k < 3; k++) console.log(`mask (p = 0.5): ${temporalDropoutMask(mask, rng, 0.5).join(' ')}`);

// Fixed predictions and targets (6 time points × 2 species) and the undropped MSE.
const pred = Float64Array.of(1.0, 0.0, 0.8, 0.3, 0.6, 0.5, 0.5, 0.6, 0.4, 0.7, 0.3, 0.7);
const target = Float64Array.of(1.0, 0.0, 0.7, 0.3, 0.6, 0.4, 0.4, 0.6, 0.4, 0.8, 0.2, 0.8);
const mse = createLoss('mse');
const full = batchLoss(mse, 2, [{ pred, target }]).value;
console.log(`undropped mse ${full.toFixed(6)}`);

// Mean of the dropped loss over many masks, for each p and both normalisations:
// 'expected' reweights kept points by 1/(1 − p) (unbiased for any residuals); 'kept' (the default)
// divides by the number of kept entries (unbiased when residuals are exchangeable, not for fixed ones).
const draws = 20000;
const ps = [0.1, 0.3, 0.5, 0.8];
const means = ps.map((p) => {
  const r = Rng.fromSeed(11);
  const mean = { expected: 0, kept: 0 };
  for (const normalise of ['expected', 'kept'] as const) {
    let sum = 0;
    for (let k = 0; k < draws; k++)
      sum += batchLoss(mse, 2, [{ pred, target }], { p, rng: r, normalise }).value;
    mean[normalise] = sum / draws;
  }
  console.log(`p = ${p}: mean 'expected' ${mean.expected.toFixed(6)}   mean 'kept' ${mean.kept.toFixed(6)}`);
  return mean;
});
// #endregion example

export { draws, full, means, pred, ps, target };
