import { loadReference } from '@odeon/testkit';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('DAE guide: ROBER with its conservation law matches the reference and conserves mass', async () => {
  const { exports, lines } = await runSnippet(() => import('./dae.ts'));
  const { sol, times } = exports;
  const ref = loadReference('rober');
  expect(lines).toHaveLength(times.length);
  // the inconsistent y3 = 0.5 was made consistent before the solve
  expect(lines[0]).toMatch(/y3 = 0\.00000000,/);
  const k = ref.times.indexOf(1e5);
  for (let i = 0; i < 3; i++)
    expect(Math.abs(sol.y[9 + i] - ref.values[k][i])).toBeLessThan(
      1e-8 * 100 * Math.max(Math.abs(ref.values[k][i]), 1e-8) + 1e-12,
    );
  for (const line of lines) expect(Math.abs(Number(/= (\S+)$/.exec(line)?.[1]))).toBeLessThan(1e-12);
});
