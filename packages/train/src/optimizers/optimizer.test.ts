import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOptimizer, type OptimizerSpec } from './optimizer.ts';
import { learningRate } from './schedules.ts';

describe('Adam', () => {
  it('first steps on f(x) = x² match the published update rule computed by hand', () => {
    // Kingma & Ba, Algorithm 1, lr 0.1, β = (0.9, 0.999), ε = 1e-8, x₀ = 1, g = 2x.
    // Step 1: m̂ = g, v̂ = g², x₁ = 1 − 0.1·2/(2 + 1e-8) = 0.9000000005.
    // Step 2: m = 0.36, v = 0.007236, m̂ = 0.36/0.19, v̂ = 0.007236/0.001999 → x₂ = 0.80041222869...
    const opt = createOptimizer({ kind: 'adam' }, 1);
    const x = Float64Array.of(1);
    const expected = [0.9000000005, 0.8004122286917928, 0.7015862729460303];
    for (const e of expected) {
      opt.update(x, Float64Array.of(2 * x[0]), 0.1);
      expect(x[0]).toBeCloseTo(e, 14);
    }
    expect(opt.stepCount).toBe(3);
  });

  it('the first step has length lr per coordinate whatever the gradient scale', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.boolean(), (g, neg) => {
        const x = Float64Array.of(0);
        createOptimizer({ kind: 'adam', eps: 0 }, 1).update(x, Float64Array.of(neg ? -g : g), 0.01);
        expect(x[0]).toBeCloseTo(neg ? 0.01 : -0.01, 15);
      }),
    );
  });
});

describe('AdamW', () => {
  it('decays weights multiplicatively (decoupled) when the gradient is zero', () => {
    const opt = createOptimizer({ kind: 'adamw', weightDecay: 0.1 }, 2);
    const x = Float64Array.of(3, -2);
    for (let k = 0; k < 10; k++) opt.update(x, new Float64Array(2), 0.5);
    expect(x[0]).toBeCloseTo(3 * 0.95 ** 10, 14);
    expect(x[1]).toBeCloseTo(-2 * 0.95 ** 10, 14);
  });

  it('differs from Adam with an L2 term folded into the gradient (decoupling)', () => {
    const a = Float64Array.of(5);
    const b = Float64Array.of(5);
    const w = createOptimizer({ kind: 'adamw', weightDecay: 0.1 }, 1);
    const l2 = createOptimizer({ kind: 'adam' }, 1);
    for (let k = 0; k < 5; k++) {
      w.update(a, Float64Array.of(1), 0.1);
      l2.update(b, Float64Array.of(1 + 0.1 * b[0]), 0.1);
    }
    // AdamW: each step subtracts lr·λ·x on top of Adam's unit-size step.
    expect(Math.abs(a[0] - b[0])).toBeGreaterThan(0.1);
  });
});

describe('AdaBelief', () => {
  it('first step is lr/(1 − β₁) · ... = lr/0.9 in each coordinate (Zhuang et al., Alg. 2)', () => {
    // m₁ = 0.1g, s₁ = 0.001(0.9g)² + ε: m̂ = g, ŝ = 0.81g² + ε/0.001 → step ≈ lr·g/(0.9|g|).
    const x = Float64Array.of(0, 0);
    createOptimizer({ kind: 'adabelief' }, 2).update(x, Float64Array.of(3, -0.02), 0.09);
    // ε/0.001 = 1e-13 inside the square root shifts the small coordinate by ~1.5e-11.
    expect(x[0]).toBeCloseTo(-0.1, 12);
    expect(x[1]).toBeCloseTo(0.1, 9);
  });
});

function illConditioned(n: number, kappa: number) {
  const lambda = Float64Array.from({ length: n }, (_, i) => kappa ** (i / (n - 1)));
  return {
    lambda,
    grad: (x: Float64Array) => Float64Array.from(x, (v, i) => lambda[i] * v),
  };
}

describe.each<[string, OptimizerSpec, number]>([
  ['adam', { kind: 'adam' }, 0.05],
  ['adamw', { kind: 'adamw', weightDecay: 1e-4 }, 0.05],
  ['adabelief', { kind: 'adabelief' }, 0.05],
])('%s', (_name, spec, lr) => {
  it('converges on an ill-conditioned quadratic (κ = 1e4) with a cosine schedule', () => {
    const { grad } = illConditioned(10, 1e4);
    const x = new Float64Array(10).fill(1);
    const opt = createOptimizer(spec, 10);
    const steps = 3000;
    for (let k = 0; k < steps; k++) {
      opt.update(x, grad(x), learningRate({ kind: 'cosine' }, lr, k, steps));
    }
    for (const v of x) expect(Math.abs(v)).toBeLessThan(1e-3);
  });

  it('state round-trips through JSON and resumes bit-for-bit (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 20 }),
        (x0, split) => {
          const { grad } = illConditioned(4, 100);
          const a = Float64Array.from(x0);
          const full = createOptimizer(spec, 4);
          for (let k = 0; k < 30; k++) full.update(a, grad(a), lr);
          const b = Float64Array.from(x0);
          const first = createOptimizer(spec, 4);
          for (let k = 0; k < split; k++) first.update(b, grad(b), lr);
          const resumed = createOptimizer(spec, 4, JSON.parse(JSON.stringify(first.state())));
          for (let k = split; k < 30; k++) resumed.update(b, grad(b), lr);
          for (let i = 0; i < 4; i++) expect(Object.is(a[i], b[i])).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('optimizer validation', () => {
  it('rejects bad specs, sizes and mismatched states with typed errors', () => {
    expect(() => createOptimizer({ kind: 'adam', beta1: 1 }, 3)).toThrowError(
      expect.objectContaining({
        code: 'InvalidOption',
        context: expect.objectContaining({ option: 'optimizer.beta1' }),
      }),
    );
    expect(() => createOptimizer({ kind: 'rmsprop' } as never, 3)).toThrowError(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
    const st = createOptimizer({ kind: 'adam' }, 3).state();
    expect(() => createOptimizer({ kind: 'adabelief' }, 3, st)).toThrowError(
      expect.objectContaining({ code: 'CheckpointError' }),
    );
    expect(() => createOptimizer({ kind: 'adam' }, 4, st)).toThrowError(
      expect.objectContaining({ code: 'CheckpointError' }),
    );
    const opt = createOptimizer({ kind: 'sgd' }, 2);
    expect(() => opt.update(new Float64Array(3), new Float64Array(2), 0.1)).toThrowError(
      expect.objectContaining({ code: 'ShapeMismatch' }),
    );
    expect(() => opt.update(new Float64Array(2), new Float64Array(2), Number.NaN)).toThrowError(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });

  it('SGD with momentum is the heavy-ball recursion', () => {
    const x = Float64Array.of(1);
    const opt = createOptimizer({ kind: 'sgd', momentum: 0.5 }, 1);
    opt.update(x, Float64Array.of(1), 0.1); // v = 1, x = 0.9
    opt.update(x, Float64Array.of(1), 0.1); // v = 1.5, x = 0.75
    expect(x[0]).toBeCloseTo(0.75, 15);
  });
});
