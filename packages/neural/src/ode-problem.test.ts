import * as T from '@odeon/tensor';
import { numericJacobian, vector } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type TensorVectorField, toOdeProblem } from './ode-problem.ts';

// Lotka–Volterra with analytic derivatives: y' = [a y0 − b y0 y1, c y0 y1 − d y1], p = {a, b, c, d}.
const lvParams = { a: T.tensor(1.5), b: T.tensor(1), c: T.tensor(1), d: T.tensor(3) };
const lv: TensorVectorField<typeof lvParams> = (_t, y, p) => {
  const y0 = T.slice(y, [0], [1]);
  const y1 = T.slice(y, [1], [1]);
  return T.concat([
    T.sub(T.mul(p.a, y0), T.mul(T.mul(p.b, y0), y1)),
    T.sub(T.mul(T.mul(p.c, y0), y1), T.mul(p.d, y1)),
  ]);
};
// flatten order (sorted keys): a, b, c, d
const lvRhs = (y: Float64Array, p: Float64Array) => [
  p[0] * y[0] - p[1] * y[0] * y[1],
  p[2] * y[0] * y[1] - p[3] * y[1],
];

function mlp(widths: number[], seed: number) {
  const layers = [];
  for (let i = 0; i + 1 < widths.length; i++)
    layers.push({
      W: T.randn([widths[i + 1], widths[i]], { seed: seed + i, std: 1 / Math.sqrt(widths[i]) }),
      b: T.randn([widths[i + 1]], { seed: seed + 100 + i, std: 0.1 }),
    });
  return layers;
}
type Mlp = ReturnType<typeof mlp>;
const mlpField: TensorVectorField<Mlp> = (t, y, layers) => {
  let h = T.add(y, T.mul(t, 0.1));
  layers.forEach((l, i) => {
    h = T.add(T.matmul(l.W, h), l.b);
    if (i < layers.length - 1) h = T.gelu(h);
  });
  return h;
};

describe.each([true, false])('toOdeProblem (compile: %s)', (compiled) => {
  it('Lotka–Volterra: rhs, jacobian, paramJacobian, vjp, jvp match the analytic derivatives', () => {
    const prob = toOdeProblem(lv, { y0: [1, 1], t0: 0, t1: 10, params: lvParams, compile: compiled });
    expect(prob.p).toEqual(new Float64Array([1.5, 1, 1, 3]));
    fc.assert(
      fc.property(vector(2, 0.1, 3), vector(4, 0.5, 2), vector(2, -1, 1), (y, p, v) => {
        const dy = new Float64Array(2);
        prob.rhs(0, y, p, dy);
        expect(dy).toBeAllclose(lvRhs(y, p), { rtol: 1e-14, atol: 1e-14 });
        const J = new Float64Array(4);
        prob.jacobian(0, y, p, J);
        const Jref = [p[0] - p[1] * y[1], -p[1] * y[0], p[2] * y[1], p[2] * y[0] - p[3]];
        expect(J).toBeAllclose(Jref, { rtol: 1e-14, atol: 1e-14 });
        const Jp = new Float64Array(8);
        prob.paramJacobian(0, y, p, Jp);
        expect(Jp).toBeAllclose([y[0], -y[0] * y[1], 0, 0, 0, 0, y[0] * y[1], -y[1]], {
          rtol: 1e-14,
          atol: 1e-14,
        });
        const outY = new Float64Array(2);
        const outP = new Float64Array(4);
        prob.vjp(0, y, p, v, outY, outP);
        expect(outY).toBeAllclose([v[0] * Jref[0] + v[1] * Jref[2], v[0] * Jref[1] + v[1] * Jref[3]], {
          rtol: 1e-13,
          atol: 1e-14,
        });
        expect(outP).toBeAllclose([v[0] * y[0], -v[0] * y[0] * y[1], v[1] * y[0] * y[1], -v[1] * y[1]], {
          rtol: 1e-13,
          atol: 1e-14,
        });
        const Ju = new Float64Array(2);
        prob.jvp(0, y, p, v, Ju);
        expect(Ju).toBeAllclose([Jref[0] * v[0] + Jref[1] * v[1], Jref[2] * v[0] + Jref[3] * v[1]], {
          rtol: 1e-13,
          atol: 1e-14,
        });
      }),
      { numRuns: 30 },
    );
  });

  it('MLP 3→[5]×6→3 GELU field: vjp and jacobian agree with central differences', () => {
    const params = mlp([3, 5, 5, 5, 5, 5, 5, 3], 1);
    const prob = toOdeProblem(mlpField, { y0: [0.1, 0.2, 0.3], t0: 0, t1: 1, params, compile: compiled });
    const p = prob.p;
    fc.assert(
      fc.property(
        vector(3, -2, 2),
        vector(3, -1, 1),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (y, v, t) => {
          const f = (yy: Float64Array) => {
            const o = new Float64Array(3);
            prob.rhs(t, yy, p, o);
            return o;
          };
          const num = numericJacobian(f, y);
          const J = new Float64Array(9);
          prob.jacobian(t, y, p, J);
          expect(J).toBeAllclose(num.J, { rtol: 1e-6, atol: 1e-8 });
          const outY = new Float64Array(3);
          const outP = new Float64Array(prob.np);
          prob.vjp(t, y, p, v, outY, outP);
          const vJ = [0, 1, 2].map((j) => v[0] * num.J[j] + v[1] * num.J[3 + j] + v[2] * num.J[6 + j]);
          expect(outY).toBeAllclose(vJ, { rtol: 1e-6, atol: 1e-8 });
          // parameter part: directional check along a random direction of p
          const dirP = T.randn([prob.np], { seed: 5 }).toFloat64();
          const h = 1e-6;
          const fp = new Float64Array(3);
          const fm = new Float64Array(3);
          prob.rhs(
            t,
            y,
            p.map((x, i) => x + h * dirP[i]),
            fp,
          );
          prob.rhs(
            t,
            y,
            p.map((x, i) => x - h * dirP[i]),
            fm,
          );
          let lhs = 0;
          for (let i = 0; i < 3; i++) lhs += (v[i] * (fp[i] - fm[i])) / (2 * h);
          let rhs = 0;
          for (let i = 0; i < prob.np; i++) rhs += outP[i] * dirP[i];
          expect(rhs).toBeAllclose([lhs], { rtol: 1e-6, atol: 1e-8 });
        },
      ),
      { numRuns: 15 },
    );
  });

  it('rejects a field of the wrong output shape and a wrong-length p', () => {
    expect(() =>
      toOdeProblem((_t, y) => T.sum(y), { y0: [1, 2], t0: 0, t1: 1, params: [], compile: compiled }),
    ).toThrowError(/expected \[2\]/);
    const prob = toOdeProblem(lv, { y0: [1, 1], t0: 0, t1: 1, params: lvParams, compile: compiled });
    expect(() => prob.rhs(0, new Float64Array(2), new Float64Array(3), new Float64Array(2))).toThrowError(
      /expected 4/,
    );
  });
});

describe('compile', () => {
  it('replays a traced gradient with new inputs (matches eager grad)', () => {
    const f = (x: T.Tensor, w: T.Tensor) =>
      T.grad((xx: T.Tensor) => T.sum(T.mul(T.tanh(T.matmul(w, xx)), xx)))(x);
    const c = T.compile(f, [[3], [3, 3]]);
    fc.assert(
      fc.property(vector(3, -2, 2), vector(9, -1, 1), (x, w) => {
        const out = [new Float64Array(3)];
        c.run([x, w], out);
        expect(out[0]).toBeAllclose(f(T.tensor(x), T.tensor(w, [3, 3])).toFloat64(), {
          rtol: 1e-14,
          atol: 1e-15,
        });
      }),
      { numRuns: 20 },
    );
  });

  it('refuses value-dependent control flow while tracing', () => {
    expect(() => T.compile((x: T.Tensor) => (x.toFloat64()[0] > 0 ? x : T.neg(x)), [[1]])).toThrowError(
      /branch/,
    );
  });

  it('eliminates dead code: an unused branch costs no instructions', () => {
    const c1 = T.compile((x: T.Tensor) => T.exp(x), [[2]]);
    const c2 = T.compile(
      (x: T.Tensor) => {
        T.sin(T.cos(x));
        return T.exp(x);
      },
      [[2]],
    );
    expect(c2.instructionCount).toBe(c1.instructionCount);
  });
});

describe('toOdeProblem on the wasm backend (eager, float32)', () => {
  it('rhs and vjp agree with the float64 cpu problem to float32 accuracy', async () => {
    await T.initBackend('wasm');
    const params = mlp([3, 5, 5, 3], 2);
    const cpu = toOdeProblem(mlpField, { y0: [0.1, 0.2, 0.3], t0: 0, t1: 1, params });
    const wasm = toOdeProblem(mlpField, { y0: [0.1, 0.2, 0.3], t0: 0, t1: 1, params, backend: 'wasm' });
    const y = Float64Array.of(0.5, -0.3, 0.2);
    const v = Float64Array.of(1, 2, -1);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    cpu.rhs(0.5, y, cpu.p, a);
    wasm.rhs(0.5, y, wasm.p, b);
    expect(b).toBeAllclose(a, { rtol: 1e-5, atol: 1e-6 });
    const ay = new Float64Array(3);
    const ap = new Float64Array(cpu.np);
    const by = new Float64Array(3);
    const bp = new Float64Array(cpu.np);
    cpu.vjp(0.5, y, cpu.p, v, ay, ap);
    wasm.vjp(0.5, y, wasm.p, v, by, bp);
    expect(by).toBeAllclose(ay, { rtol: 1e-4, atol: 1e-5 });
    expect(bp).toBeAllclose(ap, { rtol: 1e-4, atol: 1e-5 });
  });
});
