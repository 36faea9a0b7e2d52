import { autonomousTgrad, type StandardProblem } from './standard-problem.ts';

/**
 * ARENSTORF: a periodic orbit of the restricted three-body problem (Hairer, Nørsett & Wanner I,
 * sect. II.0), one period; p = [µ]. State [y1, y2, y1', y2'].
 */
export const ARENSTORF: StandardProblem = {
  name: 'arenstorf',
  description: 'Arenstorf orbit, restricted three-body problem (non-stiff, 4 states)',
  stiff: false,
  atolFactor: 1e-3,
  t0: 0,
  t1: 17.065216560157964,
  y0: Float64Array.of(0.994, 0, 0, -2.0015851063790824),
  p: Float64Array.of(0.012277471),
  names: ['y1', 'y2', "y1'", "y2'"],
  paramNames: ['mu'],
  tgrad: autonomousTgrad,
  rhs(_t, y, p, dy) {
    const mu = p[0];
    const mup = 1 - mu;
    const a = y[0] + mu;
    const b = y[0] - mup;
    const r1 = a * a + y[1] * y[1];
    const r2 = b * b + y[1] * y[1];
    const d1 = r1 * Math.sqrt(r1);
    const d2 = r2 * Math.sqrt(r2);
    dy[0] = y[2];
    dy[1] = y[3];
    dy[2] = y[0] + 2 * y[3] - (mup * a) / d1 - (mu * b) / d2;
    dy[3] = y[1] - 2 * y[2] - (mup * y[1]) / d1 - (mu * y[1]) / d2;
  },
  jacobian(_t, y, p, J) {
    const mu = p[0];
    const mup = 1 - mu;
    const a = y[0] + mu;
    const b = y[0] - mup;
    const y2 = y[1];
    const r1 = a * a + y2 * y2;
    const r2 = b * b + y2 * y2;
    const i13 = 1 / (r1 * Math.sqrt(r1));
    const i23 = 1 / (r2 * Math.sqrt(r2));
    const i15 = i13 / r1;
    const i25 = i23 / r2;
    J.fill(0);
    J[2] = 1;
    J[7] = 1;
    J[8] = 1 - mup * (i13 - 3 * a * a * i15) - mu * (i23 - 3 * b * b * i25);
    J[9] = 3 * mup * a * y2 * i15 + 3 * mu * b * y2 * i25;
    J[11] = 2;
    J[12] = J[9];
    J[13] = 1 - mup * (i13 - 3 * y2 * y2 * i15) - mu * (i23 - 3 * y2 * y2 * i25);
    J[14] = -2;
  },
};
