import type { OdeProblem } from '@odeon/ode';
import { numericGradient } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset.ts';
import { odeObjective } from './ode-objective.ts';
import { fullBatch } from './train.ts';

// A → B with rate k1, B → ∅ with rate k2: two states per trajectory.
const single: OdeProblem = {
  rhs: (_t, y, p, d) => {
    d[0] = -p[0] * y[0];
    d[1] = p[0] * y[0] - p[1] * y[1];
  },
  y0: [1, 0],
  t0: 0,
  t1: 4,
  p: [0.6, 0.3],
  names: ['A', 'B'],
};

/** The same system for B trajectories stacked row after row. */
function stacked(B: number): OdeProblem {
  return {
    rhs: (_t, y, p, d) => {
      for (let b = 0; b < B; b++) {
        d[2 * b] = -p[0] * y[2 * b];
        d[2 * b + 1] = p[0] * y[2 * b] - p[1] * y[2 * b + 1];
      }
    },
    y0: new Float64Array(2 * B),
    t0: 0,
    t1: 4,
    p: [0.6, 0.3],
  };
}

const times = [0, 0.5, 1, 2, 3, 4];
const truth = (t: number, a0: number) => {
  const a = a0 * Math.exp(-0.9 * t);
  return [a, ((a0 * 0.9) / (0.2 - 0.9)) * (Math.exp(-0.9 * t) - Math.exp(-0.2 * t))];
};
const data = new Dataset(
  ['A', 'B'],
  [1, 2, 0.5].map((a0, k) => ({
    name: `m${k}`,
    t: times,
    // A missing value in the second measurement: left out of both losses alike.
    y: times.map((t, i) => truth(t, a0).map((v, j) => (k === 1 && i === 2 && j === 1 ? Number.NaN : v))),
  })),
);
const solver = { method: 'dopri5', rtol: 1e-10, atol: 1e-12 } as const;

describe('odeObjective with batched', () => {
  it('gives the loss and gradient of one solve per measurement (to the solver tolerance)', () => {
    const p = Float64Array.of(0.6, 0.3);
    for (const loss of ['mse', 'scaledMae'] as const) {
      const batch = fullBatch(3, { loss });
      const one = odeObjective(single, data, solver)(p, batch);
      const all = odeObjective(single, data, { ...solver, batched: stacked })(p, batch);
      expect(all.loss).toBeCloseTo(one.loss, 8);
      for (let k = 0; k < 2; k++) expect(all.grad[k]).toBeCloseTo(one.grad[k], 7);
      // And against finite differences of the batched loss itself.
      const f = (q: Float64Array) =>
        odeObjective(single, data, { ...solver, batched: stacked })(q, batch).loss;
      const fd = numericGradient(f, p);
      for (let k = 0; k < 2; k++) expect(all.grad[k]).toBeCloseTo(fd[k], 5);
    }
  });

  it('refuses measurements on different time points with a typed error', () => {
    const ragged = new Dataset(
      ['A', 'B'],
      [
        { t: [0, 1, 2], y: [truth(0, 1), truth(1, 1), truth(2, 1)] },
        { t: [0, 1.5, 2], y: [truth(0, 1), truth(1.5, 1), truth(2, 1)] },
      ],
    );
    const f = odeObjective(single, ragged, { ...solver, batched: stacked });
    expect(() => f(Float64Array.of(0.6, 0.3), fullBatch(2))).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });
});
