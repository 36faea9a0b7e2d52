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

  it('the recipe (flux-parsimonious fit, normalised columns, integer + bipolar ramp, best of 3 starts by training objective) recovers S = [[-1,0],[1,-1],[0,1]]; the same recipe without penalties does not', () => {
    const on = runAbcExperiment({ structure: true, flux: true, seed: 1, starts: 3 });
    const off = runAbcExperiment({ structure: false, flux: false, seed: 1, starts: 3 });
    const show = (S: Float64Array) => Array.from(S, (v) => v.toFixed(3)).join(' ');
    expect(on.error, `learned S ${show(on.S)}`).toBeLessThan(0.1);
    // selection had something to do: not every start found the network
    expect(on.starts.some((s) => s.error > 0.2)).toBe(true);
    // ...and it picked by the training objective alone, which is lowest for the recovered start
    expect(on.objective).toBe(Math.min(...on.starts.map((s) => s.objective)));
    for (const s of off.starts)
      expect(s.error, `data-only start ${s.seed}: ${show(s.S)}`).toBeGreaterThan(0.2);
    // both fit the data (S is not identifiable from data alone; the penalties choose among fits)
    expect(on.mse).toBeLessThan(1e-3);
    expect(off.mse).toBeLessThan(1e-3);
  }, 60_000);
});
