import { describe, expect, it } from 'vitest';
import { Strategy, type StrategyStepOptions } from './strategy.ts';

describe('Strategy', () => {
  it('fills defaults and chains', () => {
    const s = new Strategy()
      .addStep({ lr: 0.01, steps: 10 })
      .addStep({ lr: 1e-3, steps: 5, length: 0.5, batchSize: 4 });
    expect(s.steps).toHaveLength(2);
    expect(s.totalSteps).toBe(15);
    expect(s.steps[0]).toMatchObject({
      batchSize: 'all',
      length: 1,
      loss: 'mse',
      train: 'both',
      dropout: 0,
      optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      schedule: { kind: 'constant' },
    });
    expect(s.steps[1].length).toBe(0.5);
  });

  it.each<[string, Partial<StrategyStepOptions>, string]>([
    ['lr', { lr: 0 }, 'steps[0].lr'],
    ['steps', { steps: 2.5 }, 'steps[0].steps'],
    ['batchSize', { batchSize: 0 }, 'steps[0].batchSize'],
    ['length', { length: 1.5 }, 'steps[0].length'],
    ['loss', { loss: 'huber' as never }, 'steps[0].loss'],
    ['train', { train: 'all' as never }, 'steps[0].train'],
    ['optimizer', { optimizer: { kind: 'adam', beta2: 2 } }, 'steps[0].optimizer'],
    ['clipNorm', { clipNorm: -1 }, 'steps[0].clipNorm'],
    ['both norms', { clipNorm: 1, rescaleNorm: 100 }, 'steps[0].rescaleNorm'],
    ['schedule', { schedule: { kind: 'step', every: 0, factor: 1 } }, 'steps[0].schedule.every'],
    ['dropout', { dropout: 1 }, 'steps[0].dropout'],
    ['unknown key', { epochs: 3 } as never, 'steps[0].epochs'],
  ])('rejects a bad %s with InvalidOption naming it', (_name, bad, option) => {
    expect(() => new Strategy().addStep({ lr: 0.1, steps: 10, ...bad })).toThrowError(
      expect.objectContaining({ code: 'InvalidOption', context: expect.objectContaining({ option }) }),
    );
  });

  it('describe() is JSON without the penalties themselves', () => {
    const s = new Strategy<{ f: () => number }>().addStep({ lr: 0.1, steps: 2, penalties: { f: () => 1 } });
    const d = JSON.parse(JSON.stringify(s.describe()));
    expect(d[0].penalties).toBe(true);
    expect(d[0].lr).toBe(0.1);
  });
});
