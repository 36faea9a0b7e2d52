import { autonomousTgrad, type StandardProblem } from './standard-problem.ts';

/**
 * HIRES: high irradiance response of plant morphogenesis (Schäfer 1975), stiff, 8 states on
 * [0, 321.8122]; p = [k1, …, k9, oks].
 */
export const HIRES: StandardProblem = {
  name: 'hires',
  description: 'High irradiance response (plant physiology), stiff, 8 states',
  stiff: true,
  atolFactor: 1e-4,
  t0: 0,
  t1: 321.8122,
  y0: Float64Array.of(1, 0, 0, 0, 0, 0, 0, 0.0057),
  p: Float64Array.of(1.71, 0.43, 8.32, 0.69, 0.035, 8.32, 280, 0.69, 0.69, 0.0007),
  names: ['y1', 'y2', 'y3', 'y4', 'y5', 'y6', 'y7', 'y8'],
  paramNames: ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'oks'],
  tgrad: autonomousTgrad,
  rhs(_t, y, p, dy) {
    const k1 = p[0];
    const k2 = p[1];
    const k3 = p[2];
    const k4 = p[3];
    const k5 = p[4];
    const k6 = p[5];
    const k7 = p[6];
    const k8 = p[7];
    const k9 = p[8];
    const r = k7 * y[5] * y[7];
    dy[0] = -k1 * y[0] + k2 * y[1] + k6 * y[2] + p[9];
    dy[1] = k1 * y[0] - (k2 + k3) * y[1];
    dy[2] = -(k6 + k1) * y[2] + k2 * y[3] + k5 * y[4];
    dy[3] = k3 * y[1] + k1 * y[2] - (k4 + k2) * y[3];
    dy[4] = -(k5 + k1) * y[4] + k2 * y[5] + k2 * y[6];
    dy[5] = -r + k8 * y[3] + k1 * y[4] - k2 * y[5] + k8 * y[6];
    dy[6] = r - (k2 + k8 + k9) * y[6];
    dy[7] = -r + (k2 + k8 + k9) * y[6];
  },
  jacobian(_t, y, p, J) {
    const k1 = p[0];
    const k2 = p[1];
    const k3 = p[2];
    const k4 = p[3];
    const k5 = p[4];
    const k6 = p[5];
    const k7 = p[6];
    const k8 = p[7];
    const k9 = p[8];
    J.fill(0);
    J[0] = -k1;
    J[1] = k2;
    J[2] = k6;
    J[8] = k1;
    J[9] = -(k2 + k3);
    J[18] = -(k6 + k1);
    J[19] = k2;
    J[20] = k5;
    J[25] = k3;
    J[26] = k1;
    J[27] = -(k4 + k2);
    J[36] = -(k5 + k1);
    J[37] = k2;
    J[38] = k2;
    J[43] = k8;
    J[44] = k1;
    J[45] = -k2 - k7 * y[7];
    J[46] = k8;
    J[47] = -k7 * y[5];
    J[53] = k7 * y[7];
    J[54] = -(k2 + k8 + k9);
    J[55] = k7 * y[5];
    J[61] = -k7 * y[7];
    J[62] = k2 + k8 + k9;
    J[63] = -k7 * y[5];
  },
};
