import { autonomousTgrad, type StandardProblem } from './standard-problem.ts';

const BODIES = 7;

/**
 * PLEIADES: the planar 7-body problem of Hairer, Nørsett & Wanner I (sect. II.10), masses m_j = j,
 * on [0, 3]. State [x1..x7, y1..y7, x1'..x7', y1'..y7'].
 */
export const PLEIADES: StandardProblem = {
  name: 'pleiades',
  description: 'Pleiades: planar 7-body problem (non-stiff, 28 states)',
  stiff: false,
  atolFactor: 1e-3,
  t0: 0,
  t1: 3,
  y0: Float64Array.of(
    3,
    3,
    -1,
    -3,
    2,
    -2,
    2,
    3,
    -3,
    2,
    0,
    0,
    -4,
    4,
    0,
    0,
    0,
    0,
    0,
    1.75,
    -1.5,
    0,
    0,
    0,
    -1.25,
    1,
    0,
    0,
  ),
  p: Float64Array.of(1, 2, 3, 4, 5, 6, 7),
  names: [
    ...Array.from({ length: BODIES }, (_, i) => `x${i + 1}`),
    ...Array.from({ length: BODIES }, (_, i) => `y${i + 1}`),
    ...Array.from({ length: BODIES }, (_, i) => `x${i + 1}'`),
    ...Array.from({ length: BODIES }, (_, i) => `y${i + 1}'`),
  ],
  paramNames: Array.from({ length: BODIES }, (_, i) => `m${i + 1}`),
  tgrad: autonomousTgrad,
  rhs(_t, y, p, dy) {
    for (let i = 0; i < BODIES; i++) {
      dy[i] = y[14 + i];
      dy[7 + i] = y[21 + i];
      dy[14 + i] = 0;
      dy[21 + i] = 0;
    }
    for (let i = 0; i < BODIES; i++) {
      const xi = y[i];
      const yi = y[7 + i];
      for (let j = i + 1; j < BODIES; j++) {
        const dx = y[j] - xi;
        const dyy = y[7 + j] - yi;
        const r2 = dx * dx + dyy * dyy;
        const inv3 = 1 / (r2 * Math.sqrt(r2));
        dy[14 + i] += p[j] * dx * inv3;
        dy[21 + i] += p[j] * dyy * inv3;
        dy[14 + j] -= p[i] * dx * inv3;
        dy[21 + j] -= p[i] * dyy * inv3;
      }
    }
  },
  jacobian(_t, y, p, J) {
    const n = 28;
    J.fill(0);
    for (let i = 0; i < BODIES; i++) {
      J[i * n + 14 + i] = 1;
      J[(7 + i) * n + 21 + i] = 1;
    }
    for (let i = 0; i < BODIES; i++) {
      for (let j = 0; j < BODIES; j++) {
        if (j === i) continue;
        const dx = y[j] - y[i];
        const dyy = y[7 + j] - y[7 + i];
        const r2 = dx * dx + dyy * dyy;
        const r = Math.sqrt(r2);
        const inv3 = 1 / (r2 * r);
        const inv5 = inv3 / r2;
        const m = p[j];
        // a_x,i += m (x_j − x_i)/r³, a_y,i += m (y_j − y_i)/r³
        const dxx = m * (inv3 - 3 * dx * dx * inv5);
        const dxy = m * (-3 * dx * dyy * inv5);
        const dyy2 = m * (inv3 - 3 * dyy * dyy * inv5);
        const ax = (14 + i) * n;
        const ay = (21 + i) * n;
        J[ax + j] += dxx;
        J[ax + i] -= dxx;
        J[ax + 7 + j] += dxy;
        J[ax + 7 + i] -= dxy;
        J[ay + j] += dxy;
        J[ay + i] -= dxy;
        J[ay + 7 + j] += dyy2;
        J[ay + 7 + i] -= dyy2;
      }
    }
  },
};
