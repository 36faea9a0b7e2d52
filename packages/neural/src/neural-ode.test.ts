import { solve } from '@odeon/ode';
import { flatten } from '@odeon/tensor';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { checkProblem } from './__fixtures__/check-problem.ts';
import { equationScaling, NeuralODE } from './neural-ode.ts';
import { modelFromJson } from './serialize.ts';

describe('NeuralODE', () => {
  it('equationScaling is max − min per species and t1 − t0 (Kim et al. 2021)', () => {
    const t = [0, 1, 4];
    const y = [1, 0, 5, 0.5, 2, 5, 0.2, 1, 5];
    const s = equationScaling(t, y, 3);
    expect(Array.from(s.yScale)).toEqual([0.8, 2, 1]); // constant species → 1
    expect(s.tScale).toBe(4);
  });

  it('dy/dt = MLP(y) ⊙ y_scale / t_scale, and problem derivatives are exact', () => {
    const scaling = { yScale: [1, 3e-5, 0.5], tScale: 1e5 };
    const m = new NeuralODE({ n: 3, network: { width: 5, depth: 3, activation: 'gelu', seed: 2 }, scaling });
    const unscaled = new NeuralODE({ n: 3, network: { width: 5, depth: 3, activation: 'gelu', seed: 2 } });
    const y = Float64Array.of(0.9, 1e-5, 0.1);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    m.problem({ y0: y, t0: 0, t1: 1 }).rhs(0, y, m.p, a);
    unscaled.problem({ y0: y, t0: 0, t1: 1 }).rhs(0, y, unscaled.p, b);
    for (let i = 0; i < 3; i++) expect(a[i]).toBeCloseTo((b[i] * scaling.yScale[i]) / scaling.tScale, 18);
    checkProblem(unscaled, y, 0, (tree, yy) => unscaled.vectorField(tree, yy));
    checkProblem(m, y, 0, (tree, yy) => m.vectorField(tree, yy), { rtol: 1e-6, atol: 1e-14 });
    // the state-only VJP the adjoint stages use is provided (checkProblem compares it with vᵀJ)
    expect(m.problem({ y0: y, t0: 0, t1: 1 }).vjpY).toBeTypeOf('function');
  });

  it('time input: derivatives and tgrad', () => {
    const m = new NeuralODE({
      n: 2,
      timeInput: true,
      network: { width: 4, depth: 2, activation: 'tanh', seed: 5 },
    });
    const y = Float64Array.of(0.3, -0.4);
    checkProblem(m, y, 0.7, (tree, yy) => m.vectorField(tree, yy, 0.7));
    const prob = m.problem({ y0: y, t0: 0, t1: 1 });
    const p = prob.p as Float64Array;
    const dt = new Float64Array(2);
    prob.tgrad?.(0.7, y, p, dt);
    const f = (t: number) => {
      const o = new Float64Array(2);
      prob.rhs(t, y, p, o);
      return o;
    };
    const h = 1e-6;
    const fp = f(0.7 + h);
    const fm = f(0.7 - h);
    expect(dt).toBeAllclose([(fp[0] - fm[0]) / (2 * h), (fp[1] - fm[1]) / (2 * h)], {
      rtol: 1e-6,
      atol: 1e-9,
    });
  });

  it('flat parameters equal flatten(paramTree) and setParams copies', () => {
    const m = new NeuralODE({ n: 2, network: { width: 3, depth: 1 } });
    expect(Array.from(flatten(m.paramTree()))).toEqual(Array.from(m.p));
    const q = m.p.map((v) => v * 2);
    m.setParams(q);
    q[0] = 123;
    expect(m.p[0]).not.toBe(123);
    expect(() => m.setParams([1, 2])).toThrow(expect.objectContaining({ code: 'ShapeMismatch' }));
  });

  it('solves with @odeon/ode (explicit and stiff methods agree)', () => {
    const m = new NeuralODE({ n: 2, network: { width: 8, depth: 2, activation: 'tanh', seed: 1 } });
    const prob = m.problem({ y0: [1, 0], t0: 0, t1: 2 });
    const a = solve(prob, { method: 'tsit5', rtol: 1e-10, atol: 1e-12, saveAt: [2] });
    const b = solve(prob, { method: 'rodas5p', rtol: 1e-10, atol: 1e-12, saveAt: [2] });
    expect(a.y).toBeAllclose(b.y, { rtol: 1e-7, atol: 1e-9 });
  });

  it('JSON round trip is bit-exact (including −0) and evaluates identically', () => {
    const m = new NeuralODE({
      n: 3,
      timeInput: true,
      scaling: { yScale: [1, 2, 3], tScale: 7 },
      network: { width: 4, depth: 2, activation: 'celu' },
    });
    const p = m.p.slice();
    p[0] = -0;
    p[1] = 1 / 3;
    p[2] = 5e-324;
    m.setParams(p);
    const back = modelFromJson(JSON.stringify(m)) as NeuralODE;
    expect(back).toBeInstanceOf(NeuralODE);
    expect(new Uint8Array(back.p.buffer)).toEqual(new Uint8Array(m.p.buffer));
    expect(Object.is(back.p[0], -0)).toBe(true);
    const y = Float64Array.of(0.1, 0.2, 0.3);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    m.problem({ y0: y, t0: 0, t1: 1 }).rhs(0.5, y, m.p, a);
    back.problem({ y0: y, t0: 0, t1: 1 }).rhs(0.5, y, back.p, b);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(JSON.stringify(back)).toBe(JSON.stringify(m));
  });

  it('rejects malformed JSON documents with ModelFormatError', () => {
    expect(() => modelFromJson('{')).toThrow(expect.objectContaining({ code: 'ModelFormatError' }));
    expect(() => modelFromJson({ format: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'ModelFormatError' }),
    );
    const doc = JSON.parse(JSON.stringify(new NeuralODE({ n: 1 })));
    doc.params = 'not base64!';
    expect(() => modelFromJson(doc)).toThrow(expect.objectContaining({ code: 'ModelFormatError' }));
  });
});
