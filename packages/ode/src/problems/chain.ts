import { invalidOption } from '../errors.ts';
import type { SparsityPattern } from '../linalg/sparsity.ts';
import type { ScaleProblem } from './bruss2d.ts';

/** Options of `chain`. */
export interface ChainOptions {
  /** Number of states, n = 3m + 2 for m ≥ 1 stages (500 ↔ m = 166, 2000 ↔ m = 666). */
  readonly n: number;
}

const KCAT = [1e-3, 1e-2, 1e-1, 1, 10, 100, 1000];

/**
 * A stiff enzymatic mass-action cascade, exactly as `shared/peers/scale/problems-scale.json`: m stages
 * A_i + E_i ⇌ C_i → A_{i+1} + E_i with back-conversion A_{i+1} → A_i and degradation A_m → P; rate
 * constants by closed formulas over six decades. State A_i = y[3i], E_i = y[3i+1], C_i = y[3i+2],
 * A_m = y[3m], P = y[3m+1]; t ∈ [0, 1000]. p = [kf_0, kb_0, kcat_0, kr_0, …, kdeg] (4m + 1 rate constants
 * in reaction order). Banded Jacobian (mu = 3, ml = 2), 11 non-zeros per stage.
 */
export function chain(options: ChainOptions): ScaleProblem {
  const n = options.n;
  if (!(Number.isInteger(n) && n >= 5 && (n - 2) % 3 === 0))
    throw invalidOption('n', n, 'an integer 3m + 2 with m ≥ 1 (e.g. 500 or 2000)');
  const m = (n - 2) / 3;
  const p = new Float64Array(4 * m + 1);
  const paramNames: string[] = [];
  for (let i = 0; i < m; i++) {
    p[4 * i] = 1000 * (1 + (i % 4));
    p[4 * i + 1] = 10 * (1 + (i % 3));
    p[4 * i + 2] = KCAT[(5 * i) % 7];
    p[4 * i + 3] = (1 + (i % 5)) / 100;
    paramNames.push(`kf_${i}`, `kb_${i}`, `kcat_${i}`, `kr_${i}`);
  }
  p[4 * m] = 1 / 10;
  paramNames.push('kdeg');
  const y0 = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    y0[3 * i] = 1;
    y0[3 * i + 1] = (1 + (i % 3)) / 10;
  }
  // pattern: rows A_i: C_{i-1}, A_i, E_i, C_i, A_{i+1}; E_i, C_i: A_i, E_i, C_i; A_m: C_{m-1}, A_m; P: A_m, P
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  for (let i = 0; i < m; i++) {
    const a = 3 * i;
    if (i > 0) cols.push(a - 1);
    cols.push(a, a + 1, a + 2, a + 3);
    rowPtr[a + 1] = cols.length;
    cols.push(a, a + 1, a + 2);
    rowPtr[a + 2] = cols.length;
    cols.push(a, a + 1, a + 2);
    rowPtr[a + 3] = cols.length;
  }
  cols.push(3 * m - 1, 3 * m);
  rowPtr[3 * m + 1] = cols.length;
  cols.push(3 * m, 3 * m + 1);
  rowPtr[3 * m + 2] = cols.length;
  const jacobianSparsity: SparsityPattern = { n, rowPtr, colIdx: Int32Array.from(cols) };
  return {
    name: `chain-${n}`,
    t0: 0,
    t1: 1000,
    y0,
    p,
    paramNames,
    atolFactor: 1e-6,
    discontinuities: [],
    jacobianSparsity,
    rhs(_t, y, k, dy) {
      let r3prev = 0;
      let r4prev = 0;
      for (let i = 0; i < m; i++) {
        const a = 3 * i;
        const r1 = k[4 * i] * y[a] * y[a + 1];
        const r2 = k[4 * i + 1] * y[a + 2];
        const r3 = k[4 * i + 2] * y[a + 2];
        const r4 = k[4 * i + 3] * y[a + 3];
        dy[a] = -r1 + r2 + r4 + r3prev - r4prev;
        dy[a + 1] = -r1 + r2 + r3;
        dy[a + 2] = r1 - r2 - r3;
        r3prev = r3;
        r4prev = r4;
      }
      const r5 = k[4 * m] * y[3 * m];
      dy[3 * m] = r3prev - r4prev - r5;
      dy[3 * m + 1] = r5;
    },
    sparseJacobian(_t, y, k, v) {
      let q = 0;
      for (let i = 0; i < m; i++) {
        const a = 3 * i;
        const kf = k[4 * i];
        const kb = k[4 * i + 1];
        const kcat = k[4 * i + 2];
        const kr = k[4 * i + 3];
        const A = y[a];
        const E = y[a + 1];
        if (i > 0) {
          v[q++] = k[4 * i - 2]; // ∂/∂C_{i-1}: kcat_{i-1}
          v[q++] = -kf * E - k[4 * i - 1]; // ∂/∂A_i: −kf E − kr_{i-1}
        } else v[q++] = -kf * E;
        v[q++] = -kf * A;
        v[q++] = kb;
        v[q++] = kr;
        // E_i
        v[q++] = -kf * E;
        v[q++] = -kf * A;
        v[q++] = kb + kcat;
        // C_i
        v[q++] = kf * E;
        v[q++] = kf * A;
        v[q++] = -(kb + kcat);
      }
      const kdeg = k[4 * m];
      v[q++] = k[4 * m - 2];
      v[q++] = -k[4 * m - 1] - kdeg;
      v[q++] = kdeg;
      v[q++] = 0;
    },
    paramJacobian(_t, y, _k, Jp) {
      const np = 4 * m + 1;
      Jp.fill(0);
      for (let i = 0; i < m; i++) {
        const a = 3 * i;
        const r1 = y[a] * y[a + 1];
        const c = y[a + 2];
        const an = y[a + 3];
        // kf_i: −A_i, −E_i, +C_i
        Jp[a * np + 4 * i] = -r1;
        Jp[(a + 1) * np + 4 * i] = -r1;
        Jp[(a + 2) * np + 4 * i] = r1;
        // kb_i
        Jp[a * np + 4 * i + 1] = c;
        Jp[(a + 1) * np + 4 * i + 1] = c;
        Jp[(a + 2) * np + 4 * i + 1] = -c;
        // kcat_i: +E_i, −C_i, +A_{i+1}
        Jp[(a + 1) * np + 4 * i + 2] = c;
        Jp[(a + 2) * np + 4 * i + 2] = -c;
        Jp[(a + 3) * np + 4 * i + 2] = c;
        // kr_i: +A_i, −A_{i+1}
        Jp[a * np + 4 * i + 3] = an;
        Jp[(a + 3) * np + 4 * i + 3] = -an;
      }
      Jp[3 * m * np + 4 * m] = -y[3 * m];
      Jp[(3 * m + 1) * np + 4 * m] = y[3 * m];
    },
    tgrad(_t, _y, _p, out) {
      out.fill(0);
    },
  };
}
