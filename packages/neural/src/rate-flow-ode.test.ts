import { flatten } from '@odeon/tensor';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { checkProblem } from './__fixtures__/check-problem.ts';
import { RateFlowODE } from './rate-flow-ode.ts';
import { modelFromJson } from './serialize.ts';

describe('RateFlowODE', () => {
  it.each(['softplus', 'relu'] as const)(
    'dy/dt = S·r(y) with %s rates: exact derivatives (learnable S)',
    (rate) => {
      const m = new RateFlowODE({
        species: 3,
        reactions: 2,
        rate,
        network: { width: 6, depth: 2, activation: 'tanh', seed: 4 },
      });
      expect(m.np).toBe(6 + m.mlp.np);
      expect(Array.from(flatten(m.paramTree()))).toEqual(Array.from(m.p));
      checkProblem(m, Float64Array.of(0.6, 0.3, 0.1), 0, (tree, y) => m.vectorField(tree, y));
    },
  );

  it('columnNormalizedParams: columns of S get max |entry| 1, and S·r(y) is unchanged for relu rates', () => {
    const m = new RateFlowODE({
      species: 3,
      reactions: 2,
      rate: 'relu',
      network: { width: 5, depth: 1, activation: 'tanh', seed: 3 },
      stoichiometry: [
        [-0.25, 0.1],
        [0.2, -0.4],
        [0.05, 0.3],
      ],
    });
    const q = m.columnNormalizedParams();
    expect(Array.from(m.stoichiometry(q))).toBeAllclose([-1, 0.25, 0.8, -1, 0.2, 0.75], { atol: 1e-15 });
    expect(Array.from(q.subarray(6))).not.toEqual(Array.from(m.p.subarray(6))); // the output layer moved
    const prob = m.problem({ y0: [0, 0, 0], t0: 0, t1: 1 });
    const before = new Float64Array(3);
    const after = new Float64Array(3);
    for (const y of [
      [0.3, 0.5, 0.2],
      [1, 0, 0],
      [0.1, 0.9, 0.4],
    ]) {
      prob.rhs(0, Float64Array.from(y), m.p, before);
      prob.rhs(0, Float64Array.from(y), q, after);
      expect(after).toBeAllclose(before, { rtol: 1e-13, atol: 1e-15 });
    }
    // softplus rates: S is normalised all the same, and a fixed S is refused
    const soft = new RateFlowODE({ species: 3, reactions: 2, seed: 1 });
    const S = soft.stoichiometry(soft.columnNormalizedParams());
    for (let j = 0; j < 2; j++) expect(Math.max(...[0, 1, 2].map((i) => Math.abs(S[2 * i + j])))).toBe(1);
    const fixed = new RateFlowODE({
      species: 1,
      reactions: 1,
      stoichiometry: [[1]],
      learnStoichiometry: false,
    });
    expect(() => fixed.columnNormalizedParams()).toThrow(expect.objectContaining({ code: 'InvalidOption' }));
  });

  it('fixed S is not a parameter and is used as given', () => {
    const S = [
      [-1, 0],
      [1, -1],
      [0, 1],
    ];
    const m = new RateFlowODE({
      species: 3,
      reactions: 2,
      stoichiometry: S,
      learnStoichiometry: false,
      network: { width: 4, depth: 1 },
    });
    expect(m.np).toBe(m.mlp.np);
    const y = Float64Array.of(0.5, 0.4, 0.1);
    checkProblem(m, y, 0, (tree, yy) => m.vectorField(tree, yy));
    const r = m.mlp.kernel().forward(new Float64Array(2), m.p, 0, y);
    const f = new Float64Array(3);
    m.problem({ y0: y, t0: 0, t1: 1 }).rhs(0, y, m.p, f);
    expect(f).toBeAllclose([-r[0], r[0] - r[1], r[1]], { rtol: 1e-15, atol: 1e-16 });
    // mass is conserved by construction with this S
    expect(f[0] + f[1] + f[2]).toBeCloseTo(0, 15);
  });

  it('rates are non-negative', () => {
    const m = new RateFlowODE({ species: 2, reactions: 3, rate: 'relu', network: { width: 5, depth: 2 } });
    const k = m.mlp.kernel();
    for (let s = 0; s < 20; s++) {
      const r = k.forward(new Float64Array(3), m.p, m.mlpOffset, [Math.sin(s), Math.cos(3 * s)]);
      for (const v of r) expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('JSON round trip is bit-exact (fixed S and conservation matrix kept)', () => {
    const m = new RateFlowODE({
      species: 3,
      reactions: 2,
      stoichiometry: [
        [-1, 0],
        [1, -1],
        [0, 1],
      ],
      learnStoichiometry: false,
      conservation: [[1, 1, 1]],
      network: { width: 3, depth: 1, activation: 'silu', seed: 9 },
    });
    const back = modelFromJson(JSON.stringify(m)) as RateFlowODE;
    expect(new Uint8Array(back.p.buffer)).toEqual(new Uint8Array(m.p.buffer));
    expect(Array.from(back.stoichiometry())).toEqual(Array.from(m.stoichiometry()));
    expect(Array.from(back.conservation ?? [])).toEqual([1, 1, 1]);
    expect(back.mlp.spec).toEqual(m.mlp.spec);
    const learn = new RateFlowODE({ species: 2, reactions: 2, seed: 3 });
    const back2 = modelFromJson(JSON.stringify(learn)) as RateFlowODE;
    expect(new Uint8Array(back2.p.buffer)).toEqual(new Uint8Array(learn.p.buffer));
  });

  it('rejects shape errors', () => {
    expect(() => new RateFlowODE({ species: 3, reactions: 2, stoichiometry: [[1, 2]] })).toThrow(
      expect.objectContaining({ code: 'ShapeMismatch' }),
    );
    expect(() => new RateFlowODE({ species: 2, reactions: 1, learnStoichiometry: false })).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });
});
