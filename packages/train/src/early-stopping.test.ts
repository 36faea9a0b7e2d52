import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { EarlyStopping } from './early-stopping.ts';

const x = (v: number) => Float64Array.of(v);

describe('EarlyStopping', () => {
  it('stops after `patience` validations without an improvement larger than minDelta, and restores the best', () => {
    const es = new EarlyStopping({ patience: 2, minDelta: 0.1 }, true);
    expect(es.update({ loss: 1 }, 1, x(1))).toBe(false);
    expect(es.update({ loss: 0.95 }, 2, x(2))).toBe(false); // within minDelta: no improvement
    expect(es.update({ loss: 0.5 }, 3, x(3))).toBe(false);
    expect(es.update({ loss: 0.45 }, 4, x(4))).toBe(false);
    expect(es.update({ loss: 0.7 }, 5, x(5))).toBe(true);
    expect(es.bestResult()).toEqual({ value: 0.5, step: 3 });
    expect(Array.from(es.result(x(5)))).toEqual([3]);
  });

  it('maximises in mode max, keeps the last parameters without restoreBest, and round-trips its state', () => {
    const es = new EarlyStopping({ patience: 1, metric: 'acc', mode: 'max', restoreBest: false }, true);
    expect(es.update({ acc: 0.5 }, 1, x(1))).toBe(false);
    expect(es.update({ acc: 0.4 }, 2, x(2))).toBe(true);
    expect(Array.from(es.result(x(2)))).toEqual([2]);
    const copy = new EarlyStopping({ patience: 1, metric: 'acc', mode: 'max' }, true);
    copy.restore(es.state());
    expect(copy.bestResult()).toEqual({ value: 0.5, step: 1 });
  });

  it('without options never stops; refuses early stopping without validate, a bad patience or an unknown metric', () => {
    const none = new EarlyStopping(undefined, false);
    expect(none.update({ loss: 1 }, 1, x(1))).toBe(false);
    expect(none.bestResult()).toBeUndefined();
    expect(() => new EarlyStopping({ patience: 2 }, false)).toThrowOdeonError('InvalidOption', {
      option: 'earlyStopping',
    });
    expect(() => new EarlyStopping({ patience: 0 }, true)).toThrowOdeonError('InvalidOption', {
      option: 'earlyStopping.patience',
    });
    expect(() =>
      new EarlyStopping({ patience: 1, metric: 'auc' }, true).update({ loss: 1 }, 1, x(1)),
    ).toThrowOdeonError('InvalidOption', { option: 'earlyStopping.metric' });
  });
});
