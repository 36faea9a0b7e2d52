import { solve } from '@odeon/ode';
import { numericJacobian } from '@odeon/testkit';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

const snippet = runSnippet(() => import('./jacobian-regularisation.ts'));

/** ∂f/∂y at each state by central finite differences of the right-hand side, row-major 2 × 2. */
async function fdJacobians() {
  const { model, problem, states } = (await snippet).exports;
  const f = (y: Float64Array) => {
    const out = new Float64Array(2);
    problem.rhs(0, y, model.p, out);
    return out;
  };
  return Array.from({ length: states.length / 2 }, (_, k) =>
    Array.from(numericJacobian(f, states.subarray(2 * k, 2 * k + 2)).J),
  );
}

/** Singular values of a 2 × 2 matrix in closed form. */
function singularValues([a, b, c, d]: number[]): [number, number] {
  const t = a * a + b * b + c * c + d * d;
  const det = Math.abs(a * d - b * c);
  const s1 = Math.sqrt((t + Math.sqrt(Math.max(t * t - 4 * det * det, 0))) / 2);
  return [s1, det / s1];
}

test('the Frobenius regulariser equals the mean ‖J‖²_F of finite-difference Jacobians', async () => {
  const { terms } = (await snippet).exports;
  const Js = await fdJacobians();
  const mean = Js.reduce((s, J) => s + J.reduce((t, v) => t + v * v, 0), 0) / Js.length;
  expect(terms.frobenius).toBeAllclose([mean], { rtol: 1e-6, atol: 0 });
  expect(mean).toBeGreaterThan(0);
});

test('the spectral and condition regularisers match closed-form singular values of those Jacobians', async () => {
  const { terms } = (await snippet).exports;
  const svs = (await fdJacobians()).map(singularValues);
  const spectral = svs.reduce((s, [s1]) => s + s1, 0) / svs.length;
  const condition = svs.reduce((s, [s1, s2]) => s + s1 / s2, 0) / svs.length;
  expect(terms.spectral).toBeAllclose([spectral], { rtol: 1e-6, atol: 0 });
  expect(terms.condition).toBeAllclose([condition], { rtol: 1e-5, atol: 0 });
});

test('NFE is the number of times the solver called the right-hand side', async () => {
  const { exports, lines } = await snippet;
  const { problem, sol } = exports;
  let calls = 0;
  const counted = {
    ...problem,
    rhs: (t: number, y: Float64Array, p: Float64Array, dy: Float64Array) => {
      calls++;
      problem.rhs(t, y, p, dy);
    },
  };
  const times = Array.from({ length: 25 }, (_, i) => 0.4 * (i + 1));
  const again = solve(counted, { method: 'dopri5', rtol: 1e-7, atol: 1e-9, saveAt: times });
  expect(again.stats.rhsEvals).toBe(calls);
  expect(sol.stats.rhsEvals).toBe(calls);
  expect(lines[0]).toBe(`dopri5 at rtol 1e-7: ${calls} RHS evaluations, ${sol.stats.acceptedSteps} steps`);
});
