import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';
import { bateman } from './bateman.ts';

test('sbml guide, import: the SBML model gives the analytic B(t) at t = 0..10', async () => {
  const { exports, lines } = await runSnippet(() => import('./import-sbml.ts'));
  const { course } = exports;
  expect(course.names).toEqual(['B']);
  expect(Array.from(course.times)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const exact = Array.from(course.times, (t) => bateman(t, 1, 0.3)[1]);
  expect(course.values).toBeAllclose(exact, { rtol: 1e-6, atol: 1e-10 });
  expect(lines.slice(0, 3)).toEqual(['model consecutive: SBML L3V2', '  r1: A -> B', '  r2: B -> C']);
  const printed = lines[3].replace('B(t) = ', '').split(' ').map(Number);
  expect(printed).toBeAllclose(exact, { rtol: 0, atol: 6e-6 });
});
