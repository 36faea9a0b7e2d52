import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

// The closed forms, in plain arithmetic: r = Xw − y, loss = rᵀr, ∇ = 2Xᵀr, H = 2XᵀX, ∇‖∇‖² = 2H∇.
const X = [
  [1, 0.5],
  [1, 1.5],
  [1, 2.5],
  [1, 3.5],
];
const yv = [1.2, 2.1, 2.9, 4.2];
const w = [0.5, 0.5];
const r = X.map((row, i) => row[0] * w[0] + row[1] * w[1] - yv[i]);
const loss = r.reduce((s, v) => s + v * v, 0);
const g = [0, 1].map((j) => 2 * X.reduce((s, row, i) => s + row[j] * r[i], 0));
const H = [0, 1].flatMap((j) => [0, 1].map((k) => 2 * X.reduce((s, row) => s + row[j] * row[k], 0)));
const gg = [0, 1].map((j) => 2 * (H[2 * j] * g[0] + H[2 * j + 1] * g[1]));

test('tensor guide: reverse, forward and second-order derivatives match the closed forms', async () => {
  const { exports, lines } = await runSnippet(() => import('./autodiff.ts'));
  expect(exports.value.item()).toBeCloseTo(loss, 12);
  expect(exports.g.toFloat64()).toBeAllclose(g, { rtol: 1e-12, atol: 0 });
  expect(exports.H.shape).toEqual([2, 2]);
  expect(exports.H.toFloat64()).toBeAllclose(H, { rtol: 1e-12, atol: 0 });
  expect(exports.tangent.toFloat64()).toBeAllclose([1, 1 - Math.tanh(1) ** 2], { rtol: 1e-12, atol: 1e-15 });
  expect(exports.gg.toFloat64()).toBeAllclose(gg, { rtol: 1e-12, atol: 0 });
  expect(lines[0]).toBe(`loss(w) = ${loss.toFixed(6)}`);
  expect(lines[2]).toBe('Hessian = [8,16,16,42] (shape 2×2)');
  expect(lines).toHaveLength(5);
});
