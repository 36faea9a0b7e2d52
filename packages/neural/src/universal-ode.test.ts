import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flatten, tensor } from '@odeon/tensor';
import { sharedDir } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { checkProblem } from './__fixtures__/check-problem.ts';
import { modelFromJson } from './serialize.ts';
import { UniversalODE } from './universal-ode.ts';

const MM = JSON.stringify({
  species: { S: 1, P: 0 },
  parameters: { Vmax: 1.2, Km: 0.4 },
  reactions: [{ equation: 'S -> P', rate: 'Vmax * S / (Km + S)' }],
});

describe('UniversalODE', () => {
  it('refuses a mechanistic model with events (UnsupportedSbmlFeature naming the event), never drops them', () => {
    const xml = readFileSync(
      join(sharedDir(), 'sbml-suite', 'cases', '00026', '00026-sbml-l3v2.xml'),
      'utf8',
    );
    expect(() => new UniversalODE({ model: xml, network: { width: 4, depth: 1, seed: 1 } })).toThrow(
      expect.objectContaining({
        code: 'UnsupportedSbmlFeature',
        context: expect.objectContaining({ element: 'event1' }),
      }),
    );
  });

  it('f = f_mech(θ) + softplus(α)⊙σ(Gy)⊙MLP(y): exact derivatives w.r.t. y, network, gate and θ', () => {
    const m = new UniversalODE({
      model: MM,
      trainable: ['Km', 'Vmax'],
      network: { width: 4, depth: 2, activation: 'tanh', seed: 3 },
    });
    expect(m.n).toBe(2);
    expect(Array.from(m.theta())).toEqual([0.4, 1.2]);
    const p = m.p.slice();
    for (let i = 0; i < 6; i++) p[i] = 0.3 * Math.sin(i + 1); // non-trivial G and α
    m.setParams(p);
    expect(Array.from(flatten(m.paramTree()))).toEqual(Array.from(m.p));
    checkProblem(m, Float64Array.of(0.7, 0.2), 0);
    // rhs = Michaelis–Menten + the tensor-path residual
    const y = Float64Array.of(0.7, 0.2);
    const f = new Float64Array(2);
    m.problem({ y0: y, t0: 0, t1: 1 }).rhs(0, y, m.p, f);
    const r = m.residualField(m.paramTree(), tensor(y)).toFloat64();
    const v = (1.2 * 0.7) / (0.4 + 0.7);
    expect(f).toBeAllclose([-v + r[0], v + r[1]], { rtol: 1e-14, atol: 1e-15 });
  });

  it('ungated: f_mech + MLP(y)', () => {
    const m = new UniversalODE({
      model: MM,
      trainable: ['Vmax'],
      gate: false,
      network: { width: 3, depth: 1, seed: 1 },
    });
    expect(m.np).toBe(m.mlp.np + 1);
    checkProblem(m, Float64Array.of(0.5, 0.5), 0);
  });

  it('vectorField refuses clearly (no tensor form of SBML kinetics)', () => {
    const m = new UniversalODE({ model: MM });
    expect(() => m.vectorField(m.paramTree(), tensor([1, 0]))).toThrow(
      expect.objectContaining({ code: 'NotDifferentiable' }),
    );
  });

  it('rejects unknown trainable ids', () => {
    expect(() => new UniversalODE({ model: MM, trainable: ['kcat'] })).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });

  it('JSON round trip is bit-exact and keeps the mechanistic model', () => {
    const m = new UniversalODE({
      model: MM,
      trainable: ['Km'],
      network: { width: 3, depth: 1, activation: 'gelu', seed: 8 },
    });
    const back = modelFromJson(JSON.stringify(m)) as UniversalODE;
    expect(new Uint8Array(back.p.buffer)).toEqual(new Uint8Array(m.p.buffer));
    const y = Float64Array.of(0.3, 0.6);
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    m.problem({ y0: y, t0: 0, t1: 1 }).rhs(0, y, m.p, a);
    back.problem({ y0: y, t0: 0, t1: 1 }).rhs(0, y, back.p, b);
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
