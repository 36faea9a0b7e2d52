import { OdeonError } from '../errors.ts';

/**
 * The sparsity pattern of an n×n matrix in compressed sparse rows (CSR): the column indices of row i
 * are `colIdx[rowPtr[i] .. rowPtr[i+1])`, strictly increasing. Values live in a separate `Float64Array`
 * of length `rowPtr[n]` in the same order.
 *
 * CSR because a Jacobian row is one equation: ∂f_i/∂y is what a hand-written or generated RHS knows
 * (SBML emits one row per species), and it is the layout SUNDIALS' KLU interface uses for the same
 * reason. The column-oriented kernels (LU, colouring) work on the transpose, which is the same arrays
 * read as compressed columns.
 */
export interface SparsityPattern {
  readonly n: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
}

/** Number of stored entries. */
export function patternNnz(p: SparsityPattern): number {
  return p.rowPtr[p.n];
}

/**
 * Checks that `p` is a well-formed n×n CSR pattern (monotone row pointers, sorted unique column indices
 * in [0, n)) and returns it with typed arrays; throws `InvalidProblem` naming the row and column at fault.
 */
export function validatePattern(p: unknown, n: number, name = 'jacobianSparsity'): SparsityPattern {
  const fail = (msg: string, ctx: { row?: number; column?: number } = {}): never => {
    throw new OdeonError('InvalidProblem', `Inconsistent sparsity pattern \`${name}\`: ${msg}.`, {
      option: name,
      ...ctx,
      hint: 'Give { n, rowPtr, colIdx } in compressed sparse rows: rowPtr of length n+1 starting at 0, each row’s column indices strictly increasing in [0, n).',
    });
  };
  if (p === null || typeof p !== 'object') return fail('not an object');
  const q = p as { n?: unknown; rowPtr?: unknown; colIdx?: unknown };
  if (q.n !== n) return fail(`n = ${String(q.n)} but the problem has ${n} states`);
  const rowPtr = toInt32(q.rowPtr);
  const colIdx = toInt32(q.colIdx);
  if (rowPtr === undefined || colIdx === undefined) return fail('rowPtr and colIdx must be integer arrays');
  if (rowPtr.length !== n + 1) return fail(`rowPtr has length ${rowPtr.length}, expected ${n + 1}`);
  if (rowPtr[0] !== 0) return fail('rowPtr[0] must be 0');
  for (let i = 0; i < n; i++) {
    if (rowPtr[i + 1] < rowPtr[i]) return fail(`rowPtr decreases at row ${i}`, { row: i });
    if (rowPtr[i + 1] > colIdx.length)
      return fail(`row ${i} ends at ${rowPtr[i + 1]} beyond colIdx (length ${colIdx.length})`, { row: i });
    for (let q2 = rowPtr[i]; q2 < rowPtr[i + 1]; q2++) {
      const j = colIdx[q2];
      if (!(j >= 0 && j < n))
        return fail(`row ${i} has column ${j} outside [0, ${n})`, { row: i, column: j });
      if (q2 > rowPtr[i] && j <= colIdx[q2 - 1])
        return fail(`row ${i}: column ${j} is not after column ${colIdx[q2 - 1]} (sorted, unique)`, {
          row: i,
          column: j,
        });
    }
  }
  if (rowPtr[n] !== colIdx.length)
    return fail(`rowPtr[n] = ${rowPtr[n]} but colIdx has ${colIdx.length} entries`);
  return { n, rowPtr, colIdx };
}

function toInt32(a: unknown): Int32Array | undefined {
  if (a instanceof Int32Array) return a;
  if (!(Array.isArray(a) || ArrayBuffer.isView(a))) return undefined;
  const src = a as ArrayLike<unknown>;
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) return undefined;
    out[i] = v;
  }
  return out;
}

/** The pattern of the transpose (equivalently: the CSC arrays of `p`), with `perm[k]` = index in `p` of entry k. */
export function transposePattern(p: SparsityPattern): { pattern: SparsityPattern; perm: Int32Array } {
  const { n, rowPtr, colIdx } = p;
  const nnz = rowPtr[n];
  const tPtr = new Int32Array(n + 1);
  for (let q = 0; q < nnz; q++) tPtr[colIdx[q] + 1]++;
  for (let j = 0; j < n; j++) tPtr[j + 1] += tPtr[j];
  const next = tPtr.slice(0, n);
  const tIdx = new Int32Array(nnz);
  const perm = new Int32Array(nnz);
  for (let i = 0; i < n; i++) {
    for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) {
      const k = next[colIdx[q]]++;
      tIdx[k] = i;
      perm[k] = q;
    }
  }
  return { pattern: { n, rowPtr: tPtr, colIdx: tIdx }, perm };
}

/**
 * `p` with every diagonal entry present, and `map[q]` = position in the result of entry q of `p`, and
 * `diag[i]` = position of (i, i) in the result.
 */
export function withDiagonal(p: SparsityPattern): {
  pattern: SparsityPattern;
  map: Int32Array;
  diag: Int32Array;
} {
  const { n, rowPtr, colIdx } = p;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    let has = false;
    for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) if (colIdx[q] === i) has = true;
    if (!has) missing++;
  }
  const outPtr = new Int32Array(n + 1);
  const outIdx = new Int32Array(rowPtr[n] + missing);
  const map = new Int32Array(rowPtr[n]);
  const diag = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    outPtr[i] = k;
    let placed = false;
    for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) {
      const j = colIdx[q];
      if (!placed && j > i) {
        diag[i] = k;
        outIdx[k++] = i;
        placed = true;
      }
      if (j === i) {
        diag[i] = k;
        placed = true;
      }
      map[q] = k;
      outIdx[k++] = j;
    }
    if (!placed) {
      diag[i] = k;
      outIdx[k++] = i;
    }
  }
  outPtr[n] = k;
  return { pattern: { n, rowPtr: outPtr, colIdx: outIdx }, map, diag };
}

/** Builds a CSR pattern from (row, column) pairs (duplicates merged). */
export function patternFromEntries(
  n: number,
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
): SparsityPattern {
  const perRow: number[][] = Array.from({ length: n }, () => []);
  for (let k = 0; k < rows.length; k++) perRow[rows[k]].push(cols[k]);
  const rowPtr = new Int32Array(n + 1);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = Array.from(new Set(perRow[i])).sort((a, b) => a - b);
    for (const j of r) idx.push(j);
    rowPtr[i + 1] = idx.length;
  }
  return { n, rowPtr, colIdx: Int32Array.from(idx) };
}

/** Position of (i, j) in the values array of `p`, or −1 when it is not in the pattern (binary search). */
export function entryIndex(p: SparsityPattern, i: number, j: number): number {
  let lo = p.rowPtr[i];
  let hi = p.rowPtr[i + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = p.colIdx[mid];
    if (c === j) return mid;
    if (c < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
