// #region example
import { isOdeonError, solve } from '@odeon/ode';

function rhs(_t: number, y: Float64Array, p: Float64Array, dydt: Float64Array) {
  const [k1, k2, k3] = p;
  dydt[0] = -k1 * y[0] + k3 * y[1] * y[2];
  dydt[1] = k1 * y[0] - k3 * y[1] * y[2] - k2 * y[1] * y[1];
  dydt[2] = k2 * y[1] * y[1];
}
const p = [0.04, 3e7, 1e4];
const times = Array.from({ length: 50 }, (_, k) => 10 ** (-5 + (k * 10) / 49));

// Forward: from y(0) = (1, 0, 0) to t = 1e5, saving the 50 times.
const forward = solve(
  { rhs, p, y0: [1, 0, 0], t0: 0, t1: 1e5 },
  { method: 'rodas5p', rtol: 1e-8, atol: 1e-12, saveAt: times },
);

// Backward: what backsolve must do, start from y(1e5) and integrate the same ODE back in time,
// one observation interval at a time, until it breaks down.
const backT: number[] = [1e5];
const backY2: number[] = [forward.y[49 * 3 + 1]];
let y = forward.y.slice(49 * 3);
try {
  for (let k = 49; k > 0; k--) {
    const s = solve(
      { rhs, p, y0: y, t0: times[k], t1: times[k - 1] },
      { method: 'rodas5p', rtol: 1e-8, atol: 1e-12 },
    );
    y = s.y.slice(s.y.length - 3);
    backT.push(times[k - 1]);
    backY2.push(y[1]);
  }
} catch (e) {
  if (!isOdeonError(e)) throw e;
  const t = e.context.t ?? Number.NaN;
  console.log(
    `backward integration failed: ${e.code} at t = ${t.toPrecision(3)} (step size ${e.context.dt?.toExponential(1)})`,
  );
}
const last = backT.length - 1;
console.log(
  `y2 at t = ${backT[last].toPrecision(3)}: backward ${backY2[last].toExponential(4)}, forward ${forward.y[(49 - last) * 3 + 1].toExponential(4)}`,
);

// #endregion example

export { backT, backY2, forward, times };
export const plot: SeriesPlot = {
  title: 'ROBER: y2 forward, and integrated backward from y(1e5)',
  xLabel: 't',
  yLabel: 'y2',
  curves: [
    { name: 'forward', x: times, y: times.map((_, k) => forward.y[k * 3 + 1]) },
    { name: 'backward from y(1e5)', x: backT, y: backY2 },
  ],
  xScale: 'log',
  yScale: 'log',
};

import type { SeriesPlot } from '../series-plot.ts';
