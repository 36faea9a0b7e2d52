import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

// ROBER at t = 40: Hairer & Wanner, Solving ODEs II (2nd ed.), sect. IV.10, reference solution
// y(40) = (0.7158270687, 0.9185534764e-5, 0.2841637457).
const y40 = [0.7158270687, 0.9185534764e-5, 0.2841637457];

test('stiff tutorial: every method reaches the reference y(40); Rosenbrock takes far fewer steps', async () => {
  const { exports, lines } = await runSnippet(() => import('./stiff-rober.ts'));
  const { methods, solutions } = exports;
  expect(methods).toEqual(['tsit5', 'dop853', 'rodas5p', 'auto']);
  for (const sol of solutions) {
    const final = Array.from(sol.y.subarray((sol.t.length - 1) * sol.n));
    expect(sol.t[sol.t.length - 1]).toBe(40);
    expect(final).toBeAllclose(y40, { rtol: 2e-5, atol: 1e-12 });
  }
  const steps = solutions.map((s) => s.stats.acceptedSteps);
  const [tsit5, dop853, rodas5p, auto] = steps;
  // The explicit methods are held to their stability limit (h ≈ 1e-3 once y2 settles) and need
  // thousands of steps; the stiff solver's steps grow with t. The tutorial claims a factor of 50+.
  expect(Math.min(tsit5, dop853)).toBeGreaterThan(50 * rodas5p);
  expect(auto).toBeLessThan(tsit5 / 50);
  expect(solutions[2].stats.luFactorizations).toBeGreaterThan(0);
  expect(solutions[0].stats.luFactorizations).toBe(0);

  // The printed table: a header and one row per method with its own counters and y2(40).
  expect(lines).toHaveLength(1 + methods.length);
  methods.forEach((m, i) => {
    const cols = lines[i + 1].trim().split(/\s+/);
    expect(cols[0]).toBe(m);
    expect(Number(cols[1])).toBe(solutions[i].stats.acceptedSteps);
    expect(Number(cols[4])).toBeAllclose([y40[1]], { rtol: 2e-5, atol: 0 });
  });
});
