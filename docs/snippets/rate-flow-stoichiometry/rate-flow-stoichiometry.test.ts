import { RateFlowODE } from '@odeon/neural';
import { solve } from '@odeon/ode';
import { gradcheck } from '@odeon/testkit';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

const snippet = runSnippet(() => import('./rate-flow-stoichiometry.ts'));

/** Largest entrywise distance from [[-1,0],[1,-1],[0,1]] after scaling each column to max |entry| 1, best column order. */
function recoveryError(S: Float64Array): number {
  const col = (j: number) => {
    const c = [S[j], S[2 + j], S[4 + j]];
    const m = Math.max(...c.map(Math.abs));
    return c.map((v) => v / m);
  };
  const target = [
    [-1, 1, 0],
    [0, -1, 1],
  ];
  const diff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  return Math.min(
    Math.max(diff(col(0), target[0]), diff(col(1), target[1])),
    Math.max(diff(col(0), target[1]), diff(col(1), target[0])),
  );
}

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

test('the start selected by training objective recovers A → B, B → C up to column order and scale', async () => {
  const { model, results, best } = (await snippet).exports;
  expect(recoveryError(model.stoichiometry()), Array.from(model.stoichiometry()).join(' ')).toBeLessThan(0.1);
  expect(best.loss).toBe(Math.min(...results.map((r) => r.loss)));
  expect(best.mse).toBeLessThan(1e-3);
});

test('the penalties’ gradient (flux at the data states, integer, bipolar) matches central differences', async () => {
  const { model, penalties, states } = (await snippet).exports;
  const fresh = new RateFlowODE({ species: 3, reactions: 2, network: { width: 16, depth: 1 }, seed: 9 });
  for (const m of [model, fresh]) {
    const report = gradcheck(
      (p) => penalties.evaluate(m, { params: p, states }).total,
      (p) => penalties.valueAndGrad(m, { params: p, states }).grad,
      m.p,
      { rtol: 1e-5, atol: 1e-8 },
    );
    expect(report.pass).toBe(true);
    // the stoichiometry entries (the first 6 parameters) do get a gradient
    expect(Math.max(...Array.from(report.analytic.subarray(0, 6), Math.abs))).toBeGreaterThan(1e-4);
  }
});

test('prints each start and the selected S', async () => {
  const { lines } = await snippet;
  expect(lines).toHaveLength(4);
  expect(lines[0]).toMatch(/^start 3: loss \S+ {2}S: A \[\S+, \S+\] {2}B \[\S+, \S+\] {2}C \[\S+, \S+\]$/);
  expect(lines.at(-1)).toMatch(/^selected start \d: S A \[\S+, \S+\] {2}B \[\S+, \S+\] {2}C \[\S+, \S+\]$/);
});
