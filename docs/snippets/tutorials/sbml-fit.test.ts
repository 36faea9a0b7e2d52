import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('SBML fit tutorial: recovers kf and kr of A ⇌ B from noisy analytic data', async () => {
  const { exports, lines } = await runSnippet(() => import('./sbml-fit.ts'));
  const { compiled, data, result } = exports;
  expect(compiled.stateIds).toEqual(['A', 'B']);
  expect(compiled.paramIds).toEqual(expect.arrayContaining(['kf', 'kr']));
  // The data: A(t) = A_eq + (A0 − A_eq) e^{−(kf+kr)t}, A_eq = A0·kr/(kf+kr), B = A0 − A, within the noise.
  const m = data.measurements[0];
  for (let k = 0; k < m.t.length; k++) {
    const a = 0.5 + 1.5 * Math.exp(-0.8 * m.t[k]);
    expect(Math.abs(m.y[2 * k] - a)).toBeLessThanOrEqual(0.1 * a + 1e-12);
  }
  expect(result.converged).toBe(true);
  expect(result.parameters.kf).toBeAllclose([0.6], { rtol: 0.05, atol: 0 });
  expect(result.parameters.kr).toBeAllclose([0.2], { rtol: 0.05, atol: 0 });
  expect(result.starts).toHaveLength(3);
  expect(lines[0]).toMatch(/^kf = \S+, kr = \S+ {3}\(true 0\.6, 0\.2\)$/);
  expect(lines[1]).toMatch(/^equilibrium constant kf\/kr = \S+ {3}\(true 3\)$/);
});
