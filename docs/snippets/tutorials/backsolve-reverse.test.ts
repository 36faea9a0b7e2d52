import { loadReference } from '@odeon/testkit';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('backsolve tutorial: reversing ROBER from y(1e5) tracks y2 for a while, then breaks down', async () => {
  const ref = loadReference('rober');
  const { exports, lines } = await runSnippet(() => import('./backsolve-reverse.ts'));
  const { backT, backY2, forward, times } = exports;
  expect(times).toBeAllclose(ref.times, { rtol: 1e-14, atol: 0 });
  const y2ref = ref.values.map((v) => v[1]);
  expect(Array.from({ length: 50 }, (_, k) => forward.y[k * 3 + 1])).toBeAllclose(y2ref, {
    rtol: 1e-5,
    atol: 1e-14,
  });
  // It gets part of the way back, and never to the early transient (t < 1e-2).
  expect(backT.length).toBeGreaterThan(5);
  expect(backT[backT.length - 1]).toBeGreaterThan(1e-2);
  // Where it got, it matches the reference.
  backT.forEach((t, j) => {
    const k = ref.times.findIndex((rt) => Math.abs(rt - t) <= 1e-12 * t);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(backY2[j]).toBeAllclose([y2ref[k]], { rtol: 1e-3, atol: 0 });
  });
  expect(lines[0]).toMatch(/^backward integration failed: StepSizeTooSmall at t = /);
});
