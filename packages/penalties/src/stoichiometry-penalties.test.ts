import { NeuralODE, RateFlowODE } from '@odeon/neural';
import { flatten } from '@odeon/tensor';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { checkGrad } from './__fixtures__/check-grad.ts';
import { Penalties } from './penalties.ts';
import { Penalty } from './penalty.ts';
import {
  bipolarPenalty,
  conservationPenalty,
  densityPenalty,
  duplicateReactionsPenalty,
  fluxPenalty,
  integerPenalty,
  sparsityPenalty,
} from './stoichiometry-penalties.ts';

/** A RateFlowODE whose learnable S is `S` (species × reactions). */
function withS(S: number[][], conservation?: number[][]): RateFlowODE {
  const n = S.length;
  const r = S[0].length;
  const m = new RateFlowODE({
    species: n,
    reactions: r,
    network: { width: 2, depth: 1 },
    ...(conservation ? { conservation } : {}),
  });
  const p = m.p.slice();
  p.set(S.flat(), 0);
  m.setParams(p);
  return m;
}

function term(fn: Penalty['fn'], model: RateFlowODE): { value: number; gradS: Float64Array } {
  const pen = new Penalties([new Penalty({ name: 't', fn })]);
  const r = pen.valueAndGrad(model);
  return { value: r.total, gradS: r.grad.subarray(0, model.n * model.reactions) };
}

const TARGET = [
  [-1, 0],
  [1, -1],
  [0, 1],
];

describe('stoichiometry penalties', () => {
  it('density = (1/n) Σ_i (Σ_j |S_ij|/(|S_ij|+ε))², and its gradient is not identically zero', () => {
    const m = withS([
      [1, 0],
      [1, -2],
    ]);
    const { value, gradS } = term(densityPenalty(), m);
    const k0 = 1 / 1.1;
    const k1 = 1 / 1.1 + 2 / 2.1;
    expect(value).toBeCloseTo((k0 * k0 + k1 * k1) / 2, 14);
    // d/dS_11 = (2/n)·k1·ε/(|S_11|+ε)² · sign(S_11)
    expect(gradS[3]).toBeCloseTo(k1 * (0.1 / 2.1 ** 2) * -1, 14);
    expect(gradS[0]).toBeGreaterThan(0);
    // a hard count (the peer's bug) would give a zero gradient everywhere: ours does not
    expect(Math.max(...gradS.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('duplicate reactions compares COLUMNS, not rows', () => {
    // identical columns (reactions), distinct rows (species)
    const dupCols = withS([
      [1, 1],
      [-1, -1],
      [0, 0],
    ]);
    // identical rows (species), distinct columns (reactions)
    const dupRows = withS([
      [-1, 1],
      [-1, 1],
      [-1, 1],
    ]);
    expect(term(duplicateReactionsPenalty(), dupCols).value).toBeCloseTo(1, 14);
    expect(term(duplicateReactionsPenalty(), dupRows).value).toBeLessThan(1e-20);
    // near-duplicates: the gradient pushes the two columns apart (opposite signs on the differing entry)
    const near = withS([
      [1, 1.2],
      [-1, -1],
      [0, 0],
    ]);
    const { value, gradS } = term(duplicateReactionsPenalty(), near);
    expect(value).toBeCloseTo(Math.exp(-0.04 / 0.25), 14);
    expect(gradS[0]).toBeGreaterThan(0); // lowering S_00 increases the distance
    expect(gradS[1]).toBeLessThan(0);
    expect(gradS[0]).toBeCloseTo((-2 / 0.25) * value * (1 - 1.2), 14);
  });

  it('bipolar is 0 for A → B → C and penalises a reaction that only produces, with a non-zero gradient', () => {
    expect(term(bipolarPenalty(), withS(TARGET)).value).toBe(0);
    const producesOnly = withS([
      [-1, 0.2],
      [1, 0.8],
      [0, 1],
    ]);
    const { value, gradS } = term(bipolarPenalty(), producesOnly);
    expect(value).toBeGreaterThan(0.3 ** 2);
    // column 1 needs a reactant: the gradient raises the penalty when entries of column 1 grow
    for (let i = 0; i < 3; i++) expect(gradS[i * 2 + 1]).toBeGreaterThan(0);
    // column 0 is fine: no gradient
    for (let i = 0; i < 3; i++) expect(gradS[i * 2]).toBeCloseTo(0, 12);
  });

  it('integer = Σ (S − round S)² with gradient 2(S − round S)', () => {
    const m = withS([
      [0.9, -0.2],
      [1.4, 0],
    ]);
    const { value, gradS } = term(integerPenalty, m);
    expect(value).toBeCloseTo(0.01 + 0.04 + 0.16, 14);
    expect(gradS).toBeAllclose([2 * -0.1, 2 * -0.2, 2 * 0.4, 0], { atol: 1e-14 });
    expect(term(integerPenalty, withS(TARGET)).value).toBe(0);
  });

  it('conservation = ‖M S‖² (0 when every reaction conserves mass)', () => {
    expect(term(conservationPenalty, withS(TARGET, [[1, 1, 1]])).value).toBe(0);
    const m = withS(
      [
        [-1, 0],
        [1, -1],
        [0, 2],
      ],
      [[1, 1, 1]],
    );
    const { value, gradS } = term(conservationPenalty, m);
    expect(value).toBe(1);
    expect(Array.from(gradS)).toEqual([0, 2, 0, 2, 0, 2]);
    expect(() => term(conservationPenalty, withS(TARGET))).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });

  it('sparsity = Σ|S|', () => {
    const { value, gradS } = term(sparsityPenalty, withS(TARGET));
    expect(value).toBe(4);
    expect(Array.from(gradS)).toEqual([-1, 0, 1, -1, 0, 1]);
  });

  it('flux = (1/m) Σ_k Σ_j r_j(y_k)·‖s_j‖₁ (rates from the kernel path), with a gradient checked by central differences', () => {
    const m = withS([
      [-1, 0.5],
      [2, -1],
      [0, 0.25],
    ]);
    const states = [0.2, 0.5, 0.1, 1, 0, 0.3, 0.4, 0.4, 0.4];
    // independent rates: the network's rates from the float64 kernel, recovered from rhs with S = I
    const rates = new RateFlowODE({
      species: 3,
      reactions: 2,
      network: { width: 2, depth: 1 },
      stoichiometry: [
        [1, 0],
        [0, 1],
        [0, 0],
      ],
      learnStoichiometry: false,
      params: m.p.subarray(m.mlpOffset),
    }).problem({ y0: [0, 0, 0], t0: 0, t1: 1 });
    const r = new Float64Array(3);
    let expected = 0;
    for (let k = 0; k < 3; k++) {
      rates.rhs(0, Float64Array.from(states.slice(3 * k, 3 * k + 3)), rates.p as Float64Array, r);
      expected += (r[0] * 3 + r[1] * 1.75) / 3;
    }
    const pen = new Penalties([new Penalty({ name: 'flux', fn: fluxPenalty })]);
    expect(pen.evaluate(m, { states }).total).toBeCloseTo(expected, 12);
    checkGrad(pen, m, { states });
    // S gets the gradient r_j·sign(S_ij)
    const { grad } = pen.valueAndGrad(m, { states });
    expect(Math.abs(grad[0])).toBeGreaterThan(0);
    expect(() => pen.evaluate(m)).toThrow(expect.objectContaining({ code: 'InvalidOption' }));
    expect(Penalties.forRateFlow({ alpha: 0, fluxAlpha: 2 }).evaluate(m, { states }).total).toBeCloseTo(
      2 * expected,
      12,
    );
  });

  it('stoichiometry penalties reject other model kinds', () => {
    const m = withS(TARGET);
    expect(flatten(m.paramTree()).length).toBe(m.np);
    expect(() => Penalties.forRateFlow({ sparsityAlpha: 1 }).evaluate(new NeuralODE({ n: 3 }))).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });
});
