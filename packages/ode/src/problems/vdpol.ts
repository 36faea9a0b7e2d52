import { autonomousTgrad, type StandardProblem } from './standard-problem.ts';

/** Van der Pol oscillator with µ = 1000 (stiff) on [0, 2000], p = [µ]. */
export const VDPOL: StandardProblem = {
  name: 'vdpol',
  description: 'Van der Pol oscillator, µ = 1000 (stiff, 2 states)',
  stiff: true,
  atolFactor: 1e-6,
  t0: 0,
  t1: 2000,
  y0: Float64Array.of(2, 0),
  p: Float64Array.of(1000),
  names: ['y1', 'y2'],
  paramNames: ['mu'],
  tgrad: autonomousTgrad,
  rhs(_t, y, p, dy) {
    dy[0] = y[1];
    dy[1] = p[0] * (1 - y[0] * y[0]) * y[1] - y[0];
  },
  jacobian(_t, y, p, J) {
    J[0] = 0;
    J[1] = 1;
    J[2] = -2 * p[0] * y[0] * y[1] - 1;
    J[3] = p[0] * (1 - y[0] * y[0]);
  },
  paramJacobian(_t, y, _p, Jp) {
    Jp[0] = 0;
    Jp[1] = (1 - y[0] * y[0]) * y[1];
  },
};
