import { loadReference, scaledErrorVsReference } from '@odeon/testkit';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('getting started: ROBER with Rodas5P matches the reference solution and prints it', async () => {
  const ref = loadReference('rober');
  const { exports, lines } = await runSnippet(() => import('./rober.ts'));
  const { sol, saveAt } = exports;

  // The snippet's output times are the reference's (t_k = 10^(-5 + 10k/49)).
  expect(saveAt).toBeAllclose(ref.times, { rtol: 1e-14, atol: 0 });
  expect(Array.from(sol.t)).toBeAllclose(ref.times, { rtol: 1e-14, atol: 0 });
  expect(sol.status).toBe('success');
  // Within the requested tolerances (rtol 1e-8, atol 1e-12) at every reference time, up to a factor
  // for global error accumulation.
  expect(scaledErrorVsReference(ref, sol.y, 1e-8, 1e-12)).toBeLessThan(50);

  // What it prints: the status, y(1e5) to 7 significant digits (compared with the reference), mass
  // conservation (y1 + y2 + y3 = 1 holds exactly for ROBER) and the work statistics.
  expect(lines[0]).toBe('status: success');
  const printed = /^y\(1e5\) = \[(.+)\]$/.exec(lines[1])?.[1].split(', ').map(Number);
  expect(printed).toBeAllclose(ref.final, { rtol: 1e-6, atol: 1e-16 });
  expect(Math.abs(Number(/= (.+)$/.exec(lines[2])?.[1]))).toBeLessThan(1e-10);
  expect(lines[3]).toMatch(/^\d+ steps \(\d+ rejected\), \d+ rhs evaluations, \d+ LU factorisations$/);
  expect(lines).toHaveLength(4);
});
