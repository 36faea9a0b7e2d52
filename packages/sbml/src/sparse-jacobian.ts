import type { SparsityPattern, Vec } from '@odeon/ode';
import type { NodeId } from './internal/dag.ts';
import type { Kernel, KernelSpec } from './internal/program.ts';

/** A structural non-zero of ∂f/∂y (column j) or ∂f/∂p (column k) with its derivative expression. */
export interface DerivativeEntry {
  readonly i: number;
  readonly col: number;
  readonly node: NodeId;
}

/** The sparse derivative kernels of a compiled model (CSR, structural non-zeros only). */
export interface SparseDerivatives {
  /** Pattern of ∂f/∂y: exactly the (i, j) where f_i depends on y_j symbolically (n×n, CSR). */
  readonly jacobianSparsity: SparsityPattern;
  /** Writes ∂f/∂y's non-zeros in the order of `jacobianSparsity`. */
  readonly sparseJacobian: (t: number, y: Vec, p: Vec, values: Vec) => void;
  /** Pattern of ∂f/∂p (n rows × np columns, CSR; `n` is the row count). */
  readonly paramJacobianSparsity: {
    readonly rows: number;
    readonly cols: number;
    readonly rowPtr: Int32Array;
    readonly colIdx: Int32Array;
  };
  /** Writes ∂f/∂p's non-zeros in the order of `paramJacobianSparsity`. */
  readonly sparseParamJacobian: (t: number, y: Vec, p: Vec, values: Vec) => void;
}

/** CSR arrays of entries (i, col), sorted by row then column; returns the order of the entries. */
function csr(
  rows: number,
  entries: readonly DerivativeEntry[],
): { rowPtr: Int32Array; colIdx: Int32Array; order: DerivativeEntry[] } {
  const order = [...entries].sort((a, b) => a.i - b.i || a.col - b.col);
  const rowPtr = new Int32Array(rows + 1);
  for (const e of order) rowPtr[e.i + 1]++;
  for (let i = 0; i < rows; i++) rowPtr[i + 1] += rowPtr[i];
  return { rowPtr, colIdx: Int32Array.from(order, (e) => e.col), order };
}

/**
 * Builds the sparse ∂f/∂y and ∂f/∂p kernels from the symbolic derivative entries `compile` found (each
 * entry is a structural non-zero: a state or parameter leaf of f_i with a derivative that is not
 * identically zero). Work and memory are linear in the number of non-zeros; the kernels are generated
 * (or interpreted) by the model's kernel factory `make` on first use.
 */
export function sparseDerivatives(
  make: (spec: KernelSpec) => Kernel,
  n: number,
  np: number,
  jy: readonly DerivativeEntry[],
  jp: readonly DerivativeEntry[],
): SparseDerivatives {
  const y = csr(n, jy);
  const p = csr(n, jp);
  const spec = (order: readonly DerivativeEntry[]): KernelSpec => ({
    outputs: 1,
    weighted: false,
    zero: [],
    targets: order.map((e, q) => ({ array: 0, index: q, terms: [{ w: -1, node: e.node }] })),
  });
  let jacK: Kernel | undefined;
  let pjacK: Kernel | undefined;
  return {
    jacobianSparsity: { n, rowPtr: y.rowPtr, colIdx: y.colIdx },
    sparseJacobian(t, yy, pp, values) {
      jacK ??= make(spec(y.order));
      (jacK as (t: number, y: Vec, p: Vec, out: Vec) => void)(t, yy, pp, values);
    },
    paramJacobianSparsity: { rows: n, cols: np, rowPtr: p.rowPtr, colIdx: p.colIdx },
    sparseParamJacobian(t, yy, pp, values) {
      pjacK ??= make(spec(p.order));
      (pjacK as (t: number, y: Vec, p: Vec, out: Vec) => void)(t, yy, pp, values);
    },
  };
}
