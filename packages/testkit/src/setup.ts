import { expect } from 'vitest';
import { type AllcloseOptions, allclose } from './allclose.ts';

interface AllcloseMatchers<R = unknown> {
  /** |actual − expected| ≤ atol + rtol·|expected| elementwise (NumPy's allclose). */
  toBeAllclose(expected: ArrayLike<number> | number, options?: AllcloseOptions): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must match vitest's own declaration of Matchers
  interface Matchers<T = any> extends AllcloseMatchers<T> {}
}

expect.extend({
  toBeAllclose(
    received: ArrayLike<number> | number,
    expected: ArrayLike<number> | number,
    options?: AllcloseOptions,
  ) {
    const report = allclose(received, expected, options);
    const at = report.worstIndex;
    const get = (v: ArrayLike<number> | number, i: number) => (typeof v === 'number' ? v : v[i]);
    return {
      pass: report.pass,
      message: () =>
        report.lengthMismatch
          ? `expected arrays of equal length, got ${typeof received === 'number' ? 1 : received.length} and ${typeof expected === 'number' ? 1 : expected.length}`
          : `expected ${this.isNot ? 'not ' : ''}allclose (rtol ${options?.rtol ?? 1e-7}, atol ${options?.atol ?? 0}); worst at [${at}]: ${get(received, at)} vs ${get(expected, at)} (ratio ${report.worstRatio.toExponential(3)})`,
    };
  },
});
