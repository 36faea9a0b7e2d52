import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('dropout tutorial: the mean dropped loss matches its exact expectation, which for inverse-probability weighting is the undropped loss', async () => {
  const { exports, lines } = await runSnippet(() => import('./dropout.ts'));
  const { pred, target, full, means, ps, draws } = exports;
  // Per-time-point sums of squared residuals, from the data.
  const T = 6;
  const s = Array.from(
    { length: T },
    (_, i) => (pred[2 * i] - target[2 * i]) ** 2 + (pred[2 * i + 1] - target[2 * i + 1]) ** 2,
  );
  const mse = s.reduce((a, b) => a + b, 0) / (2 * T);
  expect(full).toBeCloseTo(mse, 15);
  // Exact mean and variance of each normalisation by enumerating all 2^5 masks of points 1..5.
  const exact = (p: number, normalise: 'expected' | 'kept') => {
    let mean = 0;
    let second = 0;
    for (let bits = 0; bits < 1 << (T - 1); bits++) {
      let prob = 1;
      let num = s[0];
      let kept = 1;
      for (let i = 1; i < T; i++) {
        const on = (bits >> (i - 1)) & 1;
        prob *= on ? 1 - p : p;
        if (on) {
          num += normalise === 'expected' ? s[i] / (1 - p) : s[i];
          kept++;
        }
      }
      const value = normalise === 'expected' ? num / (2 * T) : num / (2 * kept);
      mean += prob * value;
      second += prob * value * value;
    }
    return { mean, sd: Math.sqrt(second - mean * mean) };
  };
  ps.forEach((p, k) => {
    for (const normalise of ['expected', 'kept'] as const) {
      const e = exact(p, normalise);
      // A sample mean of `draws` independent masks lies within 5 standard errors of the expectation.
      expect(Math.abs(means[k][normalise] - e.mean)).toBeLessThan((5 * e.sd) / Math.sqrt(draws));
    }
    // Inverse-probability weighting is exactly unbiased: its expectation is the undropped loss.
    expect(exact(p, 'expected').mean).toBeCloseTo(mse, 14);
  });
  // With fixed residuals the 'kept' normalisation is biased (here by more than its sampling noise at p = 0.8).
  const e = exact(0.8, 'kept');
  expect(Math.abs(e.mean - mse)).toBeGreaterThan((10 * e.sd) / Math.sqrt(draws));
  // Masks keep the first point.
  for (const line of lines.slice(0, 3)) expect(line).toMatch(/^mask \(p = 0\.5\): 1( [01]){5}$/);
});
