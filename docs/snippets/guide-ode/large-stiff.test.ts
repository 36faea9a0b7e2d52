import { solve } from '@odeon/ode';
import { bruss2d } from '@odeon/ode/problems';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('large stiff systems guide: BDF on the sparse Jacobian matches a tight Rodas5P solve', async () => {
  const { exports, lines } = await runSnippet(() => import('./large-stiff.ts'));
  const { sol, diff } = exports;
  const problem = bruss2d({ N: 16, source: 'off' });
  const ref = solve({ ...problem, t1: 1 }, { method: 'rodas5p', rtol: 1e-10, atol: 1e-12, saveAt: [1] });
  expect(sol.y).toBeAllclose(ref.y, { rtol: 1e-4, atol: 1e-6 });
  expect(diff).toBeLessThan(1e-4);
  expect(lines[0]).toBe('n = 512, Jacobian non-zeros = 3072 (dense would be 262144)');
  expect(lines).toHaveLength(3);
}, 120_000);
