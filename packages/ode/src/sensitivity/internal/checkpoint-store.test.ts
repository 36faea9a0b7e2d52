import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointStore } from './checkpoint-store.ts';

describe('CheckpointStore', () => {
  it('keeps at most `capacity` evenly spaced checkpoints, always the first (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 3000 }), (cap, steps) => {
        const store = new CheckpointStore(() => cap);
        const y = new Float64Array(2);
        for (let k = 0; k < steps; k++) {
          y[0] = k;
          store.offer(k, k * 0.5, y, 0.5);
        }
        const list = store.list;
        expect(list.length).toBeLessThanOrEqual(cap);
        expect(store.peak).toBeLessThanOrEqual(cap);
        expect(list[0].step).toBe(0);
        for (let i = 0; i < list.length; i++) {
          expect(list[i].step).toBe(i * store.stride);
          expect(list[i].y[0]).toBe(list[i].step); // a copy of the state at that step
        }
        // spacing is the smallest power of two that fits: halving it would exceed the capacity
        if (store.stride > 1) expect(Math.ceil(steps / (store.stride / 2))).toBeGreaterThan(cap);
      }),
    );
  });

  it('grows like √(2N) with a step-dependent capacity', () => {
    const store = new CheckpointStore((n) => Math.ceil(Math.sqrt(2 * n)));
    const y = new Float64Array(1);
    const N = 10_000;
    for (let k = 0; k < N; k++) store.offer(k, k, y, 1);
    expect(store.list.length).toBeLessThanOrEqual(Math.ceil(Math.sqrt(2 * N)));
    expect(store.list.length).toBeGreaterThanOrEqual(Math.floor(Math.sqrt(2 * N) / 2));
    expect(store.stride).toBeLessThanOrEqual(2 * Math.sqrt(2 * N));
  });
});
