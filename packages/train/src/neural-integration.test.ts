import { NeuralODE } from '@odeon/neural';
import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset.ts';
import { odeObjective } from './ode-objective.ts';
import { Strategy } from './strategy.ts';
import { train } from './train.ts';

// A → B → C data (k = 0.7, 0.25), analytic.
const t = Array.from({ length: 21 }, (_, i) => i * 0.5);
const y = t.map((s) => {
  const a = Math.exp(-0.7 * s);
  const b = (0.7 / (0.25 - 0.7)) * (Math.exp(-0.7 * s) - Math.exp(-0.25 * s));
  return [a, b, 1 - a - b];
});
const data = new Dataset(['A', 'B', 'C'], [{ name: 'abc', t, y }]);

describe('@odeon/neural models through odeObjective + train', () => {
  it('a scaled NeuralODE learns A → B → C (scaled MAE falls by 20×) and resumes bit-for-bit', async () => {
    const model = new NeuralODE({
      n: 3,
      network: { width: 8, depth: 1, activation: 'tanh', seed: 3 },
      scaling: { yScale: data.yScale(), tScale: data.tScale() },
    });
    const problem = { ...model.problem({ y0: [1, 0, 0], t0: 0, t1: 10 }), names: data.species };
    const objective = odeObjective(problem, data, { sensitivity: 'quadrature', rtol: 1e-6, atol: 1e-8 });
    const strategy = new Strategy().addStep({
      lr: 0.02,
      steps: 150,
      loss: 'scaledMae',
      optimizer: { kind: 'adamw', weightDecay: 1e-6 },
    });
    let checkpoint: unknown;
    const r = await train(objective, model.p, strategy, {
      seed: 1,
      checkpointEvery: 60,
      onCheckpoint: (c) => {
        if (c.step === 60) checkpoint = JSON.parse(JSON.stringify(c));
      },
    });
    const first = r.history[0].loss;
    const last = r.history[r.history.length - 1].loss;
    expect(last).toBeLessThan(first / 20);
    const resumed = await train(objective, model.p, strategy, { seed: 1, resume: checkpoint as never });
    expect(Array.from(resumed.params)).toEqual(Array.from(r.params));
  });
});
