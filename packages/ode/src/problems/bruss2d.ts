import { invalidOption } from '../errors.ts';
import type { SparsityPattern } from '../linalg/sparsity.ts';
import type { OdeProblem, SparseJacobianFunction } from '../types.ts';

/** Options of `bruss2d`. */
export interface Bruss2dOptions {
  /** Grid points per side (n = 2N²); N ≥ 3. */
  readonly N: number;
  /**
   * The localised source: `switched` (on for t ≥ 1.1, the full problem), `off` or `on` (for integrating
   * the two segments [0, 1.1] and [1.1, 11.5] separately, as the peers and references do). Default `switched`.
   */
  readonly source?: 'switched' | 'off' | 'on';
}

/** A large sparse problem of `@odeon/ode/problems`: pattern, analytic sparse Jacobian and metadata. */
export interface ScaleProblem extends OdeProblem {
  readonly name: string;
  readonly y0: Float64Array;
  readonly p: Float64Array;
  readonly paramNames: readonly string[];
  readonly jacobianSparsity: SparsityPattern;
  readonly sparseJacobian: SparseJacobianFunction;
  /** Benchmarks use atol = rtol · atolFactor; errors use it as the floor. */
  readonly atolFactor: number;
  /** Times where the right-hand side jumps (integrate up to and restart from them). */
  readonly discontinuities: readonly number[];
}

/** Time at which the source switches on. */
const T_SOURCE = 1.1;

/**
 * The 2-D Brusselator reaction–diffusion system on an N×N periodic grid (Hairer & Wanner II, p. 152;
 * SciMLBenchmarks' `prob_ode_brusselator_2d`), exactly as `shared/peers/scale/problems-scale.json`:
 * state y[2(iN + j) + c] (c = 0: u, 1: v), 5-point Laplacian with a = α(N−1)², A = 3.4, B = 1, and a
 * source of amplitude p[1] = 5 on a disc around (0.3, 0.6) from t = 1.1. p = [α, amplitude] = [10, 5].
 * Six non-zeros per row (four neighbours, the 2×2 reaction block); t ∈ [0, 11.5].
 */
export function bruss2d(options: Bruss2dOptions): ScaleProblem {
  const N = options.N;
  if (!(Number.isInteger(N) && N >= 3)) throw invalidOption('N', N, 'an integer ≥ 3');
  const source = options.source ?? 'switched';
  if (source !== 'switched' && source !== 'off' && source !== 'on')
    throw invalidOption('source', source, "'switched', 'off' or 'on'");
  const n = 2 * N * N;
  const dx = 1 / (N - 1);
  // numpy.linspace(0, 1, N): i·step, the last point exactly 1
  const grid = Float64Array.from({ length: N }, (_, i) => (i === N - 1 ? 1 : i * dx));
  const inDisc = new Uint8Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const x = grid[i];
      const yy = grid[j];
      inDisc[i * N + j] = (x - 0.3) * (x - 0.3) + (yy - 0.6) * (yy - 0.6) <= 0.1 * 0.1 ? 1 : 0;
    }
  const y0 = new Float64Array(n);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const k = 2 * (i * N + j);
      y0[k] = 22 * (grid[j] * (1 - grid[j])) ** 1.5;
      y0[k + 1] = 27 * (grid[i] * (1 - grid[i])) ** 1.5;
    }
  // neighbour grid indices
  const up = new Int32Array(N * N);
  const down = new Int32Array(N * N);
  const left = new Int32Array(N * N);
  const right = new Int32Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const g = i * N + j;
      up[g] = ((i + N - 1) % N) * N + j;
      down[g] = ((i + 1) % N) * N + j;
      left[g] = i * N + ((j + N - 1) % N);
      right[g] = i * N + ((j + 1) % N);
    }
  // the pattern, and the position of every role in each row
  const rowPtr = new Int32Array(n + 1);
  const colIdx = new Int32Array(6 * n);
  const posSelf = new Int32Array(n);
  const posOther = new Int32Array(n);
  const posNb = new Int32Array(4 * n);
  for (let r = 0; r < n; r++) {
    const g = r >> 1;
    const c = r & 1;
    const entries: [number, number][] = [
      [2 * up[g] + c, 0],
      [2 * down[g] + c, 1],
      [2 * left[g] + c, 2],
      [2 * right[g] + c, 3],
      [r, 4],
      [2 * g + 1 - c, 5],
    ];
    entries.sort((a, b) => a[0] - b[0]);
    rowPtr[r + 1] = 6 * (r + 1);
    for (let k = 0; k < 6; k++) {
      const q = 6 * r + k;
      colIdx[q] = entries[k][0];
      const role = entries[k][1];
      if (role < 4) posNb[4 * r + role] = q;
      else if (role === 4) posSelf[r] = q;
      else posOther[r] = q;
    }
  }
  const jacobianSparsity: SparsityPattern = { n, rowPtr, colIdx };
  const G = N * N;
  const scale = (N - 1) * (N - 1);
  const sourceOn = (t: number): boolean => (source === 'switched' ? t >= T_SOURCE : source === 'on');
  const laplacian = (y: Float64Array, k: number, g: number, c: number): number =>
    y[2 * up[g] + c] + y[2 * down[g] + c] + y[2 * left[g] + c] + y[2 * right[g] + c] - 4 * y[k];
  return {
    name: `bruss2d-${N}`,
    t0: 0,
    t1: 11.5,
    y0,
    p: Float64Array.of(10, 5),
    paramNames: ['alpha', 'source'],
    atolFactor: 0.01,
    discontinuities: source === 'switched' ? [T_SOURCE] : [],
    jacobianSparsity,
    rhs(t, y, p, dy) {
      const a = p[0] * scale;
      const amp = sourceOn(t) ? p[1] : 0;
      for (let g = 0; g < G; g++) {
        const k = 2 * g;
        const u = y[k];
        const v = y[k + 1];
        const uuv = u * u * v;
        dy[k] = a * laplacian(y, k, g, 0) + 1 + uuv - 4.4 * u + (inDisc[g] === 1 ? amp : 0);
        dy[k + 1] = a * laplacian(y, k + 1, g, 1) + 3.4 * u - uuv;
      }
    },
    sparseJacobian(_t, y, p, values) {
      const a = p[0] * scale;
      for (let g = 0; g < G; g++) {
        const k = 2 * g;
        const u = y[k];
        const v = y[k + 1];
        for (let c = 0; c < 2; c++) {
          const r = k + c;
          const o = 4 * r;
          values[posNb[o]] = a;
          values[posNb[o + 1]] = a;
          values[posNb[o + 2]] = a;
          values[posNb[o + 3]] = a;
        }
        values[posSelf[k]] = -4 * a + 2 * u * v - 4.4;
        values[posOther[k]] = u * u;
        values[posOther[k + 1]] = 3.4 - 2 * u * v;
        values[posSelf[k + 1]] = -4 * a - u * u;
      }
    },
    paramJacobian(t, y, _p, Jp) {
      const on = sourceOn(t);
      for (let g = 0; g < G; g++) {
        const k = 2 * g;
        Jp[2 * k] = scale * laplacian(y, k, g, 0);
        Jp[2 * k + 1] = on && inDisc[g] === 1 ? 1 : 0;
        Jp[2 * k + 2] = scale * laplacian(y, k + 1, g, 1);
        Jp[2 * k + 3] = 0;
      }
    },
    tgrad(_t, _y, _p, out) {
      out.fill(0);
    },
  };
}
