/**
 * The stage matrix of the backward (adjoint) solves: W = I/(hγ) − J(t, y) of the forward problem,
 * factorised once per point and solved transposed (λ's stage matrix I/(hγ) − Jᵀ is Wᵀ; a reversed
 * Rosenbrock step needs W⁻ᵀ). Dense (the solver's `JacobianWorkspace`, sparse LU for reaction networks)
 * or, for a problem with `jacobianSparsity`, the sparse stage matrix of the forward solve (`SparseLu`,
 * transposed solve): no n×n array on that path.
 */
import type { SolverContext } from '../../internal/context.ts';
import { JacobianWorkspace } from '../../internal/jacobian-workspace.ts';
import { SparseStageMatrix } from '../../linalg/stage-matrix.ts';
import type { SolveStats, Vec } from '../../types.ts';
import type { GradientContext } from './context.ts';

export interface TransposedStage {
  /** J at (t, y) (counted into the stats). */
  load(t: number, y: Vec): void;
  /** Factorises W = I/hg − J with the loaded J (no work when hg is unchanged); false when singular. */
  factor(hg: number): boolean;
  /** x ← W⁻ᵀ x. */
  solveTranspose(x: Float64Array): void;
  /** out = Jᵀv with the loaded J. */
  transposeProduct(out: Vec, v: Vec): void;
  /** Linear-system size (n). */
  readonly kind: 'dense' | 'sparse';
}

/** The transposed stage matrix of `ctx`'s problem, counting its work into `stats`. */
export function createTransposedStage(ctx: GradientContext, stats: SolveStats): TransposedStage {
  const sctx: SolverContext = {
    n: ctx.n,
    rhs: ctx.problem.rhs,
    p: ctx.p as Float64Array,
    jacobian: undefined,
    tgrad: undefined,
    rtol: ctx.rtol,
    atol: ctx.atol,
    stats,
  };
  return ctx.deriv.pattern === undefined
    ? new DenseTransposedStage(ctx, sctx)
    : new SparseTransposedStage(ctx, sctx);
}

class DenseTransposedStage implements TransposedStage {
  readonly kind = 'dense';
  private readonly ws: JacobianWorkspace;

  constructor(
    private readonly ctx: GradientContext,
    private readonly sctx: SolverContext,
  ) {
    this.ws = new JacobianWorkspace(sctx);
  }

  load(t: number, y: Vec): void {
    this.ctx.deriv.jacobian(t, y, this.ws.J);
    this.ws.loadJacobian();
    this.sctx.stats.jacobianEvals++;
  }

  factor(hg: number): boolean {
    if (this.ws.factoredHg === hg) return true;
    return this.ws.factor(hg);
  }

  solveTranspose(x: Float64Array): void {
    this.ws.solveTranspose(x);
  }

  transposeProduct(out: Vec, v: Vec): void {
    const J = this.ws.J;
    const n = this.ctx.n;
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += J[i * n + j] * v[i];
      out[j] = acc;
    }
  }
}

class SparseTransposedStage implements TransposedStage {
  readonly kind = 'sparse';
  private readonly matrix: SparseStageMatrix;
  private readonly f0: Float64Array;
  private readonly y: Float64Array;
  private factored = Number.NaN;

  constructor(
    private readonly ctx: GradientContext,
    private readonly sctx: SolverContext,
  ) {
    const pattern = ctx.deriv.pattern!;
    this.matrix = new SparseStageMatrix(sctx, { pattern, sparseJacobian: ctx.problem.sparseJacobian });
    this.f0 = new Float64Array(ctx.n);
    this.y = new Float64Array(ctx.n);
  }

  load(t: number, y: Vec): void {
    this.y.set(y);
    // f(t, y): the coloured difference's base, and the analytic Jacobian's first check
    this.ctx.problem.rhs(t, this.y, this.ctx.p, this.f0);
    this.sctx.stats.rhsEvals++;
    this.matrix.evaluate(t, this.y, this.f0);
    this.factored = Number.NaN;
  }

  factor(hg: number): boolean {
    if (this.factored === hg) return true;
    if (!this.matrix.factor(-1, 1 / hg)) {
      this.factored = Number.NaN;
      return false;
    }
    this.factored = hg;
    return true;
  }

  solveTranspose(x: Float64Array): void {
    this.matrix.solveTranspose(x);
  }

  transposeProduct(out: Vec, v: Vec): void {
    const { rowPtr, colIdx } = this.ctx.deriv.pattern!;
    const vals = this.matrix.jac.values;
    out.fill(0);
    for (let i = 0; i < this.ctx.n; i++) {
      const vi = v[i];
      if (vi === 0) continue;
      for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) out[colIdx[q]] += vi * vals[q];
    }
  }
}
