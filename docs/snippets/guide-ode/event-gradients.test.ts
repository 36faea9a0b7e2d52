import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('event gradients guide: the bouncing ball’s gradient matches finite differences of solve', async () => {
  const { exports, lines } = await runSnippet(() => import('./event-gradients.ts'));
  const { g, fdG, fdE } = exports;
  expect(g.dp[0]).toBeCloseTo(fdG, 5);
  expect(g.dp[1]).toBeCloseTo(fdE, 4);
  // not the free-fall value −t²/2 = −12.5 that ignoring the events would give
  expect(g.dp[0]).toBeCloseTo(-0.9345, 3);
  expect(lines[0]).toMatch(/dL\/dg = -0\.934\d, dL\/de = 39\.329/);
});
