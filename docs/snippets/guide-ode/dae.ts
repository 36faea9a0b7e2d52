// #region example
import { solve } from '@odeon/ode';

// Robertson's reaction with the conservation law y1 + y2 + y3 = 1 as its third equation: an index-1
// DAE M y′ = f with M = diag(1, 1, 0). The zero marks y3 as algebraic; its initial value is a guess.
const rober = {
  y0: [1, 0, 0.5],
  t0: 0,
  t1: 1e5,
  p: [0.04, 3e7, 1e4],
  massMatrix: [1, 1, 0],
  rhs(_t: number, y: Float64Array, p: Float64Array, f: Float64Array) {
    f[0] = -p[0] * y[0] + p[2] * y[1] * y[2];
    f[1] = p[0] * y[0] - p[1] * y[1] * y[1] - p[2] * y[1] * y[2];
    f[2] = y[0] + y[1] + y[2] - 1;
  },
};

const times = [0, 1, 100, 1e5];
const sol = solve(rober, { method: 'rodas5p', rtol: 1e-8, atol: 1e-14, saveAt: times });
for (let k = 0; k < times.length; k++) {
  const [y1, y2, y3] = sol.y.subarray(3 * k, 3 * k + 3);
  console.log(
    `t = ${times[k]}: y1 = ${y1.toFixed(8)}, y3 = ${y3.toFixed(8)}, y1 + y2 + y3 − 1 = ${(y1 + y2 + y3 - 1).toExponential(1)}`,
  );
}

// #endregion example

export { sol, times };
