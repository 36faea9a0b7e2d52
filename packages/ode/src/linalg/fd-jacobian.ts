import type { RhsFunction } from '../types.ts';
import { type ColumnColoring, colorColumns } from './coloring.ts';
import { type SparsityPattern, transposePattern } from './sparsity.ts';

const SQRT_EPS = Math.sqrt(Number.EPSILON);

/**
 * Coloured forward-difference Jacobian (Curtis–Powell–Reid) for a known sparsity pattern: one RHS
 * evaluation per colour. Writes ∂f/∂y into the CSR `values` of the pattern. Workspaces allocated once.
 */
export class ColoredFdJacobian {
  readonly pattern: SparsityPattern;
  readonly coloring: ColumnColoring;
  /** Column-wise (CSC) row indices and the CSR position of each. */
  private readonly colPtr: Int32Array;
  private readonly colRows: Int32Array;
  private readonly cscToCsr: Int32Array;
  private readonly ytmp: Float64Array;
  private readonly ftmp: Float64Array;
  private readonly delta: Float64Array;

  constructor(pattern: SparsityPattern) {
    this.pattern = pattern;
    this.coloring = colorColumns(pattern);
    const t = transposePattern(pattern);
    this.colPtr = t.pattern.rowPtr;
    this.colRows = t.pattern.colIdx;
    this.cscToCsr = t.perm;
    this.ytmp = new Float64Array(pattern.n);
    this.ftmp = new Float64Array(pattern.n);
    this.delta = new Float64Array(pattern.n);
  }

  /**
   * values ← ∂f/∂y at (t, y) with f0 = f(t, y). The increment of column j is
   * √ε·max(|y_j|, floor_j)·sign(y_j) with floor_j = atol_j/rtol (as the dense difference Jacobian).
   * Returns the number of RHS evaluations (the number of colours).
   */
  evaluate(
    values: Float64Array,
    rhs: RhsFunction,
    t: number,
    y: Float64Array,
    p: Float64Array,
    f0: Float64Array,
    floor: Float64Array,
  ): number {
    const { coloring, colPtr, colRows, cscToCsr, ytmp, ftmp, delta } = this;
    const { start, columns } = coloring;
    ytmp.set(y);
    for (let c = 0; c < coloring.colors; c++) {
      for (let k = start[c]; k < start[c + 1]; k++) {
        const j = columns[k];
        const yj = y[j];
        let scale = Math.abs(yj);
        if (floor[j] > scale) scale = floor[j];
        if (scale < 1e-10) scale = 1e-10;
        let d = SQRT_EPS * scale;
        if (yj < 0) d = -d;
        ytmp[j] = yj + d;
        delta[j] = ytmp[j] - yj;
      }
      rhs(t, ytmp, p, ftmp);
      for (let k = start[c]; k < start[c + 1]; k++) {
        const j = columns[k];
        const inv = 1 / delta[j];
        for (let q = colPtr[j]; q < colPtr[j + 1]; q++) {
          const i = colRows[q];
          values[cscToCsr[q]] = (ftmp[i] - f0[i]) * inv;
        }
        ytmp[j] = y[j];
      }
    }
    return coloring.colors;
  }
}
