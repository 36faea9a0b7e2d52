import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipByNorm, norm2, rescaleToNorm } from './clip.ts';
import { learningRate, validateSchedule } from './schedules.ts';

describe('learning-rate schedules', () => {
  it('follow their definitions', () => {
    expect(learningRate({ kind: 'constant' }, 0.1, 50, 100)).toBe(0.1);
    expect(learningRate({ kind: 'exponential', decay: 0.5, every: 10 }, 1, 20, 100)).toBeCloseTo(0.25, 15);
    expect(learningRate({ kind: 'step', every: 10, factor: 0.1 }, 1, 25, 100)).toBeCloseTo(0.01, 15);
    expect(learningRate({ kind: 'cosine' }, 1, 0, 100)).toBe(1);
    expect(learningRate({ kind: 'cosine' }, 1, 50, 100)).toBeCloseTo(0.5, 15);
    expect(learningRate({ kind: 'cosine', minLr: 0.1 }, 1, 100, 100)).toBeCloseTo(0.1, 15);
    const w = { kind: 'warmup', steps: 4, after: { kind: 'cosine' } } as const;
    expect([0, 1, 2, 3].map((k) => learningRate(w, 1, k, 104))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(learningRate(w, 1, 54, 104)).toBeCloseTo(0.5, 15);
  });

  it('validate names the field at fault', () => {
    expect(() => validateSchedule({ kind: 'step', every: 0, factor: 0.5 })).toThrowError(
      expect.objectContaining({ context: expect.objectContaining({ option: 'schedule.every' }) }),
    );
    expect(() =>
      validateSchedule({ kind: 'warmup', steps: 3, after: { kind: 'nope' } as never }),
    ).toThrowError(
      expect.objectContaining({ context: expect.objectContaining({ option: 'schedule.after.kind' }) }),
    );
  });
});

describe('clipping and rescaling', () => {
  const vec = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 20 });

  it('clipByNorm caps the norm and keeps the direction (property)', () => {
    fc.assert(
      fc.property(vec, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (g, max) => {
        const out = new Float64Array(g.length);
        const before = clipByNorm(out, g, max);
        expect(before).toBeCloseTo(Math.hypot(...g), 8);
        expect(norm2(out)).toBeLessThanOrEqual(max * (1 + 1e-12));
        if (before <= max) expect(Array.from(out)).toEqual(g);
        else for (let i = 0; i < g.length; i++) expect(out[i] * before).toBeCloseTo(g[i] * max, 6);
      }),
    );
  });

  it('rescaleToNorm gives exactly the requested norm (property)', () => {
    fc.assert(
      fc.property(vec, (g) => {
        if (g.every((v) => v === 0)) return;
        const out = new Float64Array(g.length);
        rescaleToNorm(out, g, 100);
        expect(norm2(out)).toBeCloseTo(100, 10);
      }),
    );
  });

  it('norm2 does not overflow', () => {
    expect(norm2([1e300, 1e300])).toBeCloseTo(Math.SQRT2 * 1e300, -290);
  });
});
