import { describe, expect, it } from 'vitest';
import { OdeonError } from './errors.ts';
import { solve } from './solve.ts';

describe('an rhs that throws', () => {
  it.each(['tsit5', 'rodas5p', 'rk4'] as const)(
    'surfaces as RhsFailed with t, the component and the cause (%s)',
    (method) => {
      const original = new RangeError('lookup table ends at t = 0.5');
      const problem = {
        rhs: (t: number, y: Float64Array, _p: Float64Array, d: Float64Array) => {
          d[0] = -y[0];
          if (t > 0.5) throw original;
          d[1] = y[0];
        },
        y0: [1, 0],
        t0: 0,
        t1: 1,
      };
      let err: unknown;
      try {
        solve(problem, { method, ...(method === 'rk4' ? { dt: 0.01 } : {}) });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(OdeonError);
      const e = err as OdeonError;
      expect(e.code).toBe('RhsFailed');
      expect(e.context.t).toBeGreaterThan(0.5);
      expect(e.context.t).toBeLessThanOrEqual(1);
      expect(e.context.component).toBe(1);
      expect(e.cause).toBe(original);
      expect(e.message).toContain('lookup table ends');
    },
  );

  it("passes Odeon's own errors through unchanged", () => {
    const own = new OdeonError('InvalidProblem', 'mine');
    expect(() =>
      solve({
        rhs: () => {
          throw own;
        },
        y0: [1],
        t0: 0,
        t1: 1,
      }),
    ).toThrow(own);
  });
});

describe('solver hints', () => {
  const blowUp = {
    rhs: (_t: number, y: Float64Array, _p: Float64Array, d: Float64Array) => {
      d[0] = y[0] * y[0];
    },
    y0: [1],
    t0: 0,
    t1: 2,
  };
  const hintOf = (method: 'rodas5p' | 'auto' | 'tsit5') => {
    try {
      solve(blowUp, { method });
    } catch (e) {
      return String((e as OdeonError).context.hint);
    }
    throw new Error('expected the blow-up at t = 1 to fail');
  };

  it.each(['rodas5p', 'auto'] as const)('never suggest the stiff method already in use (%s)', (method) => {
    const hint = hintOf(method);
    expect(hint).not.toMatch(/try a stiff method|try method|\("rodas5p"\)/);
    expect(hint).toContain(`"${method}" already handles stiffness`);
  });

  it('still suggest a stiff method to an explicit one', () => {
    expect(hintOf('tsit5')).toMatch(/stiff/);
  });
});
