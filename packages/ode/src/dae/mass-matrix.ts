import { OdeonError } from '../errors.ts';
import { luFactor } from '../internal/lu.ts';

/**
 * A constant mass matrix M of `M y′ = f(t, y, p)`, validated once at the public boundary. Its zero rows
 * are the algebraic equations 0 = g(t, y) and its zero columns the algebraic variables z (index 1 needs
 * as many of each, and ∂g/∂z nonsingular along the solution); the rest of M must be nonsingular.
 */
export interface MassMatrix {
  readonly n: number;
  /** The diagonal of a diagonal M (every diagonal M is stored so), else undefined. */
  readonly diag: Float64Array | undefined;
  /** A full M, row-major n×n, else undefined. */
  readonly full: Float64Array | undefined;
  /** Zero rows of M: the algebraic equations. */
  readonly algebraicRows: Int32Array;
  /** Zero columns of M: the algebraic variables. */
  readonly algebraicCols: Int32Array;
}

function invalid(message: string, hint: string, extra: { component?: number; row?: number } = {}): never {
  throw new OdeonError('InvalidProblem', message, { option: 'massMatrix', ...extra, hint });
}

/**
 * Validates `massMatrix` (length n: the diagonal; length n²: row-major) and splits it into its
 * algebraic and differential parts. Throws `InvalidProblem` naming `massMatrix` otherwise.
 */
export function massMatrixOf(m: ArrayLike<number>, n: number): MassMatrix {
  if (m === null || typeof m !== 'object' || typeof m.length !== 'number')
    invalid(
      '`massMatrix` must be an array of numbers.',
      `Give its diagonal (length ${n}) or all of it, row-major (length ${n * n}).`,
    );
  if (m.length !== n && m.length !== n * n)
    invalid(
      `\`massMatrix\` has length ${m.length}; expected ${n} (the diagonal) or ${n * n} (row-major n×n).`,
      'Give one entry per state (a diagonal of 1s for differential and 0s for algebraic components) or the full matrix.',
    );
  const values = new Float64Array(m.length);
  for (let i = 0; i < m.length; i++) {
    const v = m[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      invalid(
        `\`massMatrix[${i}]\` is not a finite number (got ${String(v)}).`,
        'Every entry must be finite.',
        {
          component: i,
        },
      );
    values[i] = v;
  }
  let diag: Float64Array | undefined;
  let full: Float64Array | undefined;
  if (m.length === n) diag = values;
  else {
    let offDiagonal = false;
    for (let i = 0; i < n && !offDiagonal; i++)
      for (let j = 0; j < n; j++) if (i !== j && values[i * n + j] !== 0) offDiagonal = true;
    if (offDiagonal) full = values;
    else {
      diag = new Float64Array(n);
      for (let i = 0; i < n; i++) diag[i] = values[i * n + i];
    }
  }
  const at = (i: number, j: number): number =>
    diag !== undefined ? (i === j ? diag[i] : 0) : (full as Float64Array)[i * n + j];
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    let rowZero = true;
    let colZero = true;
    for (let j = 0; j < n; j++) {
      if (at(i, j) !== 0) rowZero = false;
      if (at(j, i) !== 0) colZero = false;
    }
    if (rowZero) rows.push(i);
    if (colZero) cols.push(i);
  }
  if (rows.length !== cols.length)
    invalid(
      `\`massMatrix\` has ${rows.length} zero rows (algebraic equations) but ${cols.length} zero columns (algebraic variables).`,
      'An index-1 DAE needs one algebraic variable (a zero column) per algebraic equation (a zero row).',
    );
  // the differential block (M without its zero rows and columns) must be nonsingular
  const keepR: number[] = [];
  const keepC: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!rows.includes(i)) keepR.push(i);
    if (!cols.includes(i)) keepC.push(i);
  }
  const k = keepR.length;
  if (k > 0) {
    const block = new Float64Array(k * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) block[a * k + b] = at(keepR[a], keepC[b]);
    if (luFactor(block, new Int32Array(k), k) === null)
      invalid(
        '`massMatrix` is singular beyond its zero rows and columns.',
        'Write each algebraic equation as a row of zeros and each algebraic variable as a column of zeros; the remaining block must be nonsingular (index 1).',
      );
  }
  return { n, diag, full, algebraicRows: Int32Array.from(rows), algebraicCols: Int32Array.from(cols) };
}

/** out = M·v (length n); `out` and `v` must not alias for a full M. */
export function massTimes(out: Float64Array, mass: MassMatrix, v: Float64Array): Float64Array {
  const { n, diag, full } = mass;
  if (diag !== undefined) {
    for (let i = 0; i < n; i++) out[i] = diag[i] * v[i];
    return out;
  }
  const M = full as Float64Array;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0, o = i * n; j < n; j++) acc += M[o + j] * v[j];
    out[i] = acc;
  }
  return out;
}
