import { flatten, jacobian, jvp, randn, tensor, vjp } from '@odeon/tensor';
import { numericJacobian } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type ActivationName } from './activations.ts';
import { MLP } from './mlp.ts';

const hidden = ACTIVATIONS.filter((a) => a !== 'identity');

function randomVec(n: number, seed: number): Float64Array {
  return randn([n], { seed }).toFloat64();
}

describe('MLP', () => {
  it('flat layout equals flatten(tree) and the parameter count is right', () => {
    const mlp = new MLP({ inputs: 3, outputs: 3, width: 5, depth: 6, activation: 'gelu' });
    expect(mlp.np).toBe(3 * 5 + 5 + 5 * (5 * 5 + 5) + 5 * 3 + 3);
    const p = mlp.init();
    expect(Array.from(flatten(mlp.tree(p)))).toEqual(Array.from(p));
    const noFinalBias = new MLP({ inputs: 2, outputs: 4, width: 3, depth: 1, useFinalBias: false });
    expect(noFinalBias.np).toBe(2 * 3 + 3 + 3 * 4);
    expect(Array.from(flatten(noFinalBias.tree(noFinalBias.init())))).toEqual(Array.from(noFinalBias.init()));
  });

  it('initialisation is seeded and has the Glorot / He scale', () => {
    const a = new MLP({ inputs: 50, outputs: 50, width: 200, depth: 1, seed: 3 });
    expect(Array.from(a.init())).toEqual(Array.from(a.init()));
    expect(Array.from(a.init(4))).not.toEqual(Array.from(a.init()));
    const w = a.init().subarray(a.layers[0].weightOffset, a.layers[0].weightOffset + 50 * 200);
    const bound = Math.sqrt(6 / 250);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(variance).toBeCloseTo((bound * bound) / 3, 3);
    const he = new MLP({ inputs: 100, outputs: 10, width: 100, depth: 1, init: 'he', seed: 1 });
    const wh = he.init().subarray(he.layers[0].weightOffset, he.layers[0].weightOffset + 100 * 100);
    expect(wh.reduce((s, v) => s + v * v, 0) / wh.length).toBeCloseTo(2 / 100, 2);
  });

  it('rejects bad architectures with InvalidOption', () => {
    expect(() => new MLP({ inputs: 0, outputs: 1 })).toThrow(
      expect.objectContaining({
        code: 'InvalidOption',
        context: expect.objectContaining({ option: 'inputs' }),
      }),
    );
    expect(() => new MLP({ inputs: 1, outputs: 1, activation: 'nope' as ActivationName })).toThrow(
      /activation/,
    );
  });

  it('fused kernel equals the tensor path: forward, VJP (input and parameters), JVP, Jacobian', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(...hidden),
        fc.constantFrom<ActivationName>('identity', 'softplus', 'tanh'),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (inputs, outputs, width, depth, activation, finalActivation, useFinalBias, seed) => {
          const mlp = new MLP({
            inputs,
            outputs,
            width,
            depth,
            activation,
            finalActivation,
            useFinalBias,
            seed,
          });
          const p = mlp.init();
          for (let i = 0; i < p.length; i++) p[i] += 0.1 * Math.sin(i + seed); // non-zero biases
          const x = randomVec(inputs, seed + 1);
          const v = randomVec(outputs, seed + 2);
          const u = randomVec(inputs, seed + 3);
          const k = mlp.kernel();
          const tree = mlp.tree(p);
          const f = (xx: ReturnType<typeof tensor>) => mlp.apply(tree, xx);
          const out = k.forward(new Float64Array(outputs), p, 0, x);
          const ref = f(tensor(x)).toFloat64();
          expect(out).toBeAllclose(ref, { rtol: 1e-14, atol: 1e-15 });
          // VJP w.r.t. x and parameters
          const gx = new Float64Array(inputs);
          const gp = new Float64Array(mlp.np);
          k.vjp(gx, gp, p, 0, v, 0);
          expect(gx).toBeAllclose(vjp(f, tensor(x)).vjp(tensor(v)).toFloat64(), { rtol: 1e-12, atol: 1e-14 });
          const gpRef = flatten(vjp((t: typeof tree) => mlp.apply(t, tensor(x)), tree).vjp(tensor(v)));
          expect(gp).toBeAllclose(gpRef, { rtol: 1e-12, atol: 1e-14 });
          // JVP and Jacobian
          const jv = k.jvp(new Float64Array(outputs), p, 0, u);
          expect(jv).toBeAllclose(jvp(f, tensor(x), tensor(u)).tangent.toFloat64(), {
            rtol: 1e-12,
            atol: 1e-14,
          });
          const J = k.jacobian(new Float64Array(outputs * inputs), p, 0);
          expect(J).toBeAllclose(jacobian(f)(tensor(x)).toFloat64(), { rtol: 1e-12, atol: 1e-14 });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('fused derivatives match central differences (3→[5]×6→3 GELU, the stiff neural ODE network)', () => {
    const mlp = new MLP({ inputs: 3, outputs: 3, width: 5, depth: 6, activation: 'gelu', seed: 11 });
    const p = mlp.init();
    const k = mlp.kernel();
    const x = Float64Array.of(0.3, -0.7, 1.1);
    const fx = (xx: Float64Array) => mlp.kernel().forward(new Float64Array(3), p, 0, xx);
    const fp = (pp: Float64Array) => mlp.kernel().forward(new Float64Array(3), pp, 0, x);
    k.forward(new Float64Array(3), p, 0, x);
    const J = k.jacobian(new Float64Array(9), p, 0);
    expect(J).toBeAllclose(numericJacobian(fx, x).J, { rtol: 1e-7, atol: 1e-9 });
    const Jp = numericJacobian(fp, p).J; // 3 × np
    const v = Float64Array.of(0.5, -1, 2);
    const gp = new Float64Array(mlp.np);
    k.vjp(null, gp, p, 0, v, 0);
    const ref = new Float64Array(mlp.np);
    for (let j = 0; j < mlp.np; j++) for (let i = 0; i < 3; i++) ref[j] += v[i] * Jp[i * mlp.np + j];
    expect(gp).toBeAllclose(ref, { rtol: 1e-6, atol: 1e-9 });
  });

  it('batched tensor forward equals row-wise evaluation', () => {
    const mlp = new MLP({ inputs: 2, outputs: 3, width: 4, depth: 2, activation: 'silu' });
    const p = mlp.init();
    const X = tensor([
      [0.1, 0.2],
      [-1, 0.5],
    ]);
    const Y = mlp.apply(mlp.tree(p), X).toFloat64();
    const k = mlp.kernel();
    expect(Y.subarray(0, 3)).toBeAllclose(k.forward(new Float64Array(3), p, 0, [0.1, 0.2]), { rtol: 1e-14 });
    expect(Y.subarray(3, 6)).toBeAllclose(k.forward(new Float64Array(3), p, 0, [-1, 0.5]), { rtol: 1e-14 });
  });
});
