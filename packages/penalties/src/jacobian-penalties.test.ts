import { NeuralODE, type OdeModel, RateFlowODE, UniversalODE } from '@odeon/neural';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { checkGrad } from './__fixtures__/check-grad.ts';
import {
  jacobianCondition,
  jacobianFrobenius,
  jacobianSpectral,
  kineticEnergy,
} from './jacobian-penalties.ts';
import { Penalties } from './penalties.ts';
import { Penalty, type PenaltyFn } from './penalty.ts';

const STATES2 = [0.3, -0.2, 1.1, 0.4, -0.6, 0.9];

/** Independent reference: Jacobians from the model's fused solver problem, singular values of 2×2 in closed form. */
function reference(model: OdeModel, states: number[]) {
  const n = model.n;
  const prob = model.problem({ y0: states.slice(0, n), t0: 0, t1: 1 });
  const m = states.length / n;
  let fro = 0;
  let spec = 0;
  let cond = 0;
  let ke = 0;
  for (let k = 0; k < m; k++) {
    const y = Float64Array.from(states.slice(k * n, (k + 1) * n));
    const J = new Float64Array(n * n);
    prob.jacobian?.(0, y, model.p, J);
    const f = new Float64Array(n);
    prob.rhs(0, y, model.p, f);
    ke += f.reduce((s, v) => s + v * v, 0);
    const T = J.reduce((s, v) => s + v * v, 0);
    fro += T;
    if (n === 2) {
      const D = Math.abs(J[0] * J[3] - J[1] * J[2]);
      const disc = Math.sqrt(Math.max(T * T - 4 * D * D, 0));
      const s1 = Math.sqrt((T + disc) / 2);
      const s2 = D / s1;
      spec += s1;
      cond += s1 / s2;
    }
  }
  return { fro: fro / m, spec: spec / m, cond: cond / m, ke: ke / m };
}

function single(fn: PenaltyFn, alpha = 1): Penalties {
  return new Penalties([new Penalty({ name: 'j', fn, alpha })]);
}

const models: [string, () => OdeModel][] = [
  [
    'NeuralODE (tanh)',
    () =>
      new NeuralODE({
        n: 2,
        network: { width: 5, depth: 2, activation: 'tanh', seed: 3 },
        scaling: { yScale: [1, 2], tScale: 3 },
      }),
  ],
  [
    'NeuralODE (gelu)',
    () => new NeuralODE({ n: 2, network: { width: 4, depth: 2, activation: 'gelu', seed: 8 } }),
  ],
  [
    'RateFlowODE (softplus)',
    () =>
      new RateFlowODE({
        species: 2,
        reactions: 3,
        network: { width: 4, depth: 1, activation: 'tanh' },
        seed: 5,
      }),
  ],
];

describe('Jacobian regularisers', () => {
  it.each(models)('%s: values equal an independent computation', (_, make) => {
    const model = make();
    const ref = reference(model, STATES2);
    const ctx = { states: STATES2 };
    expect(single(jacobianFrobenius({ method: 'exact' })).evaluate(model, ctx).total).toBeCloseTo(
      ref.fro,
      12,
    );
    expect(single(jacobianSpectral()).evaluate(model, ctx).total).toBeCloseTo(ref.spec, 10);
    expect(
      single(jacobianSpectral({ method: 'power', iterations: 200 })).evaluate(model, ctx).total,
    ).toBeCloseTo(ref.spec, 6);
    expect(single(jacobianCondition()).evaluate(model, ctx).total / ref.cond).toBeCloseTo(1, 10);
    expect(
      single(jacobianCondition({ method: 'power', iterations: 400 })).evaluate(model, ctx).total / ref.cond,
    ).toBeCloseTo(1, 4);
    expect(single(kineticEnergy).evaluate(model, ctx).total).toBeCloseTo(ref.ke, 13);
  });

  it.each(models)('%s: gradchecks (second-order autodiff through VJP/JVP)', (_, make) => {
    const model = make();
    const ctx = { states: STATES2 };
    checkGrad(single(jacobianFrobenius({ method: 'exact' })), model, ctx);
    checkGrad(single(jacobianFrobenius({ method: 'hutchinson', probes: 2 })), model, { ...ctx, seed: 3 });
    checkGrad(single(jacobianSpectral()), model, ctx);
    checkGrad(single(jacobianCondition()), model, ctx, { rtol: 1e-4, atol: 1e-6 });
    checkGrad(single(kineticEnergy), model, ctx);
  });

  it('n = 3 with learnable S: spectral and condition gradchecks; power iteration agrees with the dense SVD', () => {
    const model = new RateFlowODE({
      species: 3,
      reactions: 2,
      network: { width: 4, depth: 1, activation: 'silu' },
      seed: 2,
    });
    const ctx = { states: [0.5, 0.3, 0.2, 0.1, 0.6, 0.3] };
    checkGrad(single(jacobianSpectral()), model, ctx);
    checkGrad(single(jacobianFrobenius()), model, ctx);
    const dense = single(jacobianSpectral()).evaluate(model, ctx).total;
    const power = single(jacobianSpectral({ method: 'power', iterations: 300 })).evaluate(model, ctx).total;
    expect(power).toBeCloseTo(dense, 6);
  });

  it('Hutchinson is unbiased: the mean over seeds approaches the exact Frobenius norm', () => {
    const model = new NeuralODE({ n: 6, network: { width: 8, depth: 1, seed: 1 } });
    const states = Array.from({ length: 12 }, (_, i) => Math.sin(i));
    const exact = single(jacobianFrobenius({ method: 'exact' })).evaluate(model, { states }).total;
    const hutch = single(jacobianFrobenius({ method: 'hutchinson', probes: 4 }));
    let acc = 0;
    const runs = 200;
    for (let s = 0; s < runs; s++) acc += hutch.evaluate(model, { states, seed: s }).total;
    expect(acc / runs / exact).toBeCloseTo(1, 1);
  });

  it('UniversalODE: applies to the neural residual', () => {
    const model = new UniversalODE({
      model: JSON.stringify({
        species: { S: 1, P: 0 },
        parameters: { V: 1, K: 0.5 },
        reactions: [{ equation: 'S -> P', rate: 'V*S/(K+S)' }],
      }),
      network: { width: 3, depth: 1, seed: 1 },
    });
    checkGrad(single(jacobianFrobenius()), model, { states: [0.4, 0.6] });
  });

  it('asks for context.states when missing', () => {
    const model = models[0][1]();
    expect(() => single(jacobianFrobenius()).evaluate(model)).toThrow(
      expect.objectContaining({
        code: 'InvalidOption',
        context: expect.objectContaining({ option: 'context.states' }),
      }),
    );
  });
});
