import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { modelFromSpec } from './model-spec.ts';
import { NeuralODE } from './neural-ode.ts';
import { parameterGroups } from './param-groups.ts';
import { UniversalODE } from './universal-ode.ts';

const MM = JSON.stringify({
  species: { S: 1, P: 0 },
  parameters: { Vmax: 1.2, Km: 0.4 },
  reactions: [{ equation: 'S -> P', rate: 'Vmax * S / (Km + S)' }],
});
const SWITCHED = JSON.stringify({
  species: { S: 1, P: 0 },
  parameters: { k: 1 },
  reactions: [{ equation: 'S -> P', rate: 'piecewise(k * S, time < 1, 0)' }],
});
const files: Record<string, string> = { 'mm.json': MM, 'switched.json': SWITCHED };
const readMechanism = (name: string) => files[name];

describe('modelFromSpec', () => {
  it('builds a NeuralODE over the species, with the data scaling when asked', () => {
    const m = modelFromSpec(
      { kind: 'neural-ode', width: 3, depth: 2, seed: 4, scaling: true },
      { species: ['A', 'B'], scaling: () => ({ yScale: [2, 4], tScale: 8 }) },
    );
    expect(m).toBeInstanceOf(NeuralODE);
    expect(m.n).toBe(2);
    const same = new NeuralODE({
      n: 2,
      network: { width: 3, depth: 2, seed: 4 },
      scaling: { yScale: [2, 4], tScale: 8 },
    });
    expect(Array.from(m.p)).toEqual(Array.from(same.p));
    expect(Array.from((m as NeuralODE).scaling.yScale)).toEqual([2, 4]);
    expect(parameterGroups(m)).toEqual({ network: [{ start: 0, end: m.np }], parameters: [] });
  });

  it('builds a UniversalODE from the mechanism text; its groups split the network from θ', () => {
    const m = modelFromSpec(
      { kind: 'universal-ode', mechanism: 'mm.json', trainable: ['Km'], width: 3, depth: 1, seed: 1 },
      { species: ['S', 'P'], readMechanism },
    );
    expect(m).toBeInstanceOf(UniversalODE);
    const u = m as UniversalODE;
    expect(parameterGroups(u)).toEqual({
      network: [{ start: 0, end: u.np - 1 }],
      parameters: [{ start: u.np - 1, end: u.np }],
    });
    expect(u.p[u.np - 1]).toBe(0.4);
  });

  it('refuses a bad kind, a missing mechanism, species out of order and a switched mechanism', () => {
    expect(() => modelFromSpec({ kind: 'ode' } as never, { species: ['A'] })).toThrowOdeonError(
      'InvalidOption',
      { option: 'model.kind' },
    );
    expect(() =>
      modelFromSpec({ kind: 'universal-ode' } as never, { species: ['S', 'P'], readMechanism, at: 'm' }),
    ).toThrowOdeonError('InvalidOption', { option: 'm.mechanism' });
    expect(() =>
      modelFromSpec({ kind: 'universal-ode', mechanism: 'mm.json' }, { species: ['P', 'S'], readMechanism }),
    ).toThrowOdeonError('InvalidOption', { option: 'model.mechanism' });
    expect(() =>
      modelFromSpec(
        { kind: 'universal-ode', mechanism: 'switched.json' },
        { species: ['S', 'P'], readMechanism },
      ),
    ).toThrowOdeonError('UnsupportedSbmlFeature', { feature: 'piecewise' });
  });
});
