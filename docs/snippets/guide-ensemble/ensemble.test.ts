import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('ensemble guide: statistics of 200 members on 2 workers match the closed form member by member', async () => {
  const { exports, lines } = await runSnippet(() => import('./ensemble.ts'));
  const { members, stats } = exports;
  expect(stats.status).toEqual({ success: 200, terminated: 0, failed: 0 });
  // A(t) = A∞ + (A0 − A∞) e^{−(kf+kr)t}, A∞ = kr·A0/(kf+kr): the mean at t = 5 from a serial loop.
  const values = members.map((mem) => {
    const p = mem.p as Record<string, number>;
    const a0 = (mem.y0 as Record<string, number>).A;
    const aInf = (p.kr * a0) / (p.kf + p.kr);
    return aInf + (a0 - aInf) * Math.exp(-(p.kf + p.kr) * 5);
  });
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const m = stats.names.length;
  const iA = stats.names.indexOf('A');
  const last = stats.saveAt.length - 1;
  expect(stats.mean[last * m + iA]).toBeCloseTo(mean, 6);
  const sorted = [...values].sort((a, b) => a - b);
  const q = (level: number) => {
    const h = (sorted.length - 1) * level;
    const lo = Math.floor(h);
    return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
  };
  expect(stats.quantiles[0][last * m + iA]).toBeCloseTo(q(0.05), 6);
  expect(stats.quantiles[2][last * m + iA]).toBeCloseTo(q(0.95), 6);
  expect(lines[0]).toBe('200 of 200 members solved');
  expect(lines[1]).toMatch(/^A\(5\): mean 0\.\d{4}, 90% band \[0\.\d{4}, 0\.\d{4}\]$/);
}, 120_000);
