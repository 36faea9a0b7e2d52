import { expect, it } from 'vitest';
import { batchLoss, mse, parseCsv, Strategy, train } from './index.ts';

// The README's example, verbatim apart from the assertion.
it('README example fits k of y = exp(−k t) from rounded data', async () => {
  const data = parseCsv(`measurement,time,A
run1,0,1
run1,1,0.6065
run1,2,0.3679
run1,3,
run1,4,0.1353`);

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
    onProgress: (p) => void p,
  });
  // The data are exp(−0.5 t) rounded to 4 decimals.
  expect(result.params[0]).toBeCloseTo(0.5, 3);
});
