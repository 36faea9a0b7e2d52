import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('train guide, optimisers: L-BFGS and Adam both find the Rosenbrock minimum (1, 1)', async () => {
  const { exports, lines } = await runSnippet(() => import('./optimizers.ts'));
  const { lbfgs, lbfgsTrace, adamTrace, adamX } = exports;
  expect(lbfgs.converged).toBe(true);
  expect(Array.from(lbfgs.x)).toBeAllclose([1, 1], { rtol: 0, atol: 1e-5 });
  expect(Array.from(adamX)).toBeAllclose([1, 1], { rtol: 0, atol: 1e-5 });
  // f(-1.2, 1) = 24.2: both traces start below it (L-BFGS logs after its first step) and end near 0.
  expect(adamTrace[0]).toBeCloseTo(24.2, 10);
  expect(lbfgsTrace[lbfgsTrace.length - 1]).toBeLessThan(1e-10);
  expect(adamTrace).toHaveLength(5000);
  // L-BFGS needs far fewer iterations than Adam's fixed-step descent on this curved valley.
  expect(lbfgs.iterations).toBeLessThan(100);
  expect(lines[0]).toMatch(/^L-BFGS: x = \(1\.000000, 1\.000000\) after \d+ iterations/);
  expect(lines[1]).toMatch(/^Adam: {3}x = \(1\.000000, 1\.000000\) after 5000 steps/);
});
