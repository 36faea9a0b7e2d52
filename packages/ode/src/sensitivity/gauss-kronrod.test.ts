import { finiteDouble } from '@odeon/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GK7, GK15, gaussKronrod15 } from './gauss-kronrod.ts';

describe('G7K15', () => {
  it('has weights summing to the interval length (2 on [−1, 1])', () => {
    expect(GK15.wk.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 14);
    expect(GK15.wg.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 14);
  });

  it('K15 integrates x^k exactly for k ≤ 22 and G7 for k ≤ 13', () => {
    for (let k = 0; k <= 22; k++) {
      const exact = k % 2 === 1 ? 0 : 2 / (k + 1);
      let kr = 0;
      let ga = 0;
      for (let i = 0; i < 15; i++) {
        kr += GK15.wk[i] * GK15.x[i] ** k;
        ga += GK15.wg[i] * GK15.x[i] ** k;
      }
      expect(Math.abs(kr - exact)).toBeLessThan(1e-14);
      if (k <= 13) expect(Math.abs(ga - exact)).toBeLessThan(1e-14);
    }
    // degree 14 is beyond G7: the estimate must see it
    let ga14 = 0;
    for (let i = 0; i < 15; i++) ga14 += GK15.wg[i] * GK15.x[i] ** 14;
    expect(Math.abs(ga14 - 2 / 15)).toBeGreaterThan(1e-6);
  });

  it('integrates exp on random intervals to round-off with a small error estimate (property)', () => {
    fc.assert(
      fc.property(finiteDouble(-2, 2), finiteDouble(0.01, 1), (a, w) => {
        const r = gaussKronrod15(Math.exp, a, a + w);
        const exact = Math.exp(a + w) - Math.exp(a);
        // the reference e^(a+w) − e^a itself carries a rounding error of order ε·e^(a+w) (cancellation for small w)
        expect(Math.abs(r.value - exact)).toBeLessThan(1e-14 * Math.abs(exact) + 4e-16 * Math.exp(a + w));
        expect(r.error).toBeLessThan(1e-10);
      }),
    );
  });

  it('estimates the error of a hard integrand', () => {
    const r = gaussKronrod15((t) => Math.sqrt(t), 0, 1);
    expect(Math.abs(r.value - 2 / 3)).toBeLessThan(r.error);
  });
});

describe('G3K7', () => {
  it('K7 integrates x^k exactly for k ≤ 11 and G3 for k ≤ 5; beyond, the estimate sees it', () => {
    for (let k = 0; k <= 12; k++) {
      const exact = k % 2 === 1 ? 0 : 2 / (k + 1);
      let kr = 0;
      let ga = 0;
      for (let i = 0; i < 7; i++) {
        kr += GK7.wk[i] * GK7.x[i] ** k;
        ga += GK7.wg[i] * GK7.x[i] ** k;
      }
      if (k <= 11) expect(Math.abs(kr - exact)).toBeLessThan(1e-15);
      else expect(Math.abs(kr - exact)).toBeGreaterThan(1e-5);
      if (k <= 5) expect(Math.abs(ga - exact)).toBeLessThan(1e-15);
      else if (k % 2 === 0) expect(Math.abs(ga - exact)).toBeGreaterThan(1e-4);
    }
  });
});
