import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import {
  abcData,
  recoveryError,
  runAbcExperiment,
  TARGET_S,
} from '../../../benchmarks/neural/abc-experiment.ts';

describe('RateFlowODE on A → B → C (benchmarks/neural/rate-flow-abc.ts)', () => {
  it('the data follow the analytic solution of A → B → C', () => {
    const { times, ys } = abcData();
    for (let i = 0; i < times.length; i++) {
      const t = times[i];
      const A = Math.exp(-t);
      const B = 2 * (Math.exp(-0.5 * t) - Math.exp(-t));
      expect([ys[0][3 * i], ys[0][3 * i + 1], ys[0][3 * i + 2]]).toBeAllclose([A, B, 1 - A - B], {
        atol: 1e-9,
      });
    }
  });

  it('recoveryError is 0 for the target up to column order and positive scale, and large otherwise', () => {
    expect(recoveryError(TARGET_S.flat())).toBe(0);
    expect(recoveryError([0, -2, -1, 2, 1, 0])).toBe(0); // columns swapped, one scaled by 2
    expect(recoveryError([1, 0, -1, 1, 0, -1])).toBeGreaterThanOrEqual(1); // reversed reactions
    expect(recoveryError([-1, 0, 0, -1, 1, 1])).toBeGreaterThan(0.9); // A → C, B → C
  });

  it('recovers S = [[-1,0],[1,-1],[0,1]] with the integer and bipolar penalties, and not without', () => {
    const on = runAbcExperiment({ penalties: true, seed: 2 });
    const off = runAbcExperiment({ penalties: false, seed: 2 });
    expect(on.error, `learned S ${Array.from(on.S, (v) => v.toFixed(3))}`).toBeLessThan(0.1);
    expect(off.error, `learned S ${Array.from(off.S, (v) => v.toFixed(3))}`).toBeGreaterThan(0.2);
    // both fit the data (the unpenalised model fits at least as well: S is not identifiable from data alone)
    expect(on.mse).toBeLessThan(5e-3);
    expect(off.mse).toBeLessThan(5e-3);
  }, 240_000);
});
