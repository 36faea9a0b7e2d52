import { numericGradient } from '@odeon/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTransform } from './transforms.ts';

describe('parameter transforms', () => {
  const cases = [
    createTransform('a', 'none'),
    createTransform('b', 'log'),
    createTransform('c', 'log', 1e-3, 1e3),
    createTransform('d', 'logistic', -2, 5),
  ];

  it.each(cases.map((t) => [t.kind, t] as const))(
    '%s: θ stays in bounds, inverse and derivative are right',
    (_k, t) => {
      fc.assert(
        fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (u) => {
          const th = t.toTheta(u);
          expect(th).toBeGreaterThan(t.lower);
          expect(th).toBeLessThan(t.upper);
          expect(t.toU(th)).toBeCloseTo(u, 6);
          const fd = numericGradient((x) => t.toTheta(x[0]), [u])[0];
          expect(Math.abs(t.derivative(u) - fd)).toBeLessThanOrEqual(1e-6 * Math.abs(fd) + 1e-9);
        }),
      );
    },
  );

  it('picks defaults from the bounds', () => {
    expect(createTransform('x', undefined).kind).toBe('none');
    expect(createTransform('x', undefined, 0).kind).toBe('log');
    expect(createTransform('x', undefined, 1e-2, 10).kind).toBe('log');
    expect(createTransform('x', undefined, -1, 1).kind).toBe('logistic');
  });

  it('rejects inconsistent bounds with InvalidOption naming the parameter', () => {
    expect(() => createTransform('k1', 'none', 0, 1)).toThrowError(
      expect.objectContaining({
        code: 'InvalidOption',
        context: expect.objectContaining({ option: 'parameters.k1.transform' }),
      }),
    );
    expect(() => createTransform('k1', 'log', -1)).toThrowError(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
    expect(() => createTransform('k1', 'logistic', 0)).toThrowError(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
    expect(() => createTransform('k1', undefined, 2, 1)).toThrowError(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });
});
