import { loadReference } from '@odeon/testkit';
import { fullBatch } from '@odeon/train';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('stiff neural ODE tutorial: data match the ROBER reference, training lowers the loss, the adjoint gradient matches finite differences', async () => {
  const { exports, lines } = await runSnippet(() => import('./train-rober.ts'));
  const { truth, losses, model, objective, result } = exports;

  // The training data are ROBER's solution: the final state agrees with the shared reference.
  const ref = loadReference('rober');
  expect(ref.tf).toBe(1e5);
  const last = Array.from(truth.y.subarray(truth.y.length - 3));
  expect(last).toBeAllclose(ref.final, { rtol: 1e-6, atol: 1e-12 });

  // The loss falls: the last five steps' mean is well below the starting loss, and so is the trained model's.
  expect(losses).toHaveLength(150);
  expect(losses.every(Number.isFinite)).toBe(true);
  const tail = losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
  expect(tail).toBeLessThan(0.6 * losses[0]);
  const batch = fullBatch(1, { loss: 'scaledMae' });
  expect(objective(result.params, batch).loss).toBeLessThan(0.6 * losses[0]);
  expect(lines.at(-1)).toBe(`${model.np} parameters, 150 steps`);

  // The discrete-adjoint gradient of the scaled MAE agrees with central differences, for the
  // largest-magnitude gradient component at the initial parameters. (Finite differences are taken on
  // a tight solve so the solver's error does not swamp them.)
  const p0 = Float64Array.from(model.p);
  const g = objective(p0, batch).grad;
  let i = 0;
  for (let k = 1; k < g.length; k++) if (Math.abs(g[k]) > Math.abs(g[i])) i = k;
  const h = 1e-4;
  const plus = Float64Array.from(p0);
  const minus = Float64Array.from(p0);
  plus[i] += h;
  minus[i] -= h;
  const fd = (objective(plus, batch).loss - objective(minus, batch).loss) / (2 * h);
  expect(Math.abs(g[i] - fd)).toBeLessThan(2e-2 * Math.abs(fd));
});
