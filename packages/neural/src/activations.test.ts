import { tensor } from '@odeon/tensor';
import { numericGradient } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, activate, activateDerivative, activateTensor, checkActivation } from './activations.ts';

describe('activations', () => {
  it.each(ACTIVATIONS)('%s: scalar form equals the tensor op bit for bit', (name) => {
    const xs = [-30, -4.2, -1, -0.3, -1e-9, 0.2, 0.7, 1.5, 3, 9, 40];
    const viaTensor = activateTensor(name, tensor(xs)).toFloat64();
    expect(Array.from(xs, (x) => activate(name, x))).toEqual(Array.from(viaTensor));
  });

  it.each(ACTIVATIONS)('%s: derivative matches central differences', (name) => {
    fc.assert(
      fc.property(fc.double({ min: -6, max: 6, noNaN: true }), (x) => {
        if (Math.abs(x) < 1e-4) return; // relu/celu kinks
        const d = numericGradient((v) => activate(name, v[0]), [x], 1e-6)[0];
        expect(activateDerivative(name, x)).toBeCloseTo(d, 7);
      }),
      { numRuns: 50 },
    );
  });

  it('gelu uses the exact erf form', () => {
    // x·Φ(x) at x = 1: Φ(1) = 0.8413447460685429 (tables).
    expect(activate('gelu', 1)).toBeCloseTo(0.8413447460685429, 15);
  });

  it('rejects unknown names with InvalidOption', () => {
    expect(() => checkActivation('activation', 'swish')).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });
});
