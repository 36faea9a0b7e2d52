import * as core from '@odeon/core';
import { describe, expect, it } from 'vitest';
import * as ode from './index.ts';

describe('@odeon/ode public surface', () => {
  it('re-exports the one OdeonError of @odeon/core, so errors of every package are recognised', () => {
    expect(ode.OdeonError).toBe(core.OdeonError);
    expect(ode.isOdeonError).toBe(core.isOdeonError);
    expect(ode.invalidOption).toBe(core.invalidOption);
    const bad = () => ode.solve({ rhs: () => {}, y0: [1], t0: 0, t1: 1 }, { rtol: -1 });
    expect(bad).toThrowError(core.OdeonError);
    expect(bad).toThrowOdeonError('InvalidOption', { option: 'rtol' });
  });

  it('exports the solver, the gradient and every tableau as data', () => {
    const sol = ode.solve(
      { rhs: (_t, y, _p, dy) => void (dy[0] = -y[0]), y0: [1], t0: 0, t1: 1 },
      { rtol: 1e-10, atol: 1e-12 },
    );
    expect(sol.t[sol.t.length - 1]).toBe(1);
    expect(sol.y[sol.y.length - 1]).toBeCloseTo(Math.exp(-1), 9);
    expect(ode.METHODS).toEqual(expect.arrayContaining(['tsit5', 'dopri5', 'dop853', 'rodas5p', 'auto']));
    expect(ode.DOPRI5_TABLEAU.c).toHaveLength(7);
    expect(typeof ode.gradient).toBe('function');
  });
});
