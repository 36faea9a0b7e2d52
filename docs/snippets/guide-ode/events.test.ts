import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('events guide: bounces at the analytic impact times', async () => {
  const { exports, lines } = await runSnippet(() => import('./events.ts'));
  const { g, sol } = exports;
  // Free fall from h: first impact at t1 = sqrt(2h/g) with speed v1 = g·t1; each later arc of a ball
  // leaving the ground at speed v lasts 2v/g, and the speed shrinks by the restitution e = 0.8.
  const t1 = Math.sqrt((2 * 10) / g);
  const expected = [t1];
  let v = g * t1;
  while (true) {
    v *= 0.8;
    const next = expected[expected.length - 1] + (2 * v) / g;
    if (next > 8) break;
    expected.push(next);
  }
  expect(expected).toHaveLength(4);
  expect(sol.events.map((e) => e.t)).toBeAllclose(expected, { rtol: 1e-8, atol: 0 });
  expect(lines.slice(0, 4).map((l) => Number(/t = ([\d.]+) s/.exec(l)?.[1]))).toBeAllclose(expected, {
    rtol: 0,
    atol: 1e-6,
  });
  expect(lines[4]).toBe('4 bounces before t = 8 s');
  // The ball never goes (noticeably) below ground.
  for (let i = 0; i < sol.t.length; i++) expect(sol.y[2 * i]).toBeGreaterThan(-1e-8);
});
