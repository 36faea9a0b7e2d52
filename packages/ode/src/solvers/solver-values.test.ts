import { describe, expect, it } from 'vitest';
import { gradient } from '../sensitivity/gradient.ts';
import { solve } from '../solve.ts';
import type { OdeProblem } from '../types.ts';
import { explicitRk, rodas5p, rosenbrock, tsit5 } from './solver-values.ts';
import { DOPRI5_TABLEAU } from './tableaus/dopri5.ts';
import type { ExplicitTableau } from './tableaus/explicit-tableau.ts';
import { RODAS4_TABLEAU } from './tableaus/rodas4.ts';

// y' = −p y + sin t: y(t) = C e^{−pt} + (p sin t − cos t)/(1 + p²)
const p = 2;
const exact = (t: number) =>
  (1 + 1 / (1 + p * p)) * Math.exp(-p * t) + (p * Math.sin(t) - Math.cos(t)) / (1 + p * p);
const problem: OdeProblem = {
  rhs: (t, y, q, d) => {
    d[0] = -q[0] * y[0] + Math.sin(t);
  },
  y0: [1],
  p: [p],
  t0: 0,
  t1: 3,
};

describe('solvers as values', () => {
  it('rodas5p() and tsit5() are the named methods, step for step', () => {
    for (const [value, name] of [
      [rodas5p(), 'rodas5p'],
      [tsit5(), 'tsit5'],
    ] as const) {
      const a = solve(problem, { method: value, rtol: 1e-8 });
      const b = solve(problem, { method: name, rtol: 1e-8 });
      expect(a.stats).toEqual(b.stats);
      expect(a.y).toEqual(b.y);
    }
  });

  it('rosenbrock(RODAS4_TABLEAU) is rodas4; explicitRk(DOPRI5_TABLEAU) integrates to its tolerance', () => {
    const a = solve(problem, { method: rosenbrock(RODAS4_TABLEAU), rtol: 1e-8 });
    const b = solve(problem, { method: 'rodas4', rtol: 1e-8 });
    expect(a.y).toEqual(b.y);
    const c = solve(problem, { method: explicitRk(DOPRI5_TABLEAU), rtol: 1e-9, atol: 1e-12, dense: true });
    expect(Math.abs(c.y[c.y.length - 1] - exact(3))).toBeLessThan(1e-7);
    expect(Math.abs(c.interpolate(1.234)[0] - exact(1.234))).toBeLessThan(1e-6);
  });

  it('a user tableau: Heun–Euler 2(1), adaptive, converges at its order', () => {
    const heun: ExplicitTableau = {
      name: 'heun-euler',
      stages: 2,
      c: Float64Array.of(0, 1),
      a: Float64Array.of(0, 0, 1, 0),
      b: Float64Array.of(0.5, 0.5),
      e: Float64Array.of(-0.5, 0.5),
      order: 2,
      embeddedOrder: 1,
      fsal: false,
    };
    const err = (rtol: number) => {
      const s = solve(problem, { method: explicitRk(heun), rtol, atol: rtol * 1e-3 });
      return Math.abs(s.y[s.y.length - 1] - exact(3));
    };
    expect(err(1e-6)).toBeLessThan(1e-4);
    expect(err(1e-8)).toBeLessThan(err(1e-6));
    // fixed-step without error weights: needs dt
    const fixed = explicitRk({ ...heun, e: undefined } as unknown as ExplicitTableau);
    expect(() => solve(problem, { method: fixed })).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
    const s = solve(problem, { method: fixed, dt: 1e-3 });
    expect(Math.abs(s.y[s.y.length - 1] - exact(3))).toBeLessThan(1e-5);
  });

  it('malformed tableaus and unknown values are refused with InvalidOption', () => {
    expect(() => rosenbrock({ ...RODAS4_TABLEAU, gamma: -1 })).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
    expect(() => explicitRk({ ...DOPRI5_TABLEAU, b: Float64Array.of(1) })).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
    expect(() => solve(problem, { method: { kind: 'nope' } as never })).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });

  it('gradient takes a solver value of a built-in method', () => {
    const loss = {
      value: (_i: number, _t: number, y: Float64Array) => y[0],
      grad: (_i: number, _t: number, _y: Float64Array, o: Float64Array) => {
        o[0] = 1;
      },
    };
    const a = gradient(problem, { method: rodas5p(), loss });
    const b = gradient(problem, { method: 'rodas5p', loss });
    expect(a.dp).toEqual(b.dp);
  });
});
