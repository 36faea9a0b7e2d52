// The "Gradients" example of packages/ode/README.md (the region below, verbatim), run with assertions
// outside the shown region against the CVODES values of shared/reference/rober.json.
import { loadReference } from '@odeon/testkit';
import { expect, it } from 'vitest';

it('README example: ROBER gradient by the quadrature adjoint; backsolve breaks down', async () => {
  // #region example
  const { gradient, isOdeonError } = await import('@odeon/ode');
  const { ROBER } = await import('@odeon/ode/problems');

  // L = Σ_k y2(t_k) over 50 log-spaced times, differentiated with respect to p = (k1, k2, k3) and y0
  const times = Array.from({ length: 50 }, (_, k) => 10 ** (-5 + (10 * k) / 49));
  const loss = {
    value: (_i: number, _t: number, y: Float64Array) => y[1],
    grad: (_i: number, _t: number, _y: Float64Array, out: Float64Array) => {
      out[1] = 1;
    },
  };
  const g = gradient(ROBER, {
    rtol: 1e-8,
    atol: 1e-16,
    saveAt: times,
    loss,
    sensitivity: { kind: 'quadrature' },
  });
  // g.value = L, g.dp = dL/dp, g.dy0 = dL/dy0, g.stats.maxLuSize = 3 (only n×n systems are factorised)

  // Reversing the stiff ODE (torchdiffeq's `backsolve`) breaks down on the same problem:
  let backsolveFailed = false;
  try {
    gradient(ROBER, { rtol: 1e-8, atol: 1e-16, saveAt: [1e5], loss, sensitivity: { kind: 'backsolve' } });
  } catch (e) {
    backsolveFailed = isOdeonError(e, 'GradientFailed'); // "reversing the ODE broke down … use 'quadrature'"
  }
  // #endregion example
  const ref = loadReference('rober').gradients!.per_component;
  expect(Math.abs(g.value - ref.L[1])).toBeLessThan(1e-8 * ref.L[1]);
  for (let k = 0; k < 3; k++) {
    expect(Math.abs(g.dp[k] - ref.dL_dp[1][k])).toBeLessThan(1e-5 * Math.abs(ref.dL_dp[1][k]));
  }
  expect(g.stats.maxLuSize).toBe(3);
  expect(backsolveFailed).toBe(true);
});
