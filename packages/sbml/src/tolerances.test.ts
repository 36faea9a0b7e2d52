import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOdeonError } from '@odeon/ode';
import { sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';
import { simulate } from './simulate.ts';
import { stateTolerances } from './tolerances.ts';

const load = (id: string) =>
  compileModel(parseSbml(readFileSync(join(sharedDir(), 'biomodels', `BIOMD${id}.xml`), 'utf8')));

describe('default tolerances on published models with tiny compartments (1e-16 to 4e-12 L)', () => {
  it.each(['0000000001', '0000000002', '0000000009', '0000000016'])(
    'BIOMD%s with default options agrees with a tight-tolerance solve',
    (id) => {
      const model = load(id);
      const variables = [...model.symbols.values()].filter((s) => s.kind === 'species').map((s) => s.id);
      const kinds = variables.map(() => 'concentration' as const);
      const base = { t1: 100, steps: 50, variables, kinds };
      const dflt = simulate(model, base);
      const tight = simulate(model, { ...base, rtol: 1e-11, atol: 1e-30, atolScaling: 'none' });
      const m = variables.length;
      for (let j = 0; j < m; j++) {
        let peak = 0;
        for (let i = 0; i < tight.times.length; i++) peak = Math.max(peak, Math.abs(tight.values[i * m + j]));
        for (let i = 0; i < tight.times.length; i++) {
          const ref = tight.values[i * m + j];
          const err = Math.abs(dflt.values[i * m + j] - ref);
          expect(err, `${variables[j]} at t = ${tight.times[i]}`).toBeLessThanOrEqual(
            1e-6 * peak + 1e-5 * Math.abs(ref),
          );
        }
      }
    },
  );
});

describe('stateTolerances', () => {
  const model = load('0000000002');
  it('scales atol by compartment size and initial magnitude; `none` and vectors pass through', () => {
    const tol = stateTolerances(model, 1e-12, 'natural', 0, model.y0, model.p) as Float64Array;
    expect(tol).toHaveLength(model.n);
    // Compartment 1e-16 L: every species tolerance is at most 1e-12 × 1e-16.
    for (const v of tol) expect(v).toBeLessThanOrEqual(1e-28 * (1 + 1e-12));
    expect(stateTolerances(model, 1e-12, 'none', 0, model.y0, model.p)).toBe(1e-12);
    const vec = new Float64Array(model.n).fill(3);
    expect(stateTolerances(model, vec, 'natural', 0, model.y0, model.p)).toEqual(vec);
  });
  it('refuses negative, non-finite or wrongly sized tolerances', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, [1, 2]]) {
      let caught: unknown;
      try {
        stateTolerances(model, bad, 'natural', 0, model.y0, model.p);
      } catch (error) {
        caught = error;
      }
      expect(isOdeonError(caught, 'InvalidOption')).toBe(true);
    }
  });
});
