import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('dense output guide: the interpolant matches cos(ωt) between the steps', async () => {
  const { exports, lines } = await runSnippet(() => import('./dense.ts'));
  const { omega, sol } = exports;
  const ts = Array.from({ length: 997 }, (_, i) => (i * 10) / 996);
  const exact = ts.flatMap((t) => [Math.cos(omega * t), -omega * Math.sin(omega * t)]);
  const interpolated = ts.flatMap((t) => Array.from(sol.interpolate(t)));
  expect(interpolated).toBeAllclose(exact, { rtol: 0, atol: 1e-8 });
  expect(lines[0]).toBe(`${sol.stats.acceptedSteps} steps`);
  for (const line of lines.slice(1)) {
    const [, t, y, err] = /^y\(([\d.]+)\) = (\S+)\s+\|error\| = (\S+)$/.exec(line) ?? [];
    expect(Number(y)).toBeCloseTo(Math.cos(omega * Number(t)), 4);
    expect(Number(err)).toBeLessThan(1e-8);
  }
  expect(lines).toHaveLength(4);
});
