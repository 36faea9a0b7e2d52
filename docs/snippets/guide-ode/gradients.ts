// #region example
import { gradient } from '@odeon/ode';

// A → B → C with a fast second step (k2 = 1000 k1: stiff). Parameters p = [k1, k2].
const k1 = 1;
const k2 = 1000;
const chain = {
  y0: [1, 0, 0],
  t0: 0,
  t1: 5,
  p: [k1, k2],
  rhs(_t: number, y: Float64Array, p: Float64Array, dydt: Float64Array) {
    dydt[0] = -p[0] * y[0];
    dydt[1] = p[0] * y[0] - p[1] * y[1];
    dydt[2] = p[1] * y[1];
  },
  // optional derivatives: without them gradient() falls back to finite differences (see g.stats)
  vjp(_t: number, y: Float64Array, p: Float64Array, v: Float64Array, outY: Float64Array, outP: Float64Array) {
    outY[0] = p[0] * (v[1] - v[0]);
    outY[1] = p[1] * (v[2] - v[1]);
    outY[2] = 0;
    outP[0] = y[0] * (v[1] - v[0]);
    outP[1] = y[1] * (v[2] - v[1]);
  },
};

// L = Σ_k B(t_k) over 20 observation times: its gradient with respect to k1, k2 and y0.
const saveAt = Array.from({ length: 20 }, (_, k) => 0.25 * (k + 1));
const loss = {
  value: (_i: number, _t: number, y: Float64Array) => y[1],
  grad: (_i: number, _t: number, _y: Float64Array, out: Float64Array) => {
    out[1] = 1;
  },
};

for (const kind of ['discrete', 'quadrature', 'forward'] as const) {
  const g = gradient(chain, {
    method: 'rodas5p',
    rtol: 1e-8,
    atol: 1e-12,
    saveAt,
    loss,
    sensitivity: { kind },
  });
  console.log(
    `${kind.padEnd(10)} L = ${g.value.toFixed(10)}  dL/dk1 = ${g.dp[0].toExponential(8)}  dL/dk2 = ${g.dp[1].toExponential(8)}  ` +
      `(${g.stats.forward.acceptedSteps} forward / ${g.stats.backward.acceptedSteps} backward steps)`,
  );
}

// The closed form: B(t) = k1 (e^(−k1 t) − e^(−k2 t)) / (k2 − k1), differentiated by hand.
function exactGradient(times: readonly number[]): [number, number] {
  const d = k2 - k1;
  let a = 0;
  let b = 0;
  for (const t of times) {
    const e1 = Math.exp(-k1 * t);
    const e2 = Math.exp(-k2 * t);
    a += (e1 - e2) / d - (k1 * t * e1) / d + (k1 * (e1 - e2)) / (d * d);
    b += (k1 * t * e2) / d - (k1 * (e1 - e2)) / (d * d);
  }
  return [a, b];
}
const [dk1, dk2] = exactGradient(saveAt);
console.log(`exact      dL/dk1 = ${dk1.toExponential(8)}  dL/dk2 = ${dk2.toExponential(8)}`);

// #endregion example

export { dk1, dk2 };
