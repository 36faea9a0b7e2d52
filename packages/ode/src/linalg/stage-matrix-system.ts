import type { OdeonError } from '../errors.ts';
import type { SolverContext } from '../internal/context.ts';
import { ProblemSystem } from '../internal/problem-system.ts';
import type { StageMatrixSystem } from '../internal/system.ts';
import { createStageMatrix, SPARSE_MIN_N } from './select-stage-matrix.ts';
import type { StageMatrix } from './stage-matrix.ts';

/**
 * A plain problem as a `StageMatrixSystem` whose W = I/(hγ) − J lives in one of the `StageMatrix`
 * kinds (sparse LU, banded, GMRES): what the Rosenbrock and BDF steppers advance when the problem is
 * large or sparse. J is kept until `invalidate`; W is refactorised when 1/(hγ) changes.
 */
export class MatrixProblemSystem implements StageMatrixSystem {
  readonly size: number;
  readonly errSize: number;
  readonly matrix: StageMatrix;
  private readonly ctx: SolverContext;
  private readonly f0: Float64Array;
  private fresh = false;
  private factored = Number.NaN;
  readonly tgrad?: (t: number, y: Float64Array, out: Float64Array) => void;

  constructor(ctx: SolverContext, matrix: StageMatrix) {
    this.ctx = ctx;
    this.matrix = matrix;
    this.size = ctx.n;
    this.errSize = ctx.n;
    this.f0 = new Float64Array(ctx.n);
    const { tgrad } = ctx;
    if (tgrad !== undefined) this.tgrad = (t, y, out) => tgrad(t, y, ctx.p, out);
  }

  rhs(t: number, y: Float64Array, out: Float64Array): void {
    this.ctx.rhs(t, y, this.ctx.p, out);
    this.ctx.stats.rhsEvals++;
  }

  prepare(t: number, y: Float64Array, invHGamma: number, f0?: Float64Array): boolean {
    if (!this.fresh) {
      let f = f0;
      if (f === undefined) {
        f = this.f0;
        this.rhs(t, y, f);
      }
      this.matrix.evaluate(t, y, f);
      this.fresh = true;
      this.factored = Number.NaN;
    }
    if (this.factored === invHGamma) return true;
    if (!this.matrix.factor(-1, invHGamma)) {
      this.factored = Number.NaN;
      return false;
    }
    this.factored = invHGamma;
    return true;
  }

  solve(x: Float64Array): void {
    this.matrix.solve(x);
  }

  solveTranspose(x: Float64Array): void {
    this.matrix.solveTranspose(x);
  }

  invalidate(): void {
    this.fresh = false;
  }

  /** Flops of one factorisation per stored entry of J (0 when unknown or matrix-free). */
  get factorCost(): number {
    return this.matrix.factorCost ?? 0;
  }

  /** The typed error of the last singular `prepare` (with the row where known). */
  singularError(t: number, dt: number): OdeonError {
    return this.matrix.singularError(t, dt);
  }
}

/**
 * The system of an implicit method for `ctx`: `ProblemSystem` (dense W, found sparse for small reaction
 * networks) for small problems without a pattern under `linearSolver: 'auto'`, else a
 * `MatrixProblemSystem` over `createStageMatrix`.
 */
export function createProblemSystem(ctx: SolverContext): StageMatrixSystem {
  const kind = ctx.linearSolver ?? 'auto';
  if (
    kind === 'dense' ||
    (kind === 'auto' && ctx.sparsity === undefined && (ctx.n < SPARSE_MIN_N || ctx.jacobian !== undefined))
  )
    return new ProblemSystem(ctx);
  const m = createStageMatrix(ctx, ctx.y0 ?? new Float64Array(ctx.n));
  return m.kind === 'dense' ? new ProblemSystem(ctx) : new MatrixProblemSystem(ctx, m);
}
