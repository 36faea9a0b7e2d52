import { describe, expect, it } from 'vitest';
import { countAllocations } from './count-allocations.ts';

describe('countAllocations', () => {
  it('counts the watched constructors only, and restores them', () => {
    const F64 = Float64Array;
    expect(
      countAllocations(() => {
        new Float64Array(3);
        Float64Array.of(1, 2);
        new Int32Array(2);
      }),
    ).toBe(2);
    expect(countAllocations(() => new Int32Array(2), ['Float64Array', 'Int32Array'])).toBe(1);
    expect(countAllocations(() => 0)).toBe(0);
    expect(globalThis.Float64Array).toBe(F64);
  });

  it('restores the constructors when the function throws', () => {
    const F64 = Float64Array;
    expect(() =>
      countAllocations(() => {
        throw new RangeError('x');
      }),
    ).toThrow(RangeError);
    expect(globalThis.Float64Array).toBe(F64);
  });
});
