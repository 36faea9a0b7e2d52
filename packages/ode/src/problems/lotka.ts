import { autonomousTgrad, type StandardProblem } from './standard-problem.ts';

/** Lotka–Volterra predator–prey on [0, 10], p = [α, β, γ, δ] = [1.5, 1, 3, 1]. */
export const LOTKA: StandardProblem = {
  name: 'lotka',
  description: 'Lotka–Volterra predator–prey (non-stiff, 2 states)',
  stiff: false,
  atolFactor: 1e-3,
  t0: 0,
  t1: 10,
  y0: Float64Array.of(1, 1),
  p: Float64Array.of(1.5, 1, 3, 1),
  names: ['x (prey)', 'y (predator)'],
  paramNames: ['alpha', 'beta', 'gamma', 'delta'],
  tgrad: autonomousTgrad,
  rhs(_t, y, p, dy) {
    const xy = y[0] * y[1];
    dy[0] = p[0] * y[0] - p[1] * xy;
    dy[1] = p[3] * xy - p[2] * y[1];
  },
  jacobian(_t, y, p, J) {
    J[0] = p[0] - p[1] * y[1];
    J[1] = -p[1] * y[0];
    J[2] = p[3] * y[1];
    J[3] = p[3] * y[0] - p[2];
  },
  paramJacobian(_t, y, _p, Jp) {
    const xy = y[0] * y[1];
    Jp[0] = y[0];
    Jp[1] = -xy;
    Jp[2] = 0;
    Jp[3] = 0;
    Jp[4] = 0;
    Jp[5] = 0;
    Jp[6] = -y[1];
    Jp[7] = xy;
  },
  vjp(_t, y, p, v, outY, outP) {
    outY[0] = v[0] * (p[0] - p[1] * y[1]) + v[1] * p[3] * y[1];
    outY[1] = -v[0] * p[1] * y[0] + v[1] * (p[3] * y[0] - p[2]);
    const xy = y[0] * y[1];
    outP[0] = v[0] * y[0];
    outP[1] = -v[0] * xy;
    outP[2] = -v[1] * y[1];
    outP[3] = v[1] * xy;
  },
};
