import { broadcastableShapes, gradcheck, numericJacobian, vector } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as T from './index.ts';

const backends: readonly T.BackendName[] = ['cpu', 'wasm'];

describe.each(backends)('transformations on %s', (backend) => {
  beforeAll(async () => {
    await T.initBackend(backend);
  });
  const f32 = backend === 'wasm';
  const tol = f32 ? { rtol: 2e-3, atol: 2e-4 } : { rtol: 1e-10, atol: 1e-12 };
  const t = (v: ArrayLike<number>, shape?: number[]) => T.tensor(v, shape, { backend });

  it('grad(grad(f)) of a scalar function matches the analytic second derivative', () => {
    // f(x) = x³ sin x → f'' = 6x sin x + 6x² cos x − x³ sin x
    fc.assert(
      fc.property(vector(1, -3, 3), ([x]) => {
        const f = (v: T.Tensor) => T.sum(T.mul(T.pow(v, 3), T.sin(v)));
        const d2 = T.grad((v: T.Tensor) => T.sum(T.grad(f)(v)))(t([x], [])).item();
        const expected = 6 * x * Math.sin(x) + 6 * x * x * Math.cos(x) - x ** 3 * Math.sin(x);
        expect(d2).toBeAllclose([expected], { rtol: f32 ? 1e-2 : 1e-10, atol: f32 ? 1e-2 : 1e-12 });
      }),
      { numRuns: 20 },
    );
  });

  it('third order: grad(grad(grad(exp∘sin)))', () => {
    const f = (v: T.Tensor) => T.exp(T.sin(v));
    const g3 = T.grad((v: T.Tensor) => T.grad((w: T.Tensor) => T.grad(f)(w))(v))(t([0.3], []));
    const x = 0.3;
    const s = Math.sin(x);
    const c = Math.cos(x);
    // d³/dx³ e^{sin x} = e^{sin x}(c³ − 3 s c − c)
    expect(g3.item()).toBeAllclose([Math.exp(s) * (c ** 3 - 3 * s * c - c)], { rtol: f32 ? 1e-3 : 1e-12 });
  });

  it('grad of a function containing a vjp (Jacobian-norm penalty) passes gradcheck', () => {
    const W = T.randn([3, 3], { seed: 3, backend });
    const field = (y: T.Tensor) => T.tanh(T.matmul(W, y));
    // P(y) = ‖J(y)ᵀ v‖², v fixed
    const v = t([0.3, -1.2, 0.7]);
    const penalty = (y: T.Tensor) => T.sumSquares(T.vjp(field, y).vjp(v));
    fc.assert(
      fc.property(vector(3, -1, 1), (y) => {
        const r = gradcheck(
          (x) => penalty(t(x)).item(),
          (x) => T.grad(penalty)(t(x)).toFloat64(),
          y,
          f32 ? { rtol: 3e-2, atol: 3e-3, h: Math.cbrt(1.2e-7) } : { rtol: 1e-6, atol: 1e-9 },
        );
        expect(r.pass, `${r.analytic} vs ${r.numeric}`).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('grad of a function containing a jvp passes gradcheck', () => {
    const field = (y: T.Tensor) => T.mul(T.sin(y), T.sum(T.square(y)));
    const u = t([1, 0.5, -2]);
    const pen = (y: T.Tensor) => T.sumSquares(T.jvp(field, y, u).tangent);
    const r = gradcheck(
      (x) => pen(t(x)).item(),
      (x) => T.grad(pen)(t(x)).toFloat64(),
      [0.2, -0.4, 0.9],
      f32 ? { rtol: 3e-2, atol: 3e-3, h: Math.cbrt(1.2e-7) } : { rtol: 1e-6, atol: 1e-9 },
    );
    expect(r.pass, `${r.analytic} vs ${r.numeric}`).toBe(true);
  });

  it('forward and reverse Jacobians agree with each other and with central differences', () => {
    const A = T.randn([4, 3], { seed: 5, backend });
    const f = (x: T.Tensor) => T.gelu(T.add(T.matmul(A, T.sin(x)), T.sum(T.square(x))));
    fc.assert(
      fc.property(vector(3, -2, 2), (x) => {
        const Jf = T.jacobian(f, { mode: 'forward' })(t(x)).toFloat64();
        const Jr = T.jacobian(f, { mode: 'reverse' })(t(x)).toFloat64();
        expect(Jf).toBeAllclose(Jr, tol);
        const num = numericJacobian((v) => f(t(v)).toFloat64(), x, f32 ? 3e-3 : undefined);
        expect(Jr).toBeAllclose(num.J, f32 ? { rtol: 2e-2, atol: 2e-3 } : { rtol: 1e-6, atol: 1e-8 });
      }),
      { numRuns: 15 },
    );
  });

  it('jacobian has shape [...out, ...in] and auto picks either mode consistently', () => {
    const f = (x: T.Tensor) => T.reshape(T.concat([x, T.square(x)], 0), [2, 2, 3]);
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    const J = T.jacobian(f)(x);
    expect(J.shape).toEqual([2, 2, 3, 2, 3]);
    expect(J.toFloat64()).toBeAllclose(T.jacobian(f, { mode: 'forward' })(x).toFloat64(), tol);
  });

  it('jvp equals J·v from the reverse-mode Jacobian', () => {
    const f = (x: T.Tensor) => T.mul(T.exp(x), T.sum(x));
    fc.assert(
      fc.property(vector(4, -1, 1), vector(4, -1, 1), (x, v) => {
        const J = T.jacobian(f, { mode: 'reverse' })(t(x));
        const Jv = T.matmul(J, t(v)).toFloat64();
        const r = T.jvp(f, t(x), t(v));
        expect(r.tangent.toFloat64()).toBeAllclose(Jv, tol);
        expect(r.value.toFloat64()).toBeAllclose(f(t(x)).toFloat64(), tol);
      }),
      { numRuns: 20 },
    );
  });

  it('jvp of jvp gives the second directional derivative (nested levels do not mix)', () => {
    // f(x) = Σ sin(x)·x² → d²/dε² f(x + εu) = uᵀ H u, H diagonal: (2 − x²) sin x + 4x cos x
    const f = (x: T.Tensor) => T.sum(T.mul(T.sin(x), T.square(x)));
    fc.assert(
      fc.property(vector(3, -2, 2), vector(3, -1, 1), (x, u) => {
        const tx = t(x);
        const tu = t(u);
        const second = T.jvp((y: T.Tensor) => T.jvp(f, y, tu).tangent, tx, tu).tangent.item();
        let ref = 0;
        for (let i = 0; i < 3; i++)
          ref += u[i] * u[i] * ((2 - x[i] ** 2) * Math.sin(x[i]) + 4 * x[i] * Math.cos(x[i]));
        expect(second).toBeAllclose([ref], f32 ? { rtol: 1e-3, atol: 1e-3 } : { rtol: 1e-12, atol: 1e-12 });
        // perturbation confusion check (Siskind & Pearlmutter): d/dx [x · d/dy (x + y)] = 1
        const pc = T.jvp(
          (xx: T.Tensor) => T.mul(xx, T.jvp((yy: T.Tensor) => T.add(xx, yy), t([1], []), t([1], [])).tangent),
          t([2], []),
          t([1], []),
        );
        expect(pc.tangent.item()).toBeCloseTo(1, f32 ? 5 : 14);
      }),
      { numRuns: 15 },
    );
  });

  it('hvp and hessian agree with the analytic Hessian of a quadratic form', () => {
    const Adata = [2, 1, 0, 1, 3, -1, 0, -1, 4];
    const A = t(Adata, [3, 3]);
    const f = (x: T.Tensor) => T.mul(T.dot(x, T.matmul(A, x)), 0.5);
    const x = t([0.1, 0.2, 0.3]);
    expect(T.hessian(f)(x).toFloat64()).toBeAllclose(Adata, tol);
    expect(T.hvp(f, x, t([1, 0, -1])).toFloat64()).toBeAllclose([2, 2, -4], tol);
  });

  it('grad works on parameter trees and returns the same structure', () => {
    const params = { w: t([1, 2], [2]), layers: [t([3], [1]), { b: t([0.5], []) }] } as const;
    const loss = (p: typeof params) => T.add(T.sum(T.square(p.w)), T.mul(p.layers[0], p.layers[1].b));
    const g = T.grad(loss)(params);
    expect(g.w.toFloat64()).toBeAllclose([2, 4], tol);
    expect(g.layers[0].toFloat64()).toBeAllclose([0.5], tol);
    expect(g.layers[1].b.toFloat64()).toBeAllclose([3], tol);
  });

  it('gradient of an unused input is zero, and a constant output has zero gradient', () => {
    const g = T.grad((p: T.Tensor[]) => T.sum(T.square(p[0])))([t([1, 2]), t([3])]);
    expect(g[1].toFloat64()).toEqual(new Float64Array([0]));
    expect(T.grad((_x: T.Tensor) => T.sum(t([1, 2])))(t([5])).toFloat64()).toEqual(new Float64Array([0]));
  });

  it('rejects a non-scalar output in grad with a ShapeMismatch OdeonError', () => {
    expect(() => T.grad((x: T.Tensor) => T.exp(x))(t([1, 2]))).toThrowError(/one-element/);
  });

  it('broadcasting (property): add/mul/maximum values and gradients match an index-wise reference', () => {
    fc.assert(
      fc.property(broadcastableShapes(3, 3), fc.integer({ min: 0, max: 1000 }), ([sa, sb], seed) => {
        const a = T.randn(sa, { seed, backend });
        const b = T.randn(sb, { seed: seed + 1, backend });
        const out = T.mul(T.add(a, b), b);
        const shape = out.shape;
        const n = out.size;
        // Reference: explicit index arithmetic.
        const av = a.toFloat64();
        const bv = b.toFloat64();
        const ref = new Float64Array(n);
        const ga = new Float64Array(av.length);
        const gb = new Float64Array(bv.length);
        const idx = (s: readonly number[], multi: number[]) => {
          let k = 0;
          const off = multi.length - s.length;
          for (let i = 0; i < s.length; i++) k = k * s[i] + (s[i] === 1 ? 0 : multi[i + off]);
          return k;
        };
        for (let flat = 0; flat < n; flat++) {
          const multi: number[] = [];
          let r = flat;
          for (let d = shape.length - 1; d >= 0; d--) {
            multi[d] = r % shape[d];
            r = Math.floor(r / shape[d]);
          }
          const ia = idx(sa, multi);
          const ib = idx(sb, multi);
          ref[flat] = (av[ia] + bv[ib]) * bv[ib];
          ga[ia] += bv[ib];
          gb[ib] += av[ia] + 2 * bv[ib];
        }
        expect(out.toFloat64()).toBeAllclose(ref, tol);
        const g = T.grad((p: T.Tensor[]) => T.sum(T.mul(T.add(p[0], p[1]), p[1])))([a, b]);
        expect(g[0].shape).toEqual(sa);
        expect(g[1].shape).toEqual(sb);
        expect(g[0].toFloat64()).toBeAllclose(ga, tol);
        expect(g[1].toFloat64()).toBeAllclose(gb, tol);
      }),
      { numRuns: 60 },
    );
  });

  it('noGrad and stopGradient cut the graph', () => {
    const g = T.grad((x: T.Tensor) => T.sum(T.mul(x, T.stopGradient(x))))(t([3]));
    expect(g.toFloat64()).toBeAllclose([3], tol);
  });
});
