import type { SolverContext } from '../internal/context.ts';
import { centralDifference, fdJacobian } from '../internal/jacobian.ts';
import { luFactor, luSolve, luSolveTranspose } from '../internal/lu.ts';
import type { StageMatrixSystem } from '../internal/system.ts';
import { type MassMatrix, massTimes } from './mass-matrix.ts';

/**
 * The system of `M y′ = f(t, y)` for the Rosenbrock steppers: F = f, W = M/(hγ) − J factorised densely
 * (partial pivoting, so the zero rows of a singular M are no obstacle while W is nonsingular, which
 * index 1 guarantees for small h). J comes from `problem.jacobian`, `sparseJacobian` (scattered) or
 * forward differences, and is kept until `invalidate`, so a rejected step only refactorises.
 */
export class MassMatrixSystem implements StageMatrixSystem {
  readonly size: number;
  readonly errSize: number;
  readonly mass: MassMatrix;
  readonly tgrad?: (t: number, y: Float64Array, out: Float64Array) => void;
  private readonly ctx: SolverContext;
  private readonly J: Float64Array;
  private readonly W: Float64Array;
  private readonly piv: Int32Array;
  private readonly cols: Int32Array;
  private readonly scratch: JacobianScratch;
  private readonly massTmp: Float64Array;
  private fresh = false;
  private factored = Number.NaN;

  constructor(ctx: SolverContext, mass: MassMatrix) {
    const n = ctx.n;
    this.ctx = ctx;
    this.mass = mass;
    this.size = n;
    this.errSize = n;
    this.J = new Float64Array(n * n);
    this.W = new Float64Array(n * n);
    this.piv = new Int32Array(n);
    this.cols = new Int32Array(n);
    this.scratch = jacobianScratch(ctx);
    this.massTmp = new Float64Array(n);
    const { tgrad } = ctx;
    if (tgrad !== undefined) this.tgrad = (t, y, out) => tgrad(t, y, ctx.p, out);
  }

  rhs(t: number, y: Float64Array, out: Float64Array): void {
    this.ctx.rhs(t, y, this.ctx.p, out);
    this.ctx.stats.rhsEvals++;
  }

  prepare(t: number, y: Float64Array, invHGamma: number, f0?: Float64Array): boolean {
    const { ctx } = this;
    if (!this.fresh) {
      evaluateJacobian(this.J, ctx, this.mass, t, y, f0, this.scratch);
      this.fresh = true;
      this.factored = Number.NaN;
    }
    if (this.factored === invHGamma) return true;
    const n = ctx.n;
    const { J, W, mass } = this;
    const nn = n * n;
    for (let i = 0; i < nn; i++) W[i] = -J[i];
    if (mass.diag !== undefined) {
      const d = mass.diag;
      for (let i = 0; i < n; i++) W[i * n + i] += invHGamma * d[i];
    } else {
      const M = mass.full as Float64Array;
      for (let i = 0; i < nn; i++) W[i] += invHGamma * M[i];
    }
    ctx.stats.luFactorizations++;
    if (luFactor(W, this.piv, n, this.cols) === null) {
      this.factored = Number.NaN;
      return false;
    }
    this.factored = invHGamma;
    return true;
  }

  solve(x: Float64Array): void {
    this.ctx.stats.linearSolves++;
    luSolve(x, this.W, this.piv, this.ctx.n);
  }

  solveTranspose(x: Float64Array): void {
    this.ctx.stats.linearSolves++;
    luSolveTranspose(x, this.W, this.piv, this.ctx.n);
  }

  /** x ← M·x in place. */
  applyMass(x: Float64Array): void {
    const { mass, massTmp } = this;
    if (mass.diag !== undefined) {
      const d = mass.diag;
      for (let i = 0; i < x.length; i++) x[i] *= d[i];
      return;
    }
    massTimes(massTmp, mass, x);
    x.set(massTmp);
  }

  invalidate(): void {
    this.fresh = false;
  }
}

/** Scratch of `evaluateJacobian` (length n each; `values` the sparse Jacobian's nonzeros). */
export interface JacobianScratch {
  readonly fScratch: Float64Array;
  readonly ytmp: Float64Array;
  readonly ftmp: Float64Array;
  readonly fMinus: Float64Array;
  readonly values: Float64Array | undefined;
}

/** Allocates the scratch of `evaluateJacobian` for `ctx`. */
export function jacobianScratch(ctx: SolverContext): JacobianScratch {
  const n = ctx.n;
  return {
    fScratch: new Float64Array(n),
    ytmp: new Float64Array(n),
    ftmp: new Float64Array(n),
    fMinus: new Float64Array(n),
    values:
      ctx.sparsity !== undefined && ctx.sparseJacobian !== undefined
        ? new Float64Array(ctx.sparsity.rowPtr[n])
        : undefined,
  };
}

/**
 * ∂f/∂y (row-major n×n) into `out` at (t, y): `problem.jacobian`, else the scattered `sparseJacobian`,
 * else forward differences (`f0` = f(t, y) when known; otherwise it is evaluated into `fScratch`) with
 * the algebraic rows redone by central differences on the increment ∛ε·max(|y_j|, max_k |y_k|):
 * constraints sum components of very different size (a conservation law), and the forward increment of
 * a tiny component is lost in the round-off of the large ones.
 */
export function evaluateJacobian(
  out: Float64Array,
  ctx: SolverContext,
  mass: MassMatrix,
  t: number,
  y: Float64Array,
  f0: Float64Array | undefined,
  ws: JacobianScratch,
): Float64Array {
  const { fScratch, ytmp, ftmp, fMinus, values } = ws;
  const n = ctx.n;
  if (ctx.jacobian !== undefined) ctx.jacobian(t, y, ctx.p, out);
  else if (values !== undefined && ctx.sparsity !== undefined && ctx.sparseJacobian !== undefined) {
    ctx.sparseJacobian(t, y, ctx.p, values);
    out.fill(0);
    const { rowPtr, colIdx } = ctx.sparsity;
    for (let i = 0; i < n; i++)
      for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) out[i * n + colIdx[q]] = values[q];
  } else {
    let f = f0;
    if (f === undefined) {
      f = fScratch;
      ctx.rhs(t, y, ctx.p, f);
      ctx.stats.rhsEvals++;
    }
    fdJacobian(out, ctx, t, y, f, ytmp, ftmp);
    const rows = mass.algebraicRows;
    if (rows.length > 0) {
      let ymax = 1e-10;
      for (let k = 0; k < n; k++) ymax = Math.max(ymax, Math.abs(y[k]));
      const fPlus = ftmp;
      ytmp.set(y);
      for (let j = 0; j < n; j++) {
        const inv = centralDifference(ctx, t, ytmp, j, ymax, fPlus, fMinus);
        for (let a = 0; a < rows.length; a++) {
          const i = rows[a];
          out[i * n + j] = (fPlus[i] - fMinus[i]) * inv;
        }
      }
    }
  }
  ctx.stats.jacobianEvals++;
  return out;
}
