import { describe, expect, it } from 'vitest';
import { invalidOption, isOdeonError, OdeonError } from './errors.ts';

describe('OdeonError', () => {
  it('carries a code, context and the hint in its message', () => {
    const e = new OdeonError('StepSizeTooSmall', 'Step size 1e-20 too small at t = 3.', {
      t: 3,
      dt: 1e-20,
      hint: 'Loosen rtol.',
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('StepSizeTooSmall');
    expect(e.context.t).toBe(3);
    expect(e.message).toBe('Step size 1e-20 too small at t = 3. Loosen rtol.');
    expect(isOdeonError(e)).toBe(true);
    expect(isOdeonError(e, 'MaxStepsReached')).toBe(false);
    expect(isOdeonError(new Error('x'))).toBe(false);
  });
  it('invalidOption names the option, the value and what is allowed', () => {
    const e = invalidOption('rtol', -1, 'a positive number');
    expect(e.code).toBe('InvalidOption');
    expect(e.context).toMatchObject({ option: 'rtol', value: -1, allowed: 'a positive number' });
    expect(e.message).toContain('`rtol`');
    expect(e.message).toContain('a positive number');
  });
});
