import { autonomousTgrad, type StandardProblem } from './standard-problem.ts';

/** OREGO: the Oregonator (Belousov–Zhabotinskii reaction), stiff, on [0, 360]; p = [s, w, q]. */
export const OREGO: StandardProblem = {
  name: 'orego',
  description: 'Oregonator (Belousov–Zhabotinskii), stiff, 3 states',
  stiff: true,
  atolFactor: 1e-3,
  t0: 0,
  t1: 360,
  y0: Float64Array.of(1, 2, 3),
  p: Float64Array.of(77.27, 0.161, 8.375e-6),
  names: ['y1', 'y2', 'y3'],
  paramNames: ['s', 'w', 'q'],
  tgrad: autonomousTgrad,
  rhs(_t, y, p, dy) {
    const s = p[0];
    dy[0] = s * (y[1] + y[0] * (1 - p[2] * y[0] - y[1]));
    dy[1] = (y[2] - (1 + y[0]) * y[1]) / s;
    dy[2] = p[1] * (y[0] - y[2]);
  },
  jacobian(_t, y, p, J) {
    const s = p[0];
    J[0] = s * (1 - 2 * p[2] * y[0] - y[1]);
    J[1] = s * (1 - y[0]);
    J[2] = 0;
    J[3] = -y[1] / s;
    J[4] = -(1 + y[0]) / s;
    J[5] = 1 / s;
    J[6] = p[1];
    J[7] = 0;
    J[8] = -p[1];
  },
};
