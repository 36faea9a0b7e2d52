import { gradient, type OdeProblem } from '@odeon/ode';
import { numericGradient } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset.ts';
import { createLoss } from './losses.ts';
import { MeasurementLoss, speciesStates } from './measurement-loss.ts';

const decay: OdeProblem = {
  rhs: (_t, y, p, d) => {
    d[0] = -p[0] * y[0];
    d[1] = p[0] * y[0] - p[1] * y[1];
  },
  y0: [1, 0],
  t0: 0,
  t1: 4,
  p: [0.8, 0.3],
  names: ['A', 'B'],
};
// Columns in the other order than the states, one missing observation, an unknown initial B.
const data = new Dataset(
  ['B', 'A'],
  [
    {
      t: [0, 1, 2, 4],
      y: [
        [Number.NaN, 2],
        [0.5, 1.1],
        [Number.NaN, 0.4],
        [0.2, 0.1],
      ],
    },
  ],
);

describe('MeasurementLoss', () => {
  it('maps species to states by name, by position without names, and refuses unknown species', () => {
    expect(Array.from(speciesStates(decay, data))).toEqual([1, 0]);
    expect(Array.from(speciesStates((({ names: _, ...rest }) => rest)(decay), data))).toEqual([0, 1]);
    expect(() => speciesStates({ ...decay, names: ['A', 'C'] }, data)).toThrowOdeonError('DatasetError', {
      column: 'B',
    });
  });

  it('starts from the data where it has values, else from the model', () => {
    const m = data.measurements[0];
    expect(Array.from(new MeasurementLoss(decay, data, gradient, 'data').initialState(m))).toEqual([2, 0]);
    expect(Array.from(new MeasurementLoss(decay, data, gradient, 'model').initialState(m))).toEqual([1, 0]);
  });

  it('gives the weighted NaN-masked loss and its exact gradient (central differences)', () => {
    const ml = new MeasurementLoss(decay, data, gradient, 'data');
    const loss = createLoss('mse');
    const m = data.measurements[0];
    const weight = (i: number) => (i === 2 ? 0 : 0.25 * (i + 1));
    const solve = { rtol: 1e-10, atol: 1e-12, sensitivity: 'forward' as const };
    const at = (p: Float64Array) => ml.addGradient(new Float64Array(2), m, 4, p, loss, weight, solve);
    const p = Float64Array.of(0.8, 0.3);
    const dp = Float64Array.of(1, 1);
    const value = ml.addGradient(dp, m, 4, p, loss, weight, solve);
    // By hand from the exact solution A = 2e^{−k1 t}, B = 2k1/(k2 − k1)(e^{−k1 t} − e^{−k2 t}).
    const A = (t: number) => 2 * Math.exp(-0.8 * t);
    const B = (t: number) => ((2 * 0.8) / (0.3 - 0.8)) * (Math.exp(-0.8 * t) - Math.exp(-0.3 * t));
    const expected =
      0.25 * 0 + 0.5 * ((B(1) - 0.5) ** 2 + (A(1) - 1.1) ** 2) + 1 * ((B(4) - 0.2) ** 2 + (A(4) - 0.1) ** 2);
    expect(value).toBeCloseTo(expected, 8);
    const numeric = numericGradient((q) => at(q), p);
    expect(Array.from(dp, (v) => v - 1)).toBeAllclose(numeric, { rtol: 1e-5, atol: 1e-8 });
  });
});
