import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

/** A(t) of A ⇌ B from (a0, b0): relaxation to k2·(a0 + b0)/(k1 + k2) at rate k1 + k2. */
function aOf(t: number, a0: number, b0: number, k1: number, k2: number): number {
  const total = a0 + b0;
  const ss = (k2 * total) / (k1 + k2);
  return Number.isFinite(t) ? ss + (a0 - ss) * Math.exp(-(k1 + k2) * t) : ss;
}

test('petab guide: llh against the analytic solution, gradient against finite differences, fit improves', async () => {
  const { exports, lines } = await runSnippet(() => import('./conversion.ts'));
  const { ev, grad, model, best } = exports;
  const k2 = 0.6;
  // Preequilibration with k1 = 0.1 from A = 1, B = 0: steady state A = 0.6/0.7.
  const a0 = aOf(Number.POSITIVE_INFINITY, 1, 0, 0.1, k2);
  const data: [number, number, number][] = [
    [0.5, 1, 0.75],
    [0.5, 5, 0.62],
    [0.8, 1, 0.52],
    [0.8, 5, 0.38],
    [0.8, Number.POSITIVE_INFINITY, 0.41],
  ];
  let llh = 0;
  for (const [k1, t, m] of data) {
    const y = aOf(t, a0, 1 - a0, k1, k2);
    llh -= 0.5 * Math.log(2 * Math.PI * 0.01) + (0.5 * (m - y) ** 2) / 0.01;
  }
  expect(ev.llh).toBeCloseTo(llh, 6);
  expect(lines[0]).toBe(`llh ${ev.llh.toFixed(6)}  chi2 ${ev.chi2.toFixed(6)}`);
  const { evaluate } = await import('@odeon/petab');
  const theta = model.nominal();
  for (let i = 0; i < 2; i++) {
    const a = Float64Array.from(theta);
    const b = Float64Array.from(theta);
    a[i] += 1e-6;
    b[i] -= 1e-6;
    const fd = (evaluate(model, a).nllh - evaluate(model, b).nllh) / 2e-6;
    expect(grad[i]).toBeCloseTo(fd, 4);
  }
  expect(best?.objective as number).toBeLessThan(ev.nllh);
});
