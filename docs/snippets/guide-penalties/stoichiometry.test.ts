import { numericGradient } from '@odeon/testkit';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

const S = [-0.9, 0.1, 1.2, -1, 0.05, 0.7];

test('penalties guide: stoichiometry terms as defined, and their gradient matches finite differences', async () => {
  const { exports, lines } = await runSnippet(() => import('./stoichiometry.ts'));
  const { exact, learned, penalties, grad } = exports;
  const zero = penalties.evaluate(exact);
  expect(zero.total).toBeLessThan(1e-12);

  const { terms, total } = penalties.evaluate(learned);
  // integer(S) = Σ (S − round S)²; conservation(S) = ‖M S‖² with M = [1 1 1].
  const integer = S.reduce((s, v) => s + (v - Math.round(v)) ** 2, 0);
  const ms = [S[0] + S[2] + S[4], S[1] + S[3] + S[5]];
  const conservation = ms[0] ** 2 + ms[1] ** 2;
  expect(terms.integer).toBeCloseTo(integer, 12);
  expect(terms.conservation).toBeCloseTo(conservation, 12);
  expect(terms.bipolar).toBeGreaterThan(0);
  expect(total).toBeCloseTo(terms.bipolar + terms.integer + 10 * terms.conservation, 12);

  // Central differences of the total over the six entries of S (the first flat parameters).
  const p0 = Float64Array.from(learned.p);
  const f = (s: Float64Array) => {
    const p = Float64Array.from(p0);
    p.set(s, 0);
    return penalties.evaluate(learned, { params: p }).total;
  };
  const fd = numericGradient(f, Float64Array.from(S));
  expect(Array.from(grad.subarray(0, 6))).toBeAllclose(Array.from(fd), { rtol: 1e-6, atol: 1e-8 });

  expect(lines[0]).toMatch(/^A → B → C\s+total 0\.0000/);
  expect(lines[1]).toMatch(/^learned\s+total 1\.877\d/);
});
