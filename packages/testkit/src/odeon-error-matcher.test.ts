import { invalidOption, OdeonError } from '@odeon/core';
import { describe, expect, it } from 'vitest';

const singular = () => {
  throw new OdeonError('InvalidProblem', 'Singular at t = 2.', { t: 2, component: 1, hint: 'Check J.' });
};

describe('toThrowOdeonError', () => {
  it('passes on the code, one of several codes, and a context subset (with asymmetric matchers)', () => {
    expect(singular).toThrowOdeonError('InvalidProblem');
    expect(singular).toThrowOdeonError(['OutOfRange', 'InvalidProblem']);
    expect(singular).toThrowOdeonError('InvalidProblem', { t: 2 });
    expect(singular).toThrowOdeonError('InvalidProblem', { t: expect.closeTo(2.001, 2), component: 1 });
  });

  it('fails on another code, a different context value, a missing key, a plain error or no throw', () => {
    expect(() => expect(singular).toThrowOdeonError('InvalidOption')).toThrowError(
      /expected OdeonError InvalidOption, got OdeonError InvalidProblem/,
    );
    expect(() => expect(singular).toThrowOdeonError('InvalidProblem', { t: 3 })).toThrowError(/t: 2/);
    expect(() => expect(singular).toThrowOdeonError('InvalidProblem', { dt: undefined })).toThrowError();
    expect(() =>
      expect(() => {
        throw new TypeError('boom');
      }).toThrowOdeonError('InvalidProblem'),
    ).toThrowError(/TypeError: boom/);
    expect(() => expect(() => 1).toThrowOdeonError('InvalidProblem')).toThrowError(/nothing was thrown/);
    expect(() => expect(42).toThrowOdeonError('InvalidProblem')).toThrowError(/expects a function/);
  });

  it('works negated and on rejected promises', async () => {
    expect(singular).not.toThrowOdeonError('InvalidOption');
    await expect(Promise.reject(invalidOption('rtol', -1, 'a positive number'))).rejects.toThrowOdeonError(
      'InvalidOption',
      { option: 'rtol', value: -1 },
    );
    await expect(
      expect(Promise.reject(new Error('plain'))).rejects.toThrowOdeonError('InvalidOption'),
    ).rejects.toThrowError(/Error: plain/);
  });
});
