import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('penalties tutorial: the NeuralODE preset matches Σ W² and Σ |W|, and the breakdown sums to the total', async () => {
  const { exports, lines } = await runSnippet(() => import('./penalties.ts'));
  const { model, penalties, terms, byName, total, grad } = exports;
  expect(model.np).toBe(2 * 4 + 4 + 4 * 4 + 4 + 4 * 2 + 2);
  expect([...penalties.names].sort()).toEqual(['l1', 'l2']);
  // Biases start at zero (10 of them: 4 + 4 + 2), so the weights are exactly the non-zero
  // parameters and the terms can be computed from the flat vector by definition.
  const p = Array.from(model.p);
  expect(p.filter((x) => x === 0)).toHaveLength(10);
  const l2 = p.reduce((a, x) => a + x * x, 0);
  const l1 = p.reduce((a, x) => a + Math.abs(x), 0);
  expect(terms.l2).toBeCloseTo(l2, 12);
  expect(terms.l1).toBeCloseTo(l1, 12);
  expect(byName.l2).toBeCloseTo(1e-3 * l2, 14);
  expect(byName.l1).toBeCloseTo(1e-4 * l1, 14);
  expect(total).toBeCloseTo(byName.l2 + byName.l1, 15);
  // d total / d p = 2·1e-3·w + 1e-4·sign(w) on weights, 0 on biases.
  const expected = p.map((x) => (x === 0 ? 0 : 2e-3 * x + 1e-4 * Math.sign(x)));
  expect(Array.from(grad)).toBeAllclose(expected, { rtol: 1e-12, atol: 1e-15 });
  expect(lines.at(-1)).toBe('42 parameters, 10 with zero gradient (the biases)');
});
