import { describe, expect, expectTypeOf, it } from 'vitest';
import { invalidOption, isOdeonError, OdeonError } from './errors.ts';

declare module './errors.ts' {
  interface OdeonErrorContexts {
    /** A code added by declaration merging, as each package adds its own. */
    TestOnlyError: OdeonErrorContextBase & { readonly row: number };
  }
}

describe('OdeonError', () => {
  it('carries code, context and the hint in its message', () => {
    const cause = new Error('inner');
    const e = new OdeonError('InvalidProblem', 'Bad problem.', { hint: 'Fix it.', element: 'k1', cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('OdeonError');
    expect(e.code).toBe('InvalidProblem');
    expect(e.message).toBe('Bad problem. Fix it.');
    expect(e.cause).toBe(cause);
    expect(e.context.element).toBe('k1');
  });

  it('isOdeonError checks the class and the code, and narrows the context type by code', () => {
    const e: unknown = new OdeonError('TestOnlyError', 'row 3 is bad', { row: 3 });
    expect(isOdeonError(e)).toBe(true);
    expect(isOdeonError(e, 'InvalidOption')).toBe(false);
    expect(isOdeonError(new Error('x'))).toBe(false);
    expect(isOdeonError({ code: 'TestOnlyError' }, 'TestOnlyError')).toBe(false);
    if (!isOdeonError(e, 'TestOnlyError')) throw new Error('unreachable');
    expectTypeOf(e.code).toEqualTypeOf<'TestOnlyError'>();
    expectTypeOf(e.context.row).toEqualTypeOf<number>();
    expect(e.context.row).toBe(3);
  });

  it('invalidOption names the option, the value and what is allowed', () => {
    const e = invalidOption('rtol', -1, 'a positive number');
    expect(e.code).toBe('InvalidOption');
    expect(e.context).toMatchObject({ option: 'rtol', value: -1, allowed: 'a positive number' });
    expect(e.message).toBe('Invalid option `rtol`: got -1. Expected a positive number.');
    expect(invalidOption('name', 'x'.repeat(100), 'short').message).toContain('..."');
    expect(invalidOption('y0', new Float64Array(4), 'length 3').message).toContain('an array of length 4');
  });
});
