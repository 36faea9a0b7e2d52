// #region example
import { gradient, isOdeonError, type SensitivityKind } from '@odeon/ode';

const rober = {
  y0: [1, 0, 0],
  t0: 0,
  t1: 1e5,
  p: [0.04, 3e7, 1e4], // k1, k2, k3
  rhs(_t: number, y: Float64Array, p: Float64Array, dydt: Float64Array) {
    const [k1, k2, k3] = p;
    dydt[0] = -k1 * y[0] + k3 * y[1] * y[2];
    dydt[1] = k1 * y[0] - k3 * y[1] * y[2] - k2 * y[1] * y[1];
    dydt[2] = k2 * y[1] * y[1];
  },
};

// L = Σ_k y1(t_k) over 50 log-spaced observation times; we want dL/dp.
const saveAt = Array.from({ length: 50 }, (_, k) => 10 ** (-5 + (k * 10) / 49));
const loss = {
  value: (_i: number, _t: number, y: Float64Array) => y[0],
  grad: (_i: number, _t: number, _y: Float64Array, out: Float64Array) => {
    out.fill(0);
    out[0] = 1;
  },
};

// dL/dp from SUNDIALS CVODES (adjoint, rtol 1e-12), for comparison.
const reference = [-91.91272270508809, -5.2630829596219925e-8, 3.1579753216856506e-4];

const kinds: SensitivityKind[] = ['forward', 'quadrature', 'interpolating', 'discrete', 'backsolve'];
const results = kinds.map((kind) => {
  try {
    const r = gradient(rober, { rtol: 1e-8, atol: 1e-12, saveAt, loss, sensitivity: { kind } });
    const error = Math.max(...reference.map((ref, i) => Math.abs(r.dp[i] - ref) / Math.abs(ref)));
    console.log(
      `${kind.padEnd(13)} dL/dk1 = ${r.dp[0].toFixed(6)}   max relative error ${error.toExponential(1)}   backward steps ${r.stats.backward.acceptedSteps}`,
    );
    return { kind, dp: r.dp, error: null };
  } catch (e) {
    if (!isOdeonError(e)) throw e;
    console.log(`${kind.padEnd(13)} failed: ${e.code}: ${e.message.split('.')[0]}`);
    return { kind, dp: null, error: e };
  }
});

// #endregion example

export { reference, results };
