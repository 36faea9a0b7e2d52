import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { emptyStats, type SolverContext } from '../internal/context.ts';
import { integrate } from '../internal/integrate.ts';
import { ProblemSystem } from '../internal/problem-system.ts';
import { bruss2d, chain, type ScaleProblem } from '../problems/index.ts';
import { solve } from '../solve.ts';
import type { SolveOptions } from '../solve-options.ts';
import type { OdeProblem } from '../types.ts';
import { BdfStepper } from './bdf.ts';

// y1' = −y1 + y2², y2' = −2·y2, y3' = −2t·y3²: y2 = e^{−2t}, y1 = (4/3)e^{−t} − (1/3)e^{−4t}, y3 = 1/(1 + t²)
const exact = (t: number) => [
  (4 / 3) * Math.exp(-t) - Math.exp(-4 * t) / 3,
  Math.exp(-2 * t),
  1 / (1 + t * t),
];
const smooth: OdeProblem = {
  rhs(t, y, _p, dy) {
    dy[0] = -y[0] + y[1] * y[1];
    dy[1] = -2 * y[1];
    dy[2] = -2 * t * y[2] * y[2];
  },
  y0: [1, 1, 1],
  t0: 0,
  t1: 2,
};

function runFixedOrder(order: number, rtol: number): { err: number; steps: number } {
  const n = 3;
  const ctx: SolverContext = {
    n,
    rhs: smooth.rhs,
    p: new Float64Array(0),
    jacobian: undefined,
    tgrad: undefined,
    rtol,
    atol: new Float64Array(n).fill(rtol),
    stats: emptyStats(),
  };
  const stepper = new BdfStepper(ctx, new ProblemSystem(ctx), { formula: 'bdf', fixedOrder: order });
  const sol = integrate(ctx, stepper, {
    t0: 0,
    t1: 2,
    y0: Float64Array.of(1, 1, 1),
    dt: Number.NaN,
    dt0: Number.NaN,
    dtMax: 2,
    maxSteps: 1_000_000,
    saveAt: Float64Array.of(2),
    tstops: new Float64Array(0),
    events: [],
    dense: false,
    names: undefined,
  });
  const ex = exact(2);
  let err = 0;
  for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(sol.y[i] - ex[i]));
  return { err, steps: sol.stats.acceptedSteps };
}

describe('BDF', () => {
  it.each([1, 2, 3, 4, 5])(
    'converges with order %i at fixed order (slope of log error against log steps)',
    (order) => {
      const xs: number[] = [];
      const ys: number[] = [];
      for (const rtol of [1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]) {
        const { err, steps } = runFixedOrder(order, rtol);
        xs.push(Math.log(steps));
        ys.push(Math.log(err));
      }
      const mx = xs.reduce((a, b) => a + b) / xs.length;
      const my = ys.reduce((a, b) => a + b) / ys.length;
      let num = 0;
      let den = 0;
      for (let i = 0; i < xs.length; i++) {
        num += (xs[i] - mx) * (ys[i] - my);
        den += (xs[i] - mx) ** 2;
      }
      const slope = -num / den;
      expect(slope).toBeGreaterThan(order - 0.5);
      expect(slope).toBeLessThan(order + 0.7);
    },
  );

  it('dense output matches the exact solution between steps', () => {
    const sol = solve(smooth, { method: 'bdf', rtol: 1e-8, atol: 1e-10, dense: true });
    for (const t of [0.013, 0.37, 1.234, 1.99])
      expect(Array.from(sol.interpolate(t))).toBeAllclose(exact(t), { rtol: 1e-5, atol: 1e-7 });
  });

  it('stops exactly at tstops and reaches t1', () => {
    const sol = solve(smooth, { method: 'bdf', rtol: 1e-6, tstops: [0.5, 1.25] });
    expect(Array.from(sol.t)).toContain(0.5);
    expect(Array.from(sol.t)).toContain(1.25);
    expect(sol.t[sol.t.length - 1]).toBe(2);
  });
});

const scaleDir = join(sharedDir(), 'peers', 'scale');
interface Reference {
  times: number[];
  stored_indices: 'all' | number[];
  values: number[][];
  final: number[];
  atol_factor: number;
}

/** CVODE + KLU's error at rtol from shared/peers/scale/RESULTS.md. */
function cvodeError(key: string, rtol: number): number {
  const md = readFileSync(join(scaleDir, 'RESULTS.md'), 'utf8');
  const section = md.split(`## ${key} `)[1].split('\n## ')[0];
  const row = section
    .split('\n')
    .find(
      (l) => l.startsWith('| cvode_klu |') && l.includes(`| ${rtol.toExponential(0).replace('e-', 'e-0')} |`),
    );
  if (row === undefined) throw new Error(`no cvode_klu row for ${key} at ${rtol}`);
  return Number(row.split('|')[6]);
}

/** Solves at the reference times (bruss2d in two segments around its source switch), returns the error metric. */
function scaleError(
  key: string,
  make: (source?: 'off' | 'on') => ScaleProblem,
  rtol: number,
  options: SolveOptions = {},
): number {
  const ref = JSON.parse(readFileSync(join(scaleDir, `reference-${key}.json`), 'utf8')) as Reference;
  const base = make();
  const n = base.y0.length;
  const opts = {
    method: 'bdf',
    rtol,
    atol: rtol * base.atolFactor,
    maxSteps: 1_000_000,
    ...options,
  } as const;
  let y: Float64Array;
  if (base.discontinuities.length === 0) y = solve(base, { ...opts, saveAt: ref.times }).y;
  else {
    const ts = base.discontinuities[0];
    const first = ref.times.filter((t) => t < ts);
    const a = solve({ ...make('off'), t1: ts }, { ...opts, saveAt: [...first, ts] });
    const b = solve(
      { ...make('on'), t0: ts, y0: a.y.slice(first.length * n, (first.length + 1) * n) },
      { ...opts, saveAt: ref.times.filter((t) => t >= ts) },
    );
    y = new Float64Array(ref.times.length * n);
    y.set(a.y.subarray(0, first.length * n));
    y.set(b.y, first.length * n);
  }
  let err = 0;
  for (let k = 0; k < ref.times.length; k++)
    for (let i = 0; i < n; i++) {
      const r = ref.values[k][i];
      err = Math.max(err, Math.abs(y[k * n + i] - r) / Math.max(Math.abs(r), ref.atol_factor));
    }
  return err;
}

describe('BDF with sparse linear algebra against shared/peers/scale references', () => {
  it.each([
    ['chain-500', (_s?: 'off' | 'on') => chain({ n: 500 })],
    ['bruss2d-32', (s?: 'off' | 'on') => bruss2d({ N: 32, ...(s === undefined ? {} : { source: s }) })],
  ] as const)(
    '%s at rtol 1e-4 … 1e-8: within 5× of CVODE + KLU’s error, and decreasing',
    (key, make) => {
      const errs: number[] = [];
      for (const rtol of [1e-4, 1e-6, 1e-8]) {
        const err = scaleError(key, make, rtol);
        errs.push(err);
        expect(err).toBeLessThan(5 * cvodeError(key, rtol));
      }
      expect(errs[1]).toBeLessThan(errs[0]);
      expect(errs[2]).toBeLessThan(errs[1]);
    },
    120_000,
  );

  it('weighs Jacobian refreshes by the factorisation cost: a 2-D grid refreshes J only with due refactorisations, a chain every 10 steps', () => {
    const grid = bruss2d({ N: 12 });
    const g = solve(
      { ...grid, t1: 1 },
      { method: 'bdf', rtol: 1e-6, atol: 1e-6 * grid.atolFactor, saveAt: [1] },
    );
    // expensive LU (fill of a 2-D grid): fewer J than one per 10 steps, and never more J than LU
    expect(g.stats.jacobianEvals).toBeLessThan(g.stats.acceptedSteps / 10);
    expect(g.stats.jacobianEvals).toBeLessThanOrEqual(g.stats.luFactorizations);
    const c = chain({ n: 98 });
    const s = solve(c, { method: 'bdf', rtol: 1e-6, atol: 1e-6 * c.atolFactor, saveAt: [c.t1] });
    // cheap (banded) LU: J at least every 10 accepted steps
    expect(s.stats.jacobianEvals).toBeGreaterThanOrEqual(Math.floor(s.stats.acceptedSteps / 10));
  });

  it('banded and matrix-free (GMRES) linear solvers agree with the sparse LU on chain-500', () => {
    const e = scaleError('chain-500', () => chain({ n: 500 }), 1e-6, { linearSolver: 'banded' });
    expect(e).toBeLessThan(3 * cvodeError('chain-500', 1e-6));
    // GMRES with a block preconditioner (the 3×3 stage blocks of W, inverted exactly) on a shorter chain
    const small = chain({ n: 50 });
    const ref = solve(small, { method: 'bdf', rtol: 1e-8, atol: 1e-14, saveAt: [small.t1] }).y;
    let calls = 0;
    const sol = solve(small, {
      method: 'bdf',
      rtol: 1e-8,
      atol: 1e-14,
      saveAt: [small.t1],
      linearSolver: 'gmres',
      preconditioner: (out, v) => {
        calls++;
        out.set(v);
      },
    });
    expect(calls).toBeGreaterThan(0);
    expect(sol.y).toBeAllclose(ref, { rtol: 1e-4, atol: 1e-9 });
  }, 60_000);

  it('never allocates an n×n matrix: a tridiagonal system with n = 200 000 (dense W would need 320 GB)', () => {
    const n = 200_000;
    const rowPtr = new Int32Array(n + 1);
    const cols: number[] = [];
    for (let i = 0; i < n; i++) {
      for (const j of [i - 1, i, i + 1]) if (j >= 0 && j < n) cols.push(j);
      rowPtr[i + 1] = cols.length;
    }
    const sol = solve(
      {
        rhs: (_t, y, _p, dy) => {
          for (let i = 0; i < n; i++)
            dy[i] = 1e3 * ((i > 0 ? y[i - 1] : 0) - 2 * y[i] + (i < n - 1 ? y[i + 1] : 0));
        },
        y0: new Float64Array(n).fill(1),
        t0: 0,
        t1: 1e-3,
        jacobianSparsity: { n, rowPtr, colIdx: Int32Array.from(cols) },
      },
      { rtol: 1e-4, atol: 1e-6, saveAt: [1e-3] },
    );
    expect(sol.status).toBe('success');
    expect(sol.stats.luFactorizations).toBeGreaterThan(0);
    // the interior stays at 1 (no diffusion of a constant), the ends decay
    expect(sol.y[n >> 1]).toBeCloseTo(1, 4);
  }, 120_000);
});

describe('bad sparse input is a typed error with the row and column', () => {
  const n = 150;
  const tridiag = () => {
    const rowPtr = new Int32Array(n + 1);
    const cols: number[] = [];
    for (let i = 0; i < n; i++) {
      for (const j of [i - 1, i, i + 1]) if (j >= 0 && j < n) cols.push(j);
      rowPtr[i + 1] = cols.length;
    }
    return { n, rowPtr, colIdx: Int32Array.from(cols) };
  };
  // f_i = −2y_i + y_{i−1} + y_{i+1}, plus a coupling y_0 → f_{n−1} that the pattern below misses
  const rhs = (_t: number, y: Float64Array, _p: Float64Array, dy: Float64Array) => {
    for (let i = 0; i < n; i++) dy[i] = -2 * y[i] + (i > 0 ? y[i - 1] : 0) + (i < n - 1 ? y[i + 1] : 0);
    dy[n - 1] += 5 * y[0];
  };
  const jac = (_t: number, _y: Float64Array, _p: Float64Array, v: Float64Array) => {
    const p = tridiag();
    for (let i = 0; i < n; i++)
      for (let q = p.rowPtr[i]; q < p.rowPtr[i + 1]; q++) v[q] = p.colIdx[q] === i ? -2 : 1;
  };
  const y0 = Array.from({ length: n }, (_, i) => 1 + i / n);

  it('a Jacobian missing an entry of the RHS (outside its pattern): InvalidProblem at row n−1, column 0', () => {
    expect(() =>
      solve({ rhs, y0, t0: 0, t1: 1, jacobianSparsity: tridiag(), sparseJacobian: jac }, { method: 'bdf' }),
    ).toThrowOdeonError('InvalidProblem', { row: n - 1, column: 0 });
  });

  it('an inconsistent pattern: InvalidProblem naming the row and column', () => {
    const bad = tridiag();
    bad.colIdx[4] = 1; // row 1: columns 0, 1, 2 → 0, 1, 1
    expect(() =>
      solve({ rhs, y0, t0: 0, t1: 1, jacobianSparsity: bad }, { method: 'bdf' }),
    ).toThrowOdeonError('InvalidProblem', { row: 1, column: 1 });
  });

  it('a singular iteration matrix (a Jacobian row that turns NaN): SingularMatrix with the row', () => {
    const p = tridiag();
    const linear = (_t: number, y: Float64Array, _p: Float64Array, dy: Float64Array) => {
      for (let i = 0; i < n; i++) dy[i] = -2 * y[i] + (i > 0 ? y[i - 1] : 0) + (i < n - 1 ? y[i + 1] : 0);
    };
    const broken = (t: number, y: Float64Array, pp: Float64Array, v: Float64Array) => {
      jac(t, y, pp, v);
      if (t > 0.5) v[p.rowPtr[7] + 1] = Number.NaN; // (7, 7)
    };
    expect(() =>
      solve(
        { rhs: linear, y0, t0: 0, t1: 2, jacobianSparsity: p, sparseJacobian: broken },
        { method: 'bdf' },
      ),
    ).toThrowOdeonError('SingularMatrix', { row: 7 });
  });

  it('sparseJacobian without jacobianSparsity: InvalidProblem', () => {
    expect(() => solve({ rhs, y0, t0: 0, t1: 1, sparseJacobian: jac }, { method: 'bdf' })).toThrowError(
      expect.objectContaining({ code: 'InvalidProblem' }),
    );
  });
});
