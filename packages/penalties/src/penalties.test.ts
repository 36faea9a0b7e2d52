import { NeuralODE, RateFlowODE, UniversalODE } from '@odeon/neural';
import { slice, sub, sumSquares, tensor } from '@odeon/tensor';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { checkGrad } from './__fixtures__/check-grad.ts';
import { Penalties } from './penalties.ts';
import type { Penalty } from './penalty.ts';

function randomRateFlow(seed: number, conservation = true): RateFlowODE {
  return new RateFlowODE({
    species: 3,
    reactions: 3,
    network: { width: 4, depth: 1, activation: 'tanh' },
    seed,
    ...(conservation ? { conservation: [[1, 1, 1]] } : {}),
  });
}

const MM = JSON.stringify({
  species: { S: 1, P: 0 },
  parameters: { Vmax: 1.2, Km: 0.4 },
  reactions: [{ equation: 'S -> P', rate: 'Vmax * S / (Km + S)' }],
});

describe('Penalties presets: gradchecks on random models', () => {
  it.each([1, 2, 3])('forRateFlow with every term on (seed %i)', (seed) => {
    const model = randomRateFlow(seed);
    const pen = Penalties.forRateFlow({
      alpha: 0.7,
      densityAlpha: 1,
      bipolarAlpha: 2,
      integerAlpha: 0.5,
      conservationAlpha: 0.3,
      duplicateReactionsAlpha: 1.5,
      sparsityAlpha: 0.1,
      l2Alpha: 0.01,
    });
    expect(pen.names).toEqual([
      'density',
      'bipolar',
      'integer',
      'conservation',
      'duplicateReactions',
      'sparsity',
      'l2',
    ]);
    const r = checkGrad(pen, model);
    const { total, byName } = pen.evaluate(model);
    expect(total).toBeGreaterThan(0);
    expect(Object.values(byName).reduce((a, b) => a + b, 0)).toBeCloseTo(total, 12);
    // every term individually has a non-zero, correct gradient at a random model
    for (const name of pen.names) {
      const single = new Penalties([pen.get(name) as Penalty]);
      if (single.evaluate(model).total === 0) continue;
      const g = checkGrad(single, model).analytic;
      expect(Math.max(...g.map(Math.abs)), name).toBeGreaterThan(1e-8);
    }
    expect(r.analytic.length).toBe(model.np);
  });

  it('forNeuralOde: l2 and l1 of the weights (biases excluded)', () => {
    const model = new NeuralODE({ n: 2, network: { width: 3, depth: 1, seed: 4 } });
    const p = model.p.slice();
    for (let i = 0; i < p.length; i++) p[i] += 0.05 * Math.cos(i); // non-zero biases
    model.setParams(p);
    const pen = Penalties.forNeuralOde({ l2Alpha: 0.3, l1Alpha: 0.2 });
    checkGrad(pen, model);
    let l2 = 0;
    let l1 = 0;
    for (const L of model.mlp.layers)
      for (let i = 0; i < L.inputs * L.outputs; i++) {
        l2 += p[L.weightOffset + i] ** 2;
        l1 += Math.abs(p[L.weightOffset + i]);
      }
    const e = pen.evaluate(model);
    expect(e.terms.l2).toBeCloseTo(l2, 13);
    expect(e.terms.l1).toBeCloseTo(l1, 13);
    expect(e.total).toBeCloseTo(0.3 * l2 + 0.2 * l1, 13);
  });

  it('forUniversalOde: gate, residual (at given states) and network terms', () => {
    const model = new UniversalODE({
      model: MM,
      trainable: ['Km'],
      network: { width: 3, depth: 1, seed: 2 },
    });
    const p = model.p.slice();
    for (let i = 0; i < 6; i++) p[i] = 0.4 * Math.sin(3 * i + 1);
    model.setParams(p);
    const pen = Penalties.forUniversalOde({
      l2GateAlpha: 1,
      l1GateAlpha: 0.5,
      l2ResidualAlpha: 2,
      l1ResidualAlpha: 0.3,
      l2MlpAlpha: 0.1,
      l1MlpAlpha: 0.05,
    });
    const context = { states: [1, 0, 0.6, 0.4, 0.2, 0.8] };
    checkGrad(pen, model, context);
    checkGrad(pen, model); // default state: the model's y0
    const e = pen.evaluate(model, context);
    expect(e.terms.l2Gate).toBeCloseTo(
      p.subarray(0, 4).reduce((s, v) => s + v * v, 0),
      13,
    );
  });
});

describe("the seed's (Catalax) weight semantics", () => {
  const weights = (p: Penalties) => Object.fromEntries(p.penalties.map((q) => [q.name, q.alpha]));

  it('for_rateflow(alpha=0.1, density_alpha=0.05): density 0.05, the other default terms 0.1', () => {
    expect(weights(Penalties.forRateFlow({ alpha: 0.1, densityAlpha: 0.05 }))).toEqual({
      density: 0.05,
      bipolar: 0.1,
      integer: 0.1,
      duplicateReactions: 0.1,
      sparsity: 0.1,
      l2: 0.1,
    });
    // the preset alpha is each term's default weight (0.1 by default), not a multiplier on top
    expect(weights(Penalties.forRateFlow())).toEqual(weights(Penalties.forRateFlow({ alpha: 0.1 })));
    expect(Penalties.forRateFlow({ alpha: 0.3, densityAlpha: 2 }).alpha).toBe(1);
    // conservation and flux only when given
    expect(weights(Penalties.forRateFlow({ conservationAlpha: 5 })).conservation).toBe(5);
    const model = randomRateFlow(11);
    const e = Penalties.forRateFlow({ alpha: 0.1, densityAlpha: 0.05 }).evaluate(model);
    expect(e.byName.density).toBeCloseTo(0.05 * e.terms.density, 14);
    expect(e.byName.bipolar).toBeCloseTo(0.1 * e.terms.bipolar, 14);
  });

  it('the neural and universal presets switch their l2 terms on at 1e-3, l1 terms only when given', () => {
    expect(weights(Penalties.forNeuralOde())).toEqual({ l2: 1e-3 });
    expect(weights(Penalties.forNeuralOde({ l1Alpha: 0.2 }))).toEqual({ l2: 1e-3, l1: 0.2 });
    expect(weights(Penalties.forUniversalOde())).toEqual({ l2Gate: 1e-3, l2Residual: 1e-3, l2Mlp: 1e-3 });
    expect(weights(Penalties.forUniversalOde({ l1ResidualAlpha: 0.1, l2MlpAlpha: 0 }))).toEqual({
      l2Gate: 1e-3,
      l2Residual: 1e-3,
      l1Residual: 0.1,
    });
  });

  it('updateAlpha replaces weights: named ones get theirs, the others the new alpha', () => {
    const pen = Penalties.forNeuralOde({ l1Alpha: 0.2 });
    expect(weights(pen.updateAlpha(0.5))).toEqual({ l2: 0.5, l1: 0.5 });
    expect(weights(pen.updateAlpha(0.5, { l1: 0.01 }))).toEqual({ l2: 0.5, l1: 0.01 });
    expect(weights(pen.updateAlpha(undefined, { l1: 0.01 }))).toEqual({ l2: 1e-3, l1: 0.01 });
    expect(pen.updateAlpha(0.5).alpha).toBe(1);
  });

  it('a misspelt knob is an error with a suggestion, not a term left at its default', () => {
    expect(() => Penalties.forRateFlow({ densityAlfa: 0.05 } as never)).toThrow(
      /did you mean "densityAlpha"/,
    );
    expect(() => Penalties.forNeuralOde({ l2alpha: 0 } as never)).toThrow(/did you mean "l2Alpha"/);
  });
});

describe('the zero-alpha rule and the collection API', () => {
  it('zero or missing alphas leave terms out; alpha 0 turns the whole collection off', () => {
    expect(Penalties.forRateFlow({ alpha: 0, densityAlpha: 0, bipolarAlpha: 1 }).names).toEqual(['bipolar']);
    expect(Penalties.forNeuralOde({ l2Alpha: 0 }).names).toEqual([]);
    const model = randomRateFlow(5);
    const pen = Penalties.forRateFlow({ alpha: 0, bipolarAlpha: 1, sparsityAlpha: 1, integerAlpha: 1 });
    const off = pen.updateAlpha(undefined, { sparsity: 0 });
    expect(Object.keys(off.evaluate(model).byName)).toEqual(['bipolar', 'integer']);
    expect(off.evaluate(model).total).toBeCloseTo(
      pen.evaluate(model).total - pen.evaluate(model).byName.sparsity,
      12,
    );
    const none = pen.updateAlpha(0);
    expect(none.evaluate(model)).toEqual({ total: 0, byName: {}, terms: {} });
    expect(Array.from(none.valueAndGrad(model).grad)).toEqual(new Array(model.np).fill(0));
    expect(() => Penalties.forRateFlow({ densityAlpha: -1 })).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });

  it('updateAlpha, add and remove return new collections; the breakdown sums to the total', () => {
    const model = randomRateFlow(6);
    const a = Penalties.forRateFlow({ alpha: 0, sparsityAlpha: 1, integerAlpha: 1 });
    const b = a.updateAlpha(2, { integer: 3 });
    expect(a.alpha).toBe(1);
    expect(b.alpha).toBe(1);
    expect(b.get('integer')?.alpha).toBe(3);
    expect(b.get('sparsity')?.alpha).toBe(2);
    const ea = a.evaluate(model);
    const eb = b.evaluate(model);
    expect(eb.byName.integer).toBeCloseTo(3 * ea.byName.integer, 12);
    expect(eb.byName.sparsity).toBeCloseTo(2 * ea.byName.sparsity, 12);
    expect(eb.total).toBeCloseTo(eb.byName.integer + eb.byName.sparsity, 12);
    const c = b.remove('sparsity');
    expect(c.names).toEqual(['integer']);
    expect(b.names).toEqual(['integer', 'sparsity']);
    expect(() => b.updateAlpha(1, { nope: 1 })).toThrow(expect.objectContaining({ code: 'InvalidOption' }));
    expect(() => b.remove('nope')).toThrow(expect.objectContaining({ code: 'InvalidOption' }));
    expect(() => b.add({ name: 'integer', fn: () => sumSquares(model.paramTree().S as never) })).toThrow(
      /Two penalties/,
    );
  });

  it('custom penalties are plain functions of the model', () => {
    const model = randomRateFlow(7);
    // "reaction 0 is A → B": pull column 0 of S towards (−1, 1, 0)
    const pen = new Penalties().add({
      name: 'firstReaction',
      alpha: 0.5,
      fn: (tree, m) => {
        const S = (m as RateFlowODE).stoichiometryTensor(tree);
        return sumSquares(sub(slice(S, [0, 0], [3, 1]), tensor([[-1], [1], [0]])));
      },
    });
    const S = model.stoichiometry();
    const expected = (S[0] + 1) ** 2 + (S[3] - 1) ** 2 + S[6] ** 2;
    const e = pen.evaluate(model);
    expect(e.terms.firstReaction).toBeCloseTo(expected, 13);
    expect(e.total).toBeCloseTo(0.5 * expected, 13);
    checkGrad(pen, model);
  });
});
