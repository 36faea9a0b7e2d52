import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruss2d } from '../problems/index.ts';
import { solve } from '../solve.ts';
import type { OdeProblem } from '../types.ts';
import { Derivatives } from './derivatives.ts';
import { gradient } from './gradient.ts';
import type { GradientMethod, SensitivityKind } from './types.ts';

/**
 * A random sparse problem: f_i = p0·Σ_{j ∈ row i} c_ij sin(y_j) + p1·y_i² with its CSR pattern and
 * analytic sparse Jacobian, and the same right-hand side with a dense analytic Jacobian.
 */
function randomSparse(n: number, rows: number[][], c: number[][]) {
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = [...new Set([...rows[i], i])].sort((a, b) => a - b);
    rows[i] = r;
    cols.push(...r);
    rowPtr[i + 1] = cols.length;
  }
  const colIdx = Int32Array.from(cols);
  const rhs: OdeProblem['rhs'] = (_t, y, p, out) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) s += c[i][q - rowPtr[i]] * Math.sin(y[colIdx[q]]);
      out[i] = p[0] * s + p[1] * y[i] * y[i];
    }
  };
  const entry = (i: number, q: number, y: ArrayLike<number>, p: ArrayLike<number>) => {
    const j = colIdx[q];
    return p[0] * c[i][q - rowPtr[i]] * Math.cos(y[j]) + (i === j ? 2 * p[1] * y[i] : 0);
  };
  const base = { t0: 0, t1: 1, y0: new Float64Array(n).fill(0.5), p: Float64Array.of(0.7, -0.3), rhs };
  const sparse: OdeProblem = {
    ...base,
    jacobianSparsity: { n, rowPtr, colIdx },
    sparseJacobian(_t, y, p, values) {
      for (let i = 0; i < n; i++)
        for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) values[q] = entry(i, q, y, p);
    },
  };
  const dense: OdeProblem = {
    ...base,
    jacobian(_t, y, p, J) {
      J.fill(0);
      for (let i = 0; i < n; i++)
        for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) J[i * n + colIdx[q]] = entry(i, q, y, p);
    },
  };
  const patternOnly: OdeProblem = { ...base, jacobianSparsity: { n, rowPtr, colIdx } };
  return { sparse, dense, patternOnly };
}

const sparseCase = fc.integer({ min: 2, max: 12 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    rows: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), {
      minLength: n,
      maxLength: n,
    }),
    c: fc.array(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }), {
      minLength: n,
      maxLength: n,
    }),
    y: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n }),
    v: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n }),
  }),
);

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * scale);
};

describe('Derivatives on a sparse problem (property: against the dense path)', () => {
  it('vᵀ∂f/∂y, vᵀ∂f/∂p and ∂f/∂y from the CSR Jacobian (analytic and coloured differences) match the dense ones', () => {
    fc.assert(
      fc.property(sparseCase, ({ n, rows, c, y, v }) => {
        const { sparse, dense, patternOnly } = randomSparse(
          n,
          rows.map((r) => [...r]),
          c,
        );
        const p = sparse.p as Float64Array;
        const ys = Float64Array.from(y);
        const vs = Float64Array.from(v);
        const ref = new Derivatives(dense, p, n);
        const refY = new Float64Array(n);
        const refP = new Float64Array(2);
        ref.vjp(0, ys, vs, refY, refP);
        const refJ = ref.jacobian(0, ys, new Float64Array(n * n));
        for (const [problem, tol] of [
          [sparse, 1e-12],
          [patternOnly, 1e-6],
        ] as const) {
          const d = new Derivatives(problem, p, n);
          expect(d.pattern).toBeDefined();
          const outY = new Float64Array(n);
          const outP = new Float64Array(2);
          d.vjp(0, ys, vs, outY, outP);
          close(outY, refY, tol);
          close(outP, refP, 1e-8);
          close(d.vjpState(0, ys, vs, new Float64Array(n)), refY, tol);
          const pOnly = new Float64Array(2);
          d.vjpParams(0, ys, vs, pOnly);
          close(pOnly, refP, 1e-8);
          close(d.jacobian(0, ys, new Float64Array(n * n)), refJ, tol);
        }
        // ∂f/∂p by central differences costs 2·np right-hand sides, not n
        const fdP = new Derivatives(sparse, p, n);
        fdP.vjpParams(0, ys, vs, new Float64Array(2));
        expect(fdP.report.fdRhsEvals).toBe(4);
      }),
      { numRuns: 60 },
    );
  });
});

describe('gradient of bruss2d (sparse) against central differences of solve', () => {
  const N = 6;
  const base = bruss2d({ N, source: 'on' });
  const n = base.y0.length;
  const w = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  const T = 1.5;
  const at = (p: Float64Array): OdeProblem => ({ ...base, p, t1: T });
  const weighted = (y: ArrayLike<number>) => {
    let a = 0;
    for (let i = 0; i < n; i++) a += w[i] * y[i];
    return a;
  };
  const loss = {
    value: (_i: number, _t: number, y: Float64Array) => weighted(y),
    grad: (_i: number, _t: number, _y: Float64Array, out: Float64Array) => out.set(w),
  };
  const fd = [0, 1].map((j) => {
    const h = 1e-4 * base.p[j];
    const L = (d: number) => {
      const p = Float64Array.from(base.p);
      p[j] += d;
      const s = solve(at(p), { rtol: 1e-11, atol: 1e-11, method: 'rodas5p' });
      return weighted(s.y.subarray(s.y.length - n));
    };
    return (L(h) - L(-h)) / (2 * h);
  });
  const cases: [SensitivityKind, GradientMethod, number][] = [
    ['quadrature', 'rodas5p', 2e-5],
    ['interpolating', 'rodas5p', 2e-5],
    ['discrete', 'rodas5p', 2e-6],
    ['quadrature', 'bdf', 2e-5],
  ];
  for (const [kind, method, tol] of cases) {
    it(`${kind} (${method}) within ${tol} of the largest component`, () => {
      const g = gradient(at(base.p), { rtol: 1e-9, atol: 1e-9, method, loss, sensitivity: { kind } });
      close(g.dp, fd, tol);
      expect(g.stats.derivatives.jacobian).toBe('analytic');
    });
  }
  it("refuses kind 'discrete' with method 'bdf' (no step reverser), naming the option", () => {
    expect(() =>
      gradient(at(base.p), { method: 'bdf', loss, sensitivity: { kind: 'discrete' } }),
    ).toThrowOdeonError('InvalidOption');
  });
});

/** Records the largest typed array constructed while `fn` runs (globals replaced by recording subclasses). */
function largestAllocation(fn: () => void): number {
  let max = 0;
  const g = globalThis as unknown as Record<string, unknown>;
  const names = ['Float64Array', 'Int32Array', 'Uint8Array'] as const;
  const saved = names.map((k) => g[k]);
  for (const k of names) {
    const Base = g[k] as Float64ArrayConstructor;
    g[k] = class extends Base {
      constructor(...args: unknown[]) {
        super(...(args as [number]));
        if (this.length > max) max = this.length;
      }
    };
  }
  try {
    fn();
  } finally {
    names.forEach((k, i) => {
      g[k] = saved[i];
    });
  }
  return max;
}

describe('gradient of bruss2d N = 64 (n = 8192) allocates no n×n array', () => {
  const base = bruss2d({ N: 64, source: 'on' });
  const n = base.y0.length;
  const problem: OdeProblem = { ...base, t1: 0.02 };
  it('the allocation probe sees allocations', () => {
    expect(largestAllocation(() => new Float64Array(n * 3))).toBe(n * 3);
  });
  const loss = {
    value: (_i: number, _t: number, y: Float64Array) => y[0] + y[n - 1],
    grad: (_i: number, _t: number, _y: Float64Array, out: Float64Array) => {
      out.fill(0);
      out[0] = 1;
      out[n - 1] = 1;
    },
  };
  for (const kind of ['quadrature', 'discrete'] as const) {
    it(kind, () => {
      let dp: Float64Array | undefined;
      const max = largestAllocation(() => {
        dp = gradient(problem, { rtol: 1e-4, atol: 1e-4, method: 'rodas5p', loss, sensitivity: { kind } }).dp;
      });
      expect(dp!.every(Number.isFinite)).toBe(true);
      // the largest arrays are the step records and the LU factors: far below n² = 67 108 864
      expect(max).toBeLessThan(n * 400);
    }, 120_000);
  }
  it("refuses 'forward' (dense n×n blocks) with a typed error before allocating them", () => {
    const max = largestAllocation(() => {
      expect(() =>
        gradient(problem, { loss, method: 'rodas5p', sensitivity: { kind: 'forward' } }),
      ).toThrowOdeonError('InvalidOption');
    });
    expect(max).toBeLessThan(n * n);
  });
});

describe('backsolve on a sparse problem (its two blocks on the sparse LU)', () => {
  // backsolve reverses the ODE, which bruss2d (stiff) does not survive: a mild random sparse problem
  const tridiagonal = (n: number) =>
    Array.from({ length: n }, (_, i) => [i - 1, i + 1].filter((j) => j >= 0 && j < n));
  const coefficients = (n: number) =>
    Array.from({ length: n }, (_, i) => [0.3 * Math.cos(i), -0.5, 0.2 * Math.sin(i + 2), 0.1]);
  const lossOf = (n: number) => ({
    value: (_i: number, _t: number, y: Float64Array) => y.reduce((a, v, i) => a + (i % 3) * v, 0),
    grad: (_i: number, _t: number, _y: Float64Array, out: Float64Array) => {
      for (let i = 0; i < n; i++) out[i] = i % 3;
    },
  });
  it('agrees with the dense quadrature adjoint (n = 12)', () => {
    const n = 12;
    const { sparse, dense } = randomSparse(n, tridiagonal(n), coefficients(n));
    const opts = { rtol: 1e-10, atol: 1e-10, method: 'rodas5p' as const, loss: lossOf(n) };
    const ref = gradient(dense, { ...opts, sensitivity: { kind: 'quadrature' } });
    const g = gradient(sparse, { ...opts, sensitivity: { kind: 'backsolve' } });
    close(g.dp, ref.dp, 1e-7);
    close(g.dy0, ref.dy0, 1e-7);
  });
  it('allocates no n×n array (n = 3000)', () => {
    const n = 3000;
    const { sparse } = randomSparse(n, tridiagonal(n), coefficients(n));
    let dp: Float64Array | undefined;
    const max = largestAllocation(() => {
      dp = gradient(
        { ...sparse, t1: 0.1 },
        { rtol: 1e-6, atol: 1e-6, method: 'rodas5p', loss: lossOf(n), sensitivity: { kind: 'backsolve' } },
      ).dp;
    });
    expect(dp!.every(Number.isFinite)).toBe(true);
    expect(max).toBeLessThan(n * 100);
  }, 60_000);
});
