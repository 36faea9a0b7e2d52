import { OdeonError } from '../errors.ts';
import type { RhsFunction } from '../types.ts';
import type { SparsityPattern } from './sparsity.ts';

/**
 * Finds the sparsity pattern of ∂f/∂y by probing: one RHS evaluation per column at a point near `y`
 * (every component shifted by a deterministic pseudo-random amount, so that entries which vanish at y
 * itself, e.g. ∂(k·a·b)/∂a at b = 0, still show), perturbing one component at a time and recording the
 * outputs that change. n + 1 RHS evaluations, once per problem; the diagonal is always included.
 */
export function detectPattern(
  rhs: RhsFunction,
  t: number,
  y: Float64Array,
  p: Float64Array,
): SparsityPattern {
  const n = y.length;
  const base = new Float64Array(n);
  let seed = 0x9e3779b9;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  for (let i = 0; i < n; i++) base[i] = y[i] + (0.05 + 0.1 * rand()) * (Math.abs(y[i]) + 1e-3);
  const f0 = new Float64Array(n);
  rhs(t, base, p, f0);
  let point = base;
  if (!f0.every(Number.isFinite)) {
    point = Float64Array.from(y);
    rhs(t, point, p, f0);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(f0[i]))
      throw new OdeonError(
        'NonFiniteState',
        `The right-hand side is not finite at t = ${t} (component ${i}).`,
        {
          t,
          component: i,
          hint: 'Check the initial values and parameters.',
        },
      );
  }
  const f1 = new Float64Array(n);
  const ytmp = Float64Array.from(point);
  const cols: number[][] = Array.from({ length: n }, () => []);
  for (let j = 0; j < n; j++) {
    const d = 1e-4 * (Math.abs(point[j]) + 1e-3);
    ytmp[j] = point[j] + d;
    rhs(t, ytmp, p, f1);
    ytmp[j] = point[j];
    for (let i = 0; i < n; i++) if (f1[i] !== f0[i] || i === j) cols[i].push(j);
  }
  const rowPtr = new Int32Array(n + 1);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    nnz += cols[i].length;
    rowPtr[i + 1] = nnz;
  }
  const colIdx = new Int32Array(nnz);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const r = cols[i];
    r.sort((a, b) => a - b);
    for (const j of r) colIdx[k++] = j;
  }
  return { n, rowPtr, colIdx };
}
