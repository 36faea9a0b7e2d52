import { isOdeonError } from '@odeon/ode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleMembers } from './sampling.ts';

describe('sampleMembers', () => {
  it('member k is the same whatever the count (per-member streams)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 30 }), (seed, count) => {
        const spec = { seed, p: { k: { dist: 'loguniform', lower: 0.1, upper: 10 } } } as const;
        const few = sampleMembers({ ...spec, count });
        const more = sampleMembers({ ...spec, count: count + 5 });
        expect(more.slice(0, count)).toEqual(few);
        for (const m of few) {
          const k = (m.p as Record<string, number>).k;
          expect(k).toBeGreaterThanOrEqual(0.1);
          expect(k).toBeLessThanOrEqual(10);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('draws the documented distributions (moments of 20 000 draws)', () => {
    const ms = sampleMembers({
      count: 20_000,
      seed: 3,
      p: { a: { dist: 'normal', mean: 2, sd: 0.5 }, b: { dist: 'uniform', lower: -1, upper: 3 } },
      y0: { c: { dist: 'lognormal', median: 4, sigma: 0.2 } },
    });
    const col = (f: (m: (typeof ms)[number]) => number) => ms.map(f);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const a = col((m) => (m.p as Record<string, number>).a);
    const b = col((m) => (m.p as Record<string, number>).b);
    const c = col((m) => Math.log((m.y0 as Record<string, number>).c));
    expect(mean(a)).toBeCloseTo(2, 1);
    expect(Math.sqrt(mean(a.map((x) => (x - 2) ** 2)))).toBeCloseTo(0.5, 1);
    expect(mean(b)).toBeCloseTo(1, 1);
    expect(Math.min(...b)).toBeGreaterThanOrEqual(-1);
    expect(mean(c)).toBeCloseTo(Math.log(4), 1);
  });

  it('a grid is the full factorial, last name fastest', () => {
    const ms = sampleMembers({ grid: { p: { a: [1, 2], b: [10, 20, 30] }, y0: { x: [5] } } });
    expect(ms).toHaveLength(6);
    expect(ms[0]).toEqual({ p: { a: 1, b: 10 }, y0: { x: 5 } });
    expect(ms[1]).toEqual({ p: { a: 1, b: 20 }, y0: { x: 5 } });
    expect(ms[5]).toEqual({ p: { a: 2, b: 30 }, y0: { x: 5 } });
  });

  it('bad specs are InvalidOption errors naming the element', () => {
    const bad: unknown[] = [
      { count: 0 },
      { count: 2, p: { k: { dist: 'uniform', lower: 2, upper: 1 } } },
      { count: 2, p: { k: { dist: 'loguniform', lower: 0, upper: 1 } } },
      { count: 2, y0: { A: { dist: 'gamma' } } },
      { grid: { p: { k: [] } } },
      { grid: {} },
    ];
    for (const spec of bad) {
      let error: unknown;
      try {
        sampleMembers(spec as never);
      } catch (e) {
        error = e;
      }
      expect(isOdeonError(error, 'InvalidOption')).toBe(true);
    }
  });
});
