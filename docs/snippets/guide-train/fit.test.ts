import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('train guide, fit: recovers the rate constants of A → B → C from noisy analytic data', async () => {
  const { exports, lines } = await runSnippet(() => import('./fit.ts'));
  const { data, result } = exports;
  // The data are the Bateman solution for k1 = 0.8, k2 = 0.3 with 3 % noise (initial row exact).
  const m = data.measurements[0];
  expect(Array.from(m.y.subarray(0, 3))).toBeAllclose([1, 0, 0], { rtol: 0, atol: 0 });
  for (let k = 1; k < m.t.length; k++) {
    const t = m.t[k];
    const a = Math.exp(-0.8 * t);
    expect(Math.abs(m.y[3 * k] - a)).toBeLessThanOrEqual(0.15 * a + 1e-12);
  }
  expect(result.converged).toBe(true);
  expect(result.parameters.k1).toBeAllclose([0.8], { rtol: 0.05, atol: 0 });
  expect(result.parameters.k2).toBeAllclose([0.3], { rtol: 0.05, atol: 0 });
  expect(lines[0]).toMatch(/^k1 = 0\.\d{4}, k2 = 0\.\d{4} \(true 0\.8, 0\.3\)$/);
  expect(lines[1]).toMatch(/converged: true/);
});
