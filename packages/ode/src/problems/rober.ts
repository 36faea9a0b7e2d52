import { autonomousTgrad, type StandardProblem } from './standard-problem.ts';

/**
 * ROBER: Robertson's autocatalytic reaction (Hairer & Wanner II, sect. IV.1), stiff, on [0, 1e5].
 * p = [k1, k2, k3] = [0.04, 3e7, 1e4].
 */
export const ROBER: StandardProblem = {
  name: 'rober',
  description: "Robertson's autocatalytic reaction (stiff, 3 species)",
  stiff: true,
  atolFactor: 1e-8,
  t0: 0,
  t1: 1e5,
  y0: Float64Array.of(1, 0, 0),
  p: Float64Array.of(0.04, 3e7, 1e4),
  names: ['y1', 'y2', 'y3'],
  paramNames: ['k1', 'k2', 'k3'],
  tgrad: autonomousTgrad,
  rhs(_t, y, p, dy) {
    const r1 = p[0] * y[0];
    const r2 = p[1] * y[1] * y[1];
    const r3 = p[2] * y[1] * y[2];
    dy[0] = -r1 + r3;
    dy[1] = r1 - r2 - r3;
    dy[2] = r2;
  },
  jacobian(_t, y, p, J) {
    const k1 = p[0];
    const k2 = p[1];
    const k3 = p[2];
    J[0] = -k1;
    J[1] = k3 * y[2];
    J[2] = k3 * y[1];
    J[3] = k1;
    J[4] = -k3 * y[2] - 2 * k2 * y[1];
    J[5] = -k3 * y[1];
    J[6] = 0;
    J[7] = 2 * k2 * y[1];
    J[8] = 0;
  },
  paramJacobian(_t, y, _p, Jp) {
    const y22 = y[1] * y[1];
    const y23 = y[1] * y[2];
    Jp[0] = -y[0];
    Jp[1] = 0;
    Jp[2] = y23;
    Jp[3] = y[0];
    Jp[4] = -y22;
    Jp[5] = -y23;
    Jp[6] = 0;
    Jp[7] = y22;
    Jp[8] = 0;
  },
  vjp(_t, y, p, v, outY, outP) {
    const k1 = p[0];
    const k2 = p[1];
    const k3 = p[2];
    outY[0] = k1 * (v[1] - v[0]);
    outY[1] = k3 * y[2] * (v[0] - v[1]) + 2 * k2 * y[1] * (v[2] - v[1]);
    outY[2] = k3 * y[1] * (v[0] - v[1]);
    outP[0] = y[0] * (v[1] - v[0]);
    outP[1] = y[1] * y[1] * (v[2] - v[1]);
    outP[2] = y[1] * y[2] * (v[0] - v[1]);
  },
};
