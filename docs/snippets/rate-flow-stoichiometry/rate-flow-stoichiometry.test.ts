import { RateFlowODE } from '@odeon/neural';
import { solve } from '@odeon/ode';
import { gradcheck } from '@odeon/testkit';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

const snippet = runSnippet(() => import('./rate-flow-stoichiometry.ts'));

test('the closed-form A → B → C data agree with a tight numerical solve of the mass-action ODE', async () => {
  const { data, times } = (await snippet).exports;
  const y0s = [
    [1, 0, 0],
    [0.2, 0.8, 0],
    [0.6, 0.3, 0.1],
  ];
  y0s.forEach((y0, k) => {
    const sol = solve(
      {
        y0,
        t0: 0,
        t1: 8,
        rhs: (_t, y, _p, dy) => {
          dy[0] = -y[0];
          dy[1] = y[0] - 0.5 * y[1];
          dy[2] = 0.5 * y[1];
        },
      },
      { method: 'dopri5', rtol: 1e-11, atol: 1e-13, saveAt: times },
    );
    expect(data[k]).toBeAllclose(Array.from(sol.y), { rtol: 1e-8, atol: 1e-10 });
  });
});

test('training lowers the penalised loss, and the penalties themselves', async () => {
  const { losses, model, penalties } = (await snippet).exports;
  expect(losses).toHaveLength(501);
  expect(losses[500]).toBeLessThan(0.1 * losses[0]);
  const untrained = new RateFlowODE({
    species: 3,
    reactions: 2,
    network: { width: 8, depth: 1, activation: 'tanh' },
    seed: 2,
  });
  expect(penalties.evaluate(model).total).toBeLessThan(0.5 * penalties.evaluate(untrained).total);
});

test('the penalties’ gradient matches central differences', async () => {
  const { model, penalties } = (await snippet).exports;
  const report = gradcheck(
    (p) => penalties.evaluate(model, { params: p }).total,
    (p) => penalties.valueAndGrad(model, { params: p }).grad,
    model.p,
    { rtol: 1e-5, atol: 1e-8 },
  );
  expect(report.pass).toBe(true);
  // and the stoichiometry entries (the first 6 parameters) do get a gradient
  expect(Math.max(...Array.from(report.analytic.subarray(0, 6), Math.abs))).toBeGreaterThan(1e-4);
});

test('prints S before and after training', async () => {
  const { lines } = await snippet;
  expect(lines[0]).toMatch(/^S before: A \[\S+, \S+\] {2}B \[\S+, \S+\] {2}C \[\S+, \S+\]$/);
  expect(lines.at(-1)).toMatch(/^S after: {2}A \[\S+, \S+\] {2}B \[\S+, \S+\] {2}C \[\S+, \S+\]$/);
});
