import { countAllocations, loadReference, scaledErrorVsReference } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { isOdeonError } from '../errors.ts';
import { ROBER } from '../problems/rober.ts';
import { gradient } from '../sensitivity/gradient.ts';
import { solve } from '../solve.ts';
import { rosenbrock } from '../solvers/solver-values.ts';
import { RODAS4_TABLEAU } from '../solvers/tableaus/rodas4.ts';
import { RODAS5P_TABLEAU } from '../solvers/tableaus/rodas5p.ts';
import type { OdeProblem, Vec } from '../types.ts';
import { consistentInitialValues } from './consistent-initial-values.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** ROBER with its third equation replaced by the conservation law y1 + y2 + y3 = 1 (HW-II sect. VI.1). */
const ROBER_DAE: OdeProblem = {
  t0: 0,
  t1: 1e5,
  y0: [1, 0, 0],
  p: [0.04, 3e7, 1e4],
  massMatrix: [1, 1, 0],
  rhs(_t, y, p, dy) {
    dy[0] = -p[0] * y[0] + p[2] * y[1] * y[2];
    dy[1] = p[0] * y[0] - p[1] * y[1] * y[1] - p[2] * y[1] * y[2];
    dy[2] = y[0] + y[1] + y[2] - 1;
  },
};

/**
 * An index-1 DAE with a known solution, nonlinear in its algebraic variable z:
 *   y′ = −y³z², w′ = z·y, 0 = y·z² − 1;  y = 1/(1+t), z = √(1+t), w = 2√(1+t) − 2.
 */
const ANALYTIC: OdeProblem = {
  t0: 0,
  t1: 3,
  y0: [1, 0, 0.8],
  massMatrix: [1, 1, 0],
  rhs(_t, u, _p, d) {
    const [y, w, z] = [u[0], u[1], u[2]];
    d[0] = -y * y * y * z * z;
    d[1] = z * y + 0 * w;
    d[2] = y * z * z - 1;
  },
};
const exact = (t: number): number[] => [1 / (1 + t), 2 * Math.sqrt(1 + t) - 2, Math.sqrt(1 + t)];

/** Non-autonomous: y′ = sin t − z, 0 = z + z³ − s − s³ with s = y + sin t;  y = e^−t, z = e^−t + sin t. */
const NON_AUTONOMOUS: OdeProblem = {
  t0: 0,
  t1: 1,
  y0: [1, 1],
  massMatrix: [1, 0],
  rhs(t, y, _p, d) {
    const s = y[0] + Math.sin(t);
    d[0] = Math.sin(t) - y[1];
    d[1] = y[1] + y[1] ** 3 - s - s ** 3;
  },
};

function maxRelError(sol: { t: Vec; y: Vec; n: number }, f: (t: number) => number[]): number {
  let worst = 0;
  for (let k = 0; k < sol.t.length; k++) {
    const e = f(sol.t[k]);
    for (let i = 0; i < sol.n; i++)
      worst = Math.max(worst, Math.abs(sol.y[k * sol.n + i] - e[i]) / Math.max(Math.abs(e[i]), 1e-3));
  }
  return worst;
}

describe('index-1 DAEs with a mass matrix', () => {
  const ref = loadReference('rober');

  it.each(['rodas5p', 'rodas4'] as const)('ROBER as a DAE with %s agrees with the reference', (method) => {
    for (const rtol of [1e-6, 1e-8]) {
      const atol = rtol * ref.atol_factor;
      const sol = solve(ROBER_DAE, { method, rtol, atol, saveAt: ref.times, maxSteps: 1_000_000 });
      expect(sol.t.length).toBe(ref.times.length);
      // the metric max |y − y_ref| / (atol + rtol·|y_ref|), as for ROBER the ODE
      expect(scaledErrorVsReference(ref, sol.y, rtol, atol)).toBeLessThan(100);
    }
  });

  it('ROBER as a DAE with an analytic Jacobian, and with the ODE’s full mass matrix form, agree', () => {
    const withJ: OdeProblem = {
      ...ROBER_DAE,
      jacobian(t, y, p, J) {
        ROBER.jacobian?.(t, y, p, J);
        J[6] = 1;
        J[7] = 1;
        J[8] = 1;
      },
    };
    const full: OdeProblem = { ...ROBER_DAE, massMatrix: [1, 0, 0, 0, 1, 0, 0, 0, 0] };
    const opts = { method: 'rodas5p', rtol: 1e-8, atol: 1e-16, saveAt: ref.times } as const;
    for (const p of [withJ, full]) {
      const sol = solve(p, opts);
      expect(scaledErrorVsReference(ref, sol.y, 1e-8, 1e-16)).toBeLessThan(100);
    }
  });

  it('makes inconsistent algebraic initial values consistent (Newton on g with y fixed)', () => {
    const sol = solve({ ...ROBER_DAE, y0: [1, 0, 0.5], t1: 1 }, { method: 'rodas5p', saveAt: [0] });
    expect(Array.from(sol.y.subarray(0, 2))).toEqual([1, 0]);
    expect(Math.abs(sol.y[2])).toBeLessThan(1e-20);
    const a = solve(ANALYTIC, { saveAt: [0] });
    expect(a.y[2]).toBeCloseTo(1, 12);
  });

  it.each([
    ['rodas5p', 'diagonal', [1, 1, 0]],
    ['rodas4', 'diagonal', [1, 1, 0]],
    ['rodas5p', 'full', [1, 0, 0, 0, 1, 0, 0, 0, 0]],
  ] as const)(
    '%s solves a nonlinear index-1 DAE to its analytic solution (%s M)',
    (method, _kind, massMatrix) => {
      const saveAt = Array.from({ length: 31 }, (_, k) => k / 10);
      for (const rtol of [1e-6, 1e-9]) {
        const sol = solve({ ...ANALYTIC, massMatrix }, { method, rtol, atol: rtol, saveAt, dense: true });
        expect(maxRelError(sol, exact)).toBeLessThan(50 * rtol);
        // dense output of both kinds of components
        const mid = sol.interpolate(1.2345);
        const e = exact(1.2345);
        for (let i = 0; i < 3; i++) expect(Math.abs(mid[i] - e[i])).toBeLessThan(100 * rtol);
      }
    },
  );

  it('a non-diagonal mass matrix: (y + w)′ = f1 + f2, w′ = f2', () => {
    const p: OdeProblem = {
      ...ANALYTIC,
      massMatrix: [1, 1, 0, 0, 1, 0, 0, 0, 0],
      rhs(t, u, q, d) {
        ANALYTIC.rhs(t, u, q, d);
        d[0] += d[1];
      },
    };
    const sol = solve(p, { method: 'rodas5p', rtol: 1e-8, atol: 1e-8, saveAt: [0.5, 1, 3] });
    expect(maxRelError(sol, exact)).toBeLessThan(1e-6);
  });

  it.each([
    ['rodas4', RODAS4_TABLEAU, 4],
    ['rodas5p', RODAS5P_TABLEAU, 5],
  ] as const)('%s converges with its order on both components (fixed steps)', (_name, tab, order) => {
    // the tableau without its error estimate: every step accepted, h = dtMax
    const fixed = rosenbrock({ ...tab, e: new Float64Array(tab.stages) });
    const errs: number[][] = [];
    for (const steps of [10, 20, 40, 80]) {
      const h = 1 / steps;
      const sol = solve(NON_AUTONOMOUS, { method: fixed, dt0: h, dtMax: h, saveAt: [1] });
      expect(sol.stats.acceptedSteps).toBe(steps);
      errs.push([Math.abs(sol.y[0] - Math.exp(-1)), Math.abs(sol.y[1] - Math.exp(-1) - Math.sin(1))]);
    }
    for (const i of [0, 1]) {
      const observed = Math.log2(errs[2][i] / errs[3][i]);
      expect(observed).toBeGreaterThan(order - 0.3);
      expect(observed).toBeLessThan(order + 0.5);
    }
  });

  it('re-initialises the algebraic components after an event', () => {
    // y doubles at t = 0.5; afterwards y = 1/(a + t − 0.5) with a = 0.75, z = 1/√y, w′ = √y
    const a = 0.75;
    const after = (t: number): number[] => [
      1 / (a + t - 0.5),
      2 * Math.sqrt(1.5) - 2 + 2 * (Math.sqrt(a + t - 0.5) - Math.sqrt(a)),
      Math.sqrt(a + t - 0.5),
    ];
    const sol = solve(
      {
        ...ANALYTIC,
        events: [
          {
            condition: (t) => t - 0.5,
            affect: (_t, y) => {
              y[0] *= 2;
            },
          },
        ],
      },
      { method: 'rodas5p', rtol: 1e-9, atol: 1e-9, saveAt: [0.25, 1, 2, 3] },
    );
    expect(sol.events.length).toBe(1);
    expect(maxRelError({ t: sol.t.subarray(0, 1), y: sol.y.subarray(0, 3), n: 3 }, exact)).toBeLessThan(1e-7);
    expect(maxRelError({ t: sol.t.subarray(1), y: sol.y.subarray(3), n: 3 }, after)).toBeLessThan(1e-7);
  });

  it('refuses methods that cannot take a mass matrix, naming the option', () => {
    for (const method of ['tsit5', 'dopri5', 'bdf', 'rosenbrock23', 'rk4'] as const) {
      const e = thrown(() => solve(ROBER_DAE, method === 'rk4' ? { method, dt: 0.1 } : { method }));
      expect(isOdeonError(e, 'InvalidOption')).toBe(true);
      if (isOdeonError(e)) expect(e.context.option).toBe('massMatrix');
    }
    const ls = thrown(() => solve(ROBER_DAE, { method: 'rodas5p', linearSolver: 'gmres' }));
    expect(isOdeonError(ls, 'InvalidOption') && ls.context.option).toBe('linearSolver');
    const g = thrown(() =>
      gradient(ROBER_DAE, {
        saveAt: [1],
        loss: { value: (_i, _t, y) => y[0], grad: (_i, _t, _y, out) => out.fill(0) },
      }),
    );
    expect(isOdeonError(g, 'InvalidProblem') && g.context.option).toBe('massMatrix');
  });

  it('refuses malformed mass matrices with InvalidProblem', () => {
    for (const massMatrix of [
      [1, 1],
      [1, Number.NaN, 0],
      [1, 0, 0, 1, 0, 0, 0, 0, 0],
      [1, 1, 0, 1, 1, 0, 0, 0, 0],
    ]) {
      const e = thrown(() => solve({ ...ROBER_DAE, massMatrix }, { method: 'rodas5p' }));
      expect(isOdeonError(e, 'InvalidProblem') && e.context.option).toBe('massMatrix');
    }
  });

  it('fails consistent initialisation with InitializationFailed (no solution; index 2)', () => {
    const noRoot: OdeProblem = {
      t0: 0,
      t1: 1,
      y0: [1, 0],
      massMatrix: [1, 0],
      names: ['y', 'z'],
      rhs(_t, y, _p, d) {
        d[0] = -y[0];
        d[1] = y[1] * y[1] + 1;
      },
    };
    const e = thrown(() => solve(noRoot, { method: 'rodas5p' }));
    expect(isOdeonError(e, 'InitializationFailed')).toBe(true);
    if (isOdeonError(e)) expect(e.context.element).toBe('z');
    const index2: OdeProblem = {
      ...noRoot,
      rhs(_t, y, _p, d) {
        d[0] = y[1];
        d[1] = y[0] - 2;
      },
    };
    expect(
      isOdeonError(
        thrown(() => solve(index2, { method: 'rodas4' })),
        'InitializationFailed',
      ),
    ).toBe(true);
  });

  it('the DAE stepper allocates no Float64Array per step (with events re-initialising)', () => {
    const run = (rtol: number) => () =>
      solve(ROBER_DAE, { method: 'rodas5p', rtol, atol: rtol * 1e-8, saveAt: [0, 1e5] });
    run(1e-4)();
    const loose = countAllocations(run(1e-4));
    const tight = countAllocations(run(1e-8));
    expect(run(1e-8)().stats.steps).toBeGreaterThan(2 * run(1e-4)().stats.steps);
    expect(tight).toBe(loose);
  });

  it('consistentInitialValues solves the algebraic part alone, and refuses a problem without a mass matrix', () => {
    const y = consistentInitialValues({ ...ANALYTIC, y0: [0.25, 7, 1] });
    expect(y[0]).toBe(0.25);
    expect(y[1]).toBe(7);
    expect(y[2]).toBeCloseTo(2, 12);
    const { massMatrix: _m, ...ode } = ANALYTIC;
    expect(
      isOdeonError(
        thrown(() => consistentInitialValues(ode)),
        'InvalidProblem',
      ),
    ).toBe(true);
  });
});
