import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';
import { bateman } from './bateman.ts';

test('sbml guide, builder: A → B → C follows the analytic (Bateman) solution', async () => {
  const { exports, lines } = await runSnippet(() => import('./build.ts'));
  const { course } = exports;
  expect(course.names).toEqual(['A', 'B', 'C']);
  expect(course.times).toHaveLength(151);
  const exact = Array.from(course.times).flatMap((t) => bateman(t, 1.0, 0.3));
  expect(course.values).toBeAllclose(exact, { rtol: 1e-6, atol: 1e-9 });
  expect(lines[0]).toMatch(/^3 states \(A, B, C\)/);
  const printed = [...lines[1].split(':')[1].matchAll(/= ([\d.]+)/g)].map((m) => Number(m[1]));
  expect(printed).toBeAllclose(bateman(15, 1.0, 0.3), { rtol: 0, atol: 1e-6 });
  expect(lines[2]).toMatch(/^\d+ solver steps$/);
});
