import { OdeonError } from '../errors.ts';
import type { SolverContext } from '../internal/context.ts';
import { detectPattern } from './detect-pattern.ts';
import type { SparsityPattern } from './sparsity.ts';
import {
  BandedStageMatrix,
  bandwidths,
  DenseStageMatrix,
  KrylovStageMatrix,
  SparseStageMatrix,
  type StageMatrix,
} from './stage-matrix.ts';

/** From this size on, `auto` looks for sparsity (probing the RHS when no pattern is given). */
export const SPARSE_MIN_N = 100;
/** A detected pattern denser than this fraction of n² is factorised densely. */
const SPARSE_MAX_DENSITY = 0.1;
/** Dense n×n matrices beyond this size are refused (8 GB at n = 32 768). */
const DENSE_MAX_N = 8192;

/**
 * Chooses the iteration-matrix implementation of an implicit method from `ctx.linearSolver`:
 * `auto` = sparse LU when the problem gives a pattern, or when n ≥ `SPARSE_MIN_N`, there is no dense
 * Jacobian and the probed pattern is sparse; dense otherwise. `banded` needs a pattern (given or
 * probed); `gmres` is matrix-free. No n×n array is allocated on the sparse, banded and gmres paths.
 */
export function createStageMatrix(ctx: SolverContext, y0: Float64Array): StageMatrix {
  const kind = ctx.linearSolver ?? 'auto';
  const n = ctx.n;
  if (kind === 'gmres') return new KrylovStageMatrix(ctx, ctx.preconditioner);
  const patternOf = (): SparsityPattern => ctx.sparsity ?? detectPattern(ctx.rhs, ctx.t0 ?? 0, y0, ctx.p);
  const source = () => ({
    pattern: patternOf(),
    sparseJacobian: ctx.sparsity === undefined ? undefined : ctx.sparseJacobian,
  });
  switch (kind) {
    case 'sparse':
      return new SparseStageMatrix(ctx, source());
    case 'banded': {
      const s = source();
      const { ml, mu } = bandwidths(s.pattern);
      if (ml + mu + 1 > Math.max(64, n / 4))
        throw new OdeonError(
          'InvalidOption',
          `The Jacobian is not banded (ml = ${ml}, mu = ${mu} for n = ${n}).`,
          {
            option: 'linearSolver',
            value: 'banded',
            hint: 'Use linearSolver "sparse" (or "auto").',
          },
        );
      return new BandedStageMatrix(ctx, s);
    }
    case 'dense':
      return dense(ctx);
    case 'auto': {
      if (ctx.sparsity !== undefined) return new SparseStageMatrix(ctx, source());
      if (n < SPARSE_MIN_N || ctx.jacobian !== undefined) return dense(ctx);
      const pattern = patternOf();
      if (pattern.rowPtr[n] > SPARSE_MAX_DENSITY * n * n) return dense(ctx);
      return new SparseStageMatrix(ctx, { pattern, sparseJacobian: undefined });
    }
  }
}

function dense(ctx: SolverContext): StageMatrix {
  if (ctx.n > DENSE_MAX_N)
    throw new OdeonError('InvalidOption', `A dense ${ctx.n}×${ctx.n} iteration matrix is too large.`, {
      option: 'linearSolver',
      value: 'dense',
      hint: 'Give the problem a jacobianSparsity (or use linearSolver "sparse" / "gmres").',
    });
  return new DenseStageMatrix(ctx);
}
