import { Rng } from '@odeon/core';
import { gradcheck } from '@odeon/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset.ts';
import {
  batchLoss,
  createLoss,
  type Loss,
  logcosh,
  mae,
  mse,
  scaledMae,
  scaledMse,
  temporalDropoutMask,
} from './losses.ts';

const losses: [string, Loss][] = [
  ['mae', mae],
  ['mse', mse],
  ['logcosh', logcosh],
  ['scaledMae', scaledMae([2, 0.5, 1e-3])],
  ['scaledMse', scaledMse([2, 0.5, 0.1])],
];

describe('losses', () => {
  it('values by hand', () => {
    const pred = Float64Array.of(1, 2, 3, 0, 0, 0);
    const target = Float64Array.of(0, 2, 5, 0, Number.NaN, 1);
    // residuals 1, 0, −2, 0, (masked), −1 over 5 observed entries
    expect(batchLoss(mae, 3, [{ pred, target }]).value).toBeCloseTo(4 / 5, 15);
    expect(batchLoss(mse, 3, [{ pred, target }]).value).toBeCloseTo(6 / 5, 15);
    const lc = (r: number) => Math.log(Math.cosh(r));
    expect(batchLoss(logcosh, 3, [{ pred, target }]).value).toBeCloseTo((2 * lc(1) + lc(2)) / 5, 15);
    // scaled: |1|/2 + 0 + |−2|/1e-3... species order (j = 0, 1, 2, 0, 1, 2)
    const s = scaledMae([2, 0.5, 1e-3]);
    expect(batchLoss(s, 3, [{ pred, target }]).value).toBeCloseTo((1 / 2 + 2 / 1e-3 + 1 / 1e-3) / 5, 10);
  });

  it('log-cosh is accurate for tiny and huge residuals', () => {
    expect(logcosh.point(1000, 0)).toBe(1000 - Math.LN2);
    // log cosh r = r²/2 − r⁴/12 + O(r⁶)
    expect(Math.abs(logcosh.point(-1e-6, 0) / (5e-13 - 1e-24 / 12) - 1)).toBeLessThan(1e-15);
    expect(logcosh.derivative(800, 0)).toBe(1);
  });

  it('scaledMae from a dataset uses max − min per species', () => {
    const d = new Dataset(
      ['A', 'B'],
      [
        {
          t: [0, 1],
          y: [
            [0, 1e-5],
            [1, 3e-5],
          ],
        },
      ],
    );
    const l = createLoss('scaledMae', d);
    expect(l.point(1e-5, 1)).toBeCloseTo(0.5, 12);
    expect(l.point(0.5, 0)).toBe(0.5);
    const q = createLoss('scaledMse', d);
    expect(q.point(1e-5, 1)).toBeCloseTo(0.25, 12);
    expect(q.derivative(1e-5, 1)).toBeCloseTo((2 * 1e-5) / 4e-10, 6);
    expect(() => createLoss('scaledMae')).toThrowError(expect.objectContaining({ code: 'InvalidOption' }));
    expect(() => createLoss('huber' as never)).toThrowError(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });

  describe.each(losses)('%s', (_name, loss) => {
    it('gradient matches central differences, NaN targets masked (property)', () => {
      const n = 3;
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 }),
          fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 }),
          fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
          (p, y, missing) => {
            const target = Float64Array.from(y, (v, i) => (missing[i] ? Number.NaN : v));
            // Keep residuals away from the kink of |r| where the derivative does not exist.
            const pred = Float64Array.from(p, (v, i) => (Math.abs(v - y[i]) < 1e-3 ? v + 0.01 : v));
            const f = (x: Float64Array) =>
              batchLoss(loss, n, [
                { pred: x.subarray(0, 6), target: target.subarray(0, 6) },
                { pred: x.subarray(6), target: target.subarray(6) },
              ]).value;
            const g = (x: Float64Array) => {
              const r = batchLoss(loss, n, [
                { pred: x.subarray(0, 6), target: target.subarray(0, 6) },
                { pred: x.subarray(6), target: target.subarray(6) },
              ]);
              return Float64Array.of(...r.grads[0], ...r.grads[1]);
            };
            const report = gradcheck(f, g, pred, { rtol: 1e-5, atol: 1e-6 });
            expect(report.pass).toBe(true);
            const grads = g(pred);
            for (let i = 0; i < 12; i++) if (missing[i]) expect(grads[i]).toBe(0);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('a NaN prediction at an observed entry makes the loss NaN (never silently dropped)', () => {
      const r = batchLoss(loss, 3, [
        { pred: Float64Array.of(0, Number.NaN, 0), target: Float64Array.of(1, 1, 1) },
      ]);
      expect(Number.isNaN(r.value)).toBe(true);
    });
  });
});

describe('temporal dropout', () => {
  it('always keeps t = 0 and keeps each other point with probability 1 − p', () => {
    const rng = Rng.fromSeed(4);
    const mask = new Uint8Array(101);
    let kept = 0;
    const trials = 2000;
    for (let k = 0; k < trials; k++) {
      temporalDropoutMask(mask, rng, 0.3);
      expect(mask[0]).toBe(1);
      for (let i = 1; i < 101; i++) kept += mask[i];
    }
    const rate = kept / (trials * 100);
    expect(Math.abs(rate - 0.7)).toBeLessThan(5 * Math.sqrt((0.7 * 0.3) / (trials * 100)));
    expect(() => temporalDropoutMask(mask, rng, 1)).toThrowError(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });

  it('normalises by kept points × batch × states', () => {
    const rng = Rng.fromSeed(8);
    const n = 2;
    const terms = [
      { pred: new Float64Array(20).fill(1), target: new Float64Array(20) },
      { pred: new Float64Array(20).fill(1), target: new Float64Array(20) },
    ];
    const r = batchLoss(mse, n, terms, { p: 0.5, rng });
    expect(r.observed).toBe(r.keptPoints * n);
    expect(r.keptPoints).toBeLessThan(20);
    // Every kept entry has squared residual 1, so the mean over kept entries is exactly 1.
    expect(r.value).toBe(1);
    let gsum = 0;
    for (const g of r.grads) for (const v of g) gsum += v;
    // d/dpred of the mean of (pred − 0)²: 2/(kept × batch × states) per kept entry.
    expect(gsum).toBeCloseTo(2, 12);
  });

  it('the expected loss does not depend on p for exchangeable residuals', () => {
    // Residuals drawn iid per point (t = 0 included): E[loss] = E[ρ(r)] = E[r²] = 1 for every p.
    const n = 1;
    const nt = 8;
    for (const p of [0, 0.25, 0.5, 0.8]) {
      const rng = Rng.fromSeed(11);
      const noise = Rng.fromSeed(12);
      const N = 20_000;
      let s = 0;
      let s2 = 0;
      for (let k = 0; k < N; k++) {
        const pred = Float64Array.from({ length: nt }, () => noise.normal());
        const v = batchLoss(mse, n, [{ pred, target: new Float64Array(nt) }], { p, rng }).value;
        s += v;
        s2 += v * v;
      }
      const mean = s / N;
      const se = Math.sqrt((s2 / N - mean * mean) / N);
      expect(Math.abs(mean - 1)).toBeLessThan(5 * se);
    }
  });

  it('with fixed residuals the kept-mean has the closed-form expectation over masks', () => {
    // E[L] = ℓ̄ + (ℓ₀ − ℓ̄)·E[1/(1 + K)], K ~ Binomial(N − 1, 1 − p) kept interior points,
    // ℓ̄ the mean interior loss (exchangeability of the kept subset given K).
    const r = [0, 0.5, -1, 2, 1.5, -0.5];
    const ell = r.map((x) => x * x);
    const lbar = ell.slice(1).reduce((a, b) => a + b) / 5;
    const binom = (m: number, k: number) => {
      let c = 1;
      for (let i = 0; i < k; i++) c = (c * (m - i)) / (i + 1);
      return c;
    };
    for (const p of [0.2, 0.6]) {
      let eInv = 0;
      for (let k = 0; k <= 5; k++) eInv += (binom(5, k) * (1 - p) ** k * p ** (5 - k)) / (1 + k);
      const exact = lbar + (ell[0] - lbar) * eInv;
      const rng = Rng.fromSeed(21);
      const N = 40_000;
      let s = 0;
      let s2 = 0;
      for (let k = 0; k < N; k++) {
        const v = batchLoss(mse, 1, [{ pred: Float64Array.from(r), target: new Float64Array(6) }], {
          p,
          rng,
        }).value;
        s += v;
        s2 += v * v;
      }
      const mean = s / N;
      const se = Math.sqrt((s2 / N - mean * mean) / N);
      expect(Math.abs(mean - exact)).toBeLessThan(5 * se);
    }
  });

  it('normalise "expected" is unbiased for the undropped loss for every p, any residuals', () => {
    const r = Float64Array.of(0, 0.5, -1, 2, 1.5, -0.5, 3);
    const target = new Float64Array(7);
    const full = batchLoss(mse, 1, [{ pred: r, target }]).value;
    for (const p of [0.1, 0.5, 0.8]) {
      const rng = Rng.fromSeed(31);
      const N = 40_000;
      let s = 0;
      let s2 = 0;
      for (let k = 0; k < N; k++) {
        const v = batchLoss(mse, 1, [{ pred: r, target }], { p, rng, normalise: 'expected' }).value;
        s += v;
        s2 += v * v;
      }
      const mean = s / N;
      const se = Math.sqrt((s2 / N - mean * mean) / N);
      expect(Math.abs(mean - full)).toBeLessThan(5 * se);
    }
  });

  it('masks time points as the seed does: one m_t shared by every series and species, t = 0 kept', () => {
    const n = 2;
    const nt = 12;
    const terms = [0, 1, 2].map((b) => ({
      pred: Float64Array.from({ length: nt * n }, (_, k) => 1 + b + 0.1 * k),
      target: new Float64Array(nt * n),
    }));
    const rng = Rng.fromSeed(41);
    let dropped = 0;
    for (let draw = 0; draw < 50; draw++) {
      const r = batchLoss(mse, n, terms, { p: 0.5, rng });
      for (let i = 0; i < nt; i++) {
        const kept = r.grads[0][i * n] !== 0;
        if (i === 0) expect(kept).toBe(true);
        if (!kept) dropped++;
        for (const g of r.grads) for (let j = 0; j < n; j++) expect(g[i * n + j] !== 0).toBe(kept);
      }
      // normalisation `kept`: the mean of ρ over the kept entries of every series and species
      let sum = 0;
      let count = 0;
      for (const t of terms)
        for (let i = 0; i < nt; i++)
          if (r.grads[0][i * n] !== 0)
            for (let j = 0; j < n; j++) {
              sum += t.pred[i * n + j] ** 2;
              count++;
            }
      expect(r.value).toBeCloseTo(sum / count, 12);
      expect(r.keptPoints).toBe((count / n / terms.length) * terms.length);
    }
    expect(dropped).toBeGreaterThan(100);
    // the previous form stays available: one mask per series, which then differ
    const perSeries = batchLoss(mse, n, terms, { p: 0.5, rng: Rng.fromSeed(41), per: 'series' });
    const pattern = (g: Float64Array) => Array.from({ length: nt }, (_, i) => g[i * n] !== 0);
    expect(pattern(perSeries.grads[1])).not.toEqual(pattern(perSeries.grads[0]));
  });

  it('shared masks: normalise "expected" is unbiased for the undropped loss over several series', () => {
    const terms = [
      { pred: Float64Array.of(0, 0.5, -1, 2, 1.5, -0.5), target: new Float64Array(6) },
      { pred: Float64Array.of(1, -2, 0.3, 0.7, 2.5, -1), target: new Float64Array(6) },
    ];
    const full = batchLoss(mse, 2, terms).value;
    for (const p of [0.2, 0.6]) {
      const rng = Rng.fromSeed(43);
      const N = 40_000;
      let s = 0;
      let s2 = 0;
      for (let k = 0; k < N; k++) {
        const v = batchLoss(mse, 2, terms, { p, rng, normalise: 'expected' }).value;
        s += v;
        s2 += v * v;
      }
      const mean = s / N;
      const se = Math.sqrt((s2 / N - mean * mean) / N);
      expect(Math.abs(mean - full)).toBeLessThan(5 * se);
    }
  });

  it('is reproducible from the seed', () => {
    const terms = [
      { pred: Float64Array.from({ length: 30 }, (_, i) => Math.sin(i)), target: new Float64Array(30) },
    ];
    const a = batchLoss(mae, 3, terms, { p: 0.4, rng: Rng.fromSeed(5) });
    const b = batchLoss(mae, 3, terms, { p: 0.4, rng: Rng.fromSeed(5) });
    expect(b.value).toBe(a.value);
    expect(Array.from(b.grads[0])).toEqual(Array.from(a.grads[0]));
  });
});
