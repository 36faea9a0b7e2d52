// #region example
import { gradient, solve } from '@odeon/ode';

// The bouncing ball again, with gravity g and restitution e as parameters p = [g, e].
const ball = {
  y0: [10, 0],
  p: [9.81, 0.8],
  t0: 0,
  t1: 5,
  rhs(_t: number, y: Float64Array, p: Float64Array, dydt: Float64Array) {
    dydt[0] = y[1];
    dydt[1] = -p[0];
  },
};
const events = [
  {
    condition: (_t: number, y: Float64Array) => y[0],
    direction: -1 as const,
    affect: (_t: number, y: Float64Array, p: Float64Array) => {
      y[1] = -p[1] * y[1];
    },
  },
];

// L = the height at t = 5, differentiated through both bounces (their times move with g and e)
const g = gradient(ball, {
  events,
  saveAt: [5],
  rtol: 1e-10,
  atol: 1e-12,
  loss: { value: (_i, _t, y) => y[0], grad: (_i, _t, _y, out) => void (out[0] = 1) },
  sensitivity: { kind: 'discrete' },
});
console.log(`L = ${g.value.toFixed(6)}, dL/dg = ${g.dp[0].toFixed(4)}, dL/de = ${g.dp[1].toFixed(3)}`);

// the same by central differences of solve
const height = (p: number[]) => solve({ ...ball, p }, { events, saveAt: [5], rtol: 1e-11, atol: 1e-13 }).y[0];
const h = 1e-6;
const fdG = (height([9.81 + h, 0.8]) - height([9.81 - h, 0.8])) / (2 * h);
const fdE = (height([9.81, 0.8 + h]) - height([9.81, 0.8 - h])) / (2 * h);
console.log(`finite differences: dL/dg = ${fdG.toFixed(4)}, dL/de = ${fdE.toFixed(3)}`);
// #endregion example

export { fdE, fdG, g };
