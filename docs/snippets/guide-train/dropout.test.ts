import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('train guide, losses: NaN masking and unbiased temporal dropout, from the definitions', async () => {
  const { exports, lines } = await runSnippet(() => import('./dropout.ts'));
  const { pred, target, withGap, mean, draws } = exports;
  // Plain mean of squared residuals, and the same over the 11 observed entries.
  const sq = Array.from(pred, (p, i) => (p - target[i]) ** 2);
  const mse = sq.reduce((a, b) => a + b, 0) / 12;
  const observed = sq.filter((_, i) => !Number.isNaN(withGap[i]));
  const mseGap = observed.reduce((a, b) => a + b, 0) / observed.length;
  expect(observed).toHaveLength(11);
  expect(lines[0]).toBe(`mse = ${mse.toFixed(6)}`);
  expect(lines[1]).toBe(`mse with one value missing = ${mseGap.toFixed(6)}`);
  // Inverse-probability weighting: value = (1/12)(s_0 + Σ_{i≥1} s_i m_i / (1 − p)), m_i ~ Bernoulli(1 − p),
  // so its mean is the undropped mse and its variance Σ_{i≥1} s_i² p(1 − p)/(1 − p)² / 144.
  const s = Array.from({ length: 6 }, (_, i) => sq[2 * i] + sq[2 * i + 1]);
  const variance = s.slice(1).reduce((a, v) => a + (v * v * 0.5 * 0.5) / 0.25, 0) / 144;
  const standardError = Math.sqrt(variance / draws);
  expect(Math.abs(mean - mse)).toBeLessThan(5 * standardError);
  expect(lines[2]).toMatch(/^mean over 20000 dropout masks \(p = 0\.5\) = 0\.00\d+$/);
});
