import type { OdeonErrorCode, OdeonErrorContexts } from '@odeon/core';
import { expect } from 'vitest';
import { type AllcloseOptions, allclose } from './allclose.ts';
import { matchOdeonError } from './odeon-error-matcher.ts';

interface OdeonMatchers<R = unknown> {
  /** |actual − expected| ≤ atol + rtol·|expected| elementwise (NumPy's allclose). */
  toBeAllclose(expected: ArrayLike<number> | number, options?: AllcloseOptions): R;
  /**
   * The function throws (or, with `.rejects`, the promise rejects with) an `OdeonError` of `code` (or
   * of one of several codes) whose context contains `context`; values may be asymmetric matchers.
   */
  toThrowOdeonError<C extends OdeonErrorCode>(
    code: C | readonly C[],
    context?: { readonly [K in keyof OdeonErrorContexts[C]]?: unknown },
  ): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must match vitest's own declaration of Matchers
  interface Matchers<T = any> extends OdeonMatchers<T> {}
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

expect.extend({
  toThrowOdeonError(
    received: unknown,
    code: OdeonErrorCode | readonly OdeonErrorCode[],
    context?: Readonly<Record<string, unknown>>,
  ) {
    const codes: readonly OdeonErrorCode[] = typeof code === 'string' ? [code] : code;
    let thrown: unknown;
    let threw = true;
    if (this.promise === 'rejects') thrown = received;
    else if (typeof received === 'function') {
      threw = false;
      try {
        received();
      } catch (e) {
        threw = true;
        thrown = e;
      }
    } else {
      return {
        pass: false,
        message: () => 'toThrowOdeonError expects a function (or `.rejects` on a promise).',
      };
    }
    const expected = `OdeonError ${codes.join(' | ')}${context === undefined ? '' : ` with context ${this.utils.stringify(context)}`}`;
    if (!threw) return { pass: false, message: () => `expected ${expected}, but nothing was thrown` };
    const m = matchOdeonError(thrown, codes, context, (a, b) => this.equals(a, b));
    return {
      pass: m.pass,
      message: () => `expected ${this.isNot ? 'not ' : ''}${expected}, got ${m.actual}`,
    };
  },
});
