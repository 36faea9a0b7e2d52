import { Rng } from '@odeon/core';
import type { OdeProblem } from '@odeon/ode';
import { numericGradient } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset.ts';
import { batchLoss, createLoss } from './losses.ts';
import { odeObjective } from './ode-objective.ts';
import { Strategy, type StrategyStepOptions } from './strategy.ts';
import { type Batch, fullBatch, train } from './train.ts';

const abc: OdeProblem = {
  rhs: (_t, y, p, d) => {
    d[0] = -p[0] * y[0];
    d[1] = p[0] * y[0] - p[1] * y[1];
    d[2] = p[1] * y[1];
  },
  y0: [1, 0, 0],
  t0: 0,
  t1: 20,
  p: [0.3, 0.6],
  names: ['A', 'B', 'C'],
};

function exact(t: number, k1: number, k2: number, a0: number): number[] {
  const a = a0 * Math.exp(-k1 * t);
  const b = ((a0 * k1) / (k2 - k1)) * (Math.exp(-k1 * t) - Math.exp(-k2 * t));
  return [a, b, a0 - a - b];
}

const t1 = Array.from({ length: 16 }, (_, i) => i);
const t2 = [0, 0.5, 1, 2, 4, 8, 12];
const data = new Dataset(
  ['A', 'B', 'C'],
  [
    { name: 'x', t: t1, y: t1.map((t) => exact(t, 0.7, 0.25, 1)) },
    {
      name: 'y',
      t: t2,
      y: t2.map((t, i) => exact(t, 0.7, 0.25, 2).map((v, j) => (i === 3 && j === 1 ? Number.NaN : v))),
    },
  ],
);

function batchFor(step: StrategyStepOptions, seed = 9): Batch {
  const stage = new Strategy().addStep(step).steps[0];
  return {
    indices: Int32Array.of(0, 1),
    length: stage.length,
    dropout: stage.dropout,
    stage,
    stageIndex: 0,
    stageStep: 0,
    step: 0,
    rng: Rng.derive(seed),
  };
}

describe('odeObjective', () => {
  it('equals batchLoss on the analytic solution, with curriculum and temporal dropout', () => {
    const k = [0.5, 0.2];
    for (const normalise of ['kept', 'expected'] as const) {
      const o = odeObjective(abc, data, { rtol: 1e-11, atol: 1e-13, normalise });
      const step = { lr: 0.1, steps: 1, length: 0.6, dropout: 0.4, loss: 'scaledMae' } as const;
      const got = o(Float64Array.from(k), batchFor(step));
      const terms = data.measurements.map((m) => {
        const nt = Math.ceil(0.6 * m.t.length);
        return {
          pred: Float64Array.from(
            Array.from(m.t.subarray(0, nt)).flatMap((t) => exact(t, k[0], k[1], m.y0[0])),
          ),
          target: m.y.subarray(0, nt * 3),
        };
      });
      const want = batchLoss(createLoss('scaledMae', data), 3, terms, {
        p: 0.4,
        rng: Rng.derive(9),
        normalise,
      });
      expect(Math.abs(got.loss / want.value - 1)).toBeLessThan(1e-8);
    }
  });

  it('gradient matches central differences of the loss (fixed batch randomness)', () => {
    const obj = odeObjective(abc, data, { rtol: 1e-11, atol: 1e-13, sensitivity: 'forward' });
    const step = { lr: 0.1, steps: 1, dropout: 0.3, loss: 'mse' } as const;
    const f = (x: Float64Array) => obj(x, batchFor(step)).loss;
    const x = Float64Array.of(0.5, 0.2);
    const g = obj(x, batchFor(step)).grad;
    const fd = numericGradient(f, x, 1e-6);
    for (let i = 0; i < 2; i++) expect(Math.abs(g[i] - fd[i])).toBeLessThan(1e-5 * Math.abs(fd[i]) + 1e-9);
  });

  it('adds the stage penalty and reports it as metrics', () => {
    const obj = odeObjective<{ alpha: number }>(abc, data, {
      penalty: (p, stage) => {
        const a = stage.penalties?.alpha ?? 0;
        return {
          value: a * (p[0] ** 2 + p[1] ** 2),
          grad: [2 * a * p[0], 2 * a * p[1]],
          byName: { l2: a * (p[0] ** 2 + p[1] ** 2) },
        };
      },
    });
    const stage = new Strategy<{ alpha: number }>().addStep({ lr: 0.1, steps: 1, penalties: { alpha: 0.5 } })
      .steps[0];
    const batch: Batch<{ alpha: number }> = { ...batchFor({ lr: 0.1, steps: 1 }), stage };
    const r = obj(Float64Array.of(0.5, 0.2), batch);
    if (r.metrics === undefined) throw new Error('metrics expected');
    expect(r.metrics.penalty).toBeCloseTo(0.5 * 0.29, 14);
    expect(r.metrics['penalty.l2']).toBeCloseTo(0.5 * 0.29, 14);
    expect(r.loss).toBeCloseTo(r.metrics.dataLoss + r.metrics.penalty, 14);
  });

  it('trains the rate constants with Adam through a curriculum strategy', async () => {
    const strategy = new Strategy()
      .addStep({ lr: 0.02, steps: 150, length: 0.5, dropout: 0.2 })
      .addStep({ lr: 0.01, steps: 250, schedule: { kind: 'cosine' } });
    const r = await train(odeObjective(abc, data), [0.3, 0.6], strategy, { datasetSize: 2, seed: 1 });
    expect(r.params[0]).toBeCloseTo(0.7, 2);
    expect(r.params[1]).toBeCloseTo(0.25, 2);
    expect(r.history[r.history.length - 1].metrics?.dataLoss).toBeLessThan(1e-5);
  });

  it('fullBatch evaluates validation metrics: zero loss at the true rates, early stopping on it works', async () => {
    const val = odeObjective(abc, data, { rtol: 1e-10, atol: 1e-12, sensitivity: 'forward' });
    expect(val(Float64Array.of(0.7, 0.25), fullBatch(2, { loss: 'scaledMae' })).loss).toBeLessThan(1e-8);
    expect(val(Float64Array.of(0.5, 0.25), fullBatch(2, { loss: 'scaledMae' })).loss).toBeGreaterThan(1e-3);
    const obj = odeObjective(abc, data);
    const r = await train(obj, [0.3, 0.6], new Strategy().addStep({ lr: 0.02, steps: 100 }), {
      datasetSize: 2,
      validate: (p) => ({ scaledMae: val(p, fullBatch(2, { loss: 'scaledMae' })).loss }),
      validateEvery: 20,
      earlyStopping: { metric: 'scaledMae', patience: 3 },
    });
    expect(r.validation.length).toBeGreaterThan(1);
    expect(r.validation[r.validation.length - 1].metrics.scaledMae).toBeLessThan(
      r.validation[0].metrics.scaledMae,
    );
  });

  it('rejects species the model lacks and parameter vectors of the wrong length', () => {
    const other = new Dataset(['A', 'Z'], [{ t: [0, 1], y: [1, 0, 0.5, 0.5] }]);
    expect(() => odeObjective(abc, other)).toThrowError(
      expect.objectContaining({ code: 'DatasetError', context: expect.objectContaining({ column: 'Z' }) }),
    );
    const obj = odeObjective(abc, data);
    expect(() => obj(Float64Array.of(1), batchFor({ lr: 0.1, steps: 1 }))).toThrowError(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });
});
