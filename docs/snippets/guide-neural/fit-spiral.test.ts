import { solve } from '@odeon/ode';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('neural guide: L-BFGS on adjoint gradients fits a neural ODE to the analytic spiral', async () => {
  const { exports, lines } = await runSnippet(() => import('./fit-spiral.ts'));
  const { initialLoss, model, result, t, y } = exports;
  // The data are the closed-form solution r(t)(cos 2t, −sin 2t), r = e^{−0.1t}.
  t.forEach((tk, k) => {
    expect([y[2 * k], y[2 * k + 1]]).toBeAllclose(
      [Math.exp(-0.1 * tk) * Math.cos(2 * tk), -Math.exp(-0.1 * tk) * Math.sin(2 * tk)],
      { rtol: 1e-14, atol: 1e-15 },
    );
  });
  expect(model.p).toHaveLength(2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2);
  expect(result.value).toBeLessThan(initialLoss / 100);
  // The fitted model, re-solved at tight tolerance, is within 0.1 of every sample, RMSE < 0.05.
  const fitted = solve(model.problem({ y0: [y[0], y[1]], t0: 0, t1: 5 }), {
    rtol: 1e-10,
    atol: 1e-12,
    saveAt: t,
  });
  let sq = 0;
  t.forEach((_tk, k) => {
    for (let i = 0; i < 2; i++) {
      const d = fitted.y[2 * k + i] - y[2 * k + i];
      expect(Math.abs(d)).toBeLessThan(0.1);
      sq += d * d;
    }
  });
  expect(Math.sqrt(sq / y.length)).toBeLessThan(0.05);
  expect(lines[0]).toBe('354 parameters');
  expect(lines[1]).toMatch(/^loss \S+ → \S+ in \d+ L-BFGS iterations$/);
});
