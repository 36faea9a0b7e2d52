// The example of README.md (included from the regions below by `pnpm readme:sync`), with the
// assertion outside them.
// biome-ignore-all assist/source/organizeImports: the imports region holds only the README's imports
// #region imports
import { batchLoss, mse, parseCsv, Strategy, train } from '@odeon/train';
// #endregion imports
import { expect, it } from 'vitest';

it('README example fits k of y = exp(−k t) from rounded data', async () => {
  // #region readme
  // Measurements: `measurement,time,<species>...`; empty cells are missing values (masked out of losses).
  const data = parseCsv(`measurement,time,A
run1,0,1
run1,1,0.6065
run1,2,0.3679
run1,3,
run1,4,0.1353`);

  // Model y = exp(−k t) with parameter k; the objective returns the loss and dloss/dk.
  const m = data.measurements[0];
  const objective = (p: Float64Array) => {
    const pred = m.t.map((t) => Math.exp(-p[0] * t));
    const { value, grads } = batchLoss(mse, 1, [{ pred, target: m.y }]);
    let grad = 0;
    m.t.forEach((t, i) => {
      grad += grads[0][i] * -t * pred[i];
    });
    return { loss: value, grad: Float64Array.of(grad) };
  };

  const strategy = new Strategy().addStep({ lr: 0.05, steps: 500, schedule: { kind: 'cosine' } });
  const result = await train(objective, [1.5], strategy, {
    onProgress: (p) => void p, // a CLI draws its progress bar from these reports
  });
  result.params[0]; // ≈ 0.5
  // #endregion readme
  // The data are exp(−0.5 t) rounded to 4 decimals.
  expect(result.params[0]).toBeCloseTo(0.5, 3);
});
