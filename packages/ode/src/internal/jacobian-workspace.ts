import type { SolverContext } from './context.ts';
import { fdJacobian, fdTimeDerivative } from './jacobian.ts';
import {
  LuCompressed,
  luCompress,
  luFactor,
  luSolve,
  luSolveSparse,
  luSolveTranspose,
  minimumDegreeOrder,
  SparseLu,
} from './lu.ts';

/** Fill fraction of J's pattern above which W is treated as dense (no ordering, no sparse factors). */
const SPARSE_MAX_PATTERN_DENSITY = 0.5;
/** Off-diagonal fill fraction of the ordered factors below which the sparse factorisation is used. */
const SPARSE_MAX_FILL = 0.6;
/** Below this size W is always factorised densely (ROBER, n = 3: nothing to gain). */
const SPARSE_MIN_N = 4;

/**
 * Shared Jacobian / LU machinery of the stiff steppers: J from `problem.jacobian` or forward
 * differences, ∂f/∂t by forward difference, W = I/(h·γ) − J factorised in place. J is evaluated once per
 * accepted point and reused after a rejection (only W is refactorised for the new h).
 *
 * Sparse Jacobians (reaction networks): the union of J's nonzero patterns seen so far picks a
 * minimum-degree order and a symbolic factorisation (`SparseLu`, redone only when the pattern grows); W
 * is then factorised and solved on the nonzeros of its factors. When that would need a row exchange
 * (large steps), W is factorised densely with partial pivoting instead and solved with its compressed
 * factors. All workspaces are allocated here.
 */
export class JacobianWorkspace {
  readonly J: Float64Array;
  readonly W: Float64Array;
  readonly piv: Int32Array;
  readonly dT: Float64Array;
  private readonly cols: Int32Array;
  /** J and dT are valid at the current point. */
  fresh = false;
  /** h·γ of the current factorisation (NaN when none). */
  factoredHg = Number.NaN;
  /** True when W is I − hγJ (Rosenbrock23) rather than I/(hγ) − J. */
  private readonly scaledIdentity: boolean;
  private readonly ytmp: Float64Array;
  private readonly ftmp: Float64Array;
  private readonly ctx: SolverContext;
  /** Union of the nonzero patterns of J so far (row-major n×n). */
  private readonly pattern: Uint8Array;
  private patternNnz = 0;
  /** The pattern is sparse enough for `sparse` (analysed for the current pattern). */
  private sparsePattern = false;
  private readonly sparse: SparseLu;
  private readonly order: Int32Array;
  private readonly orderAdj: Uint8Array;
  private readonly orderDone: Uint8Array;
  /** 0: dense factors in W; 1: sparse factors in `sparse`; 2: dense factors, solved compressed. */
  private mode = 0;
  private readonly compressed: LuCompressed;

  constructor(ctx: SolverContext, scaledIdentity = false) {
    const n = ctx.n;
    this.ctx = ctx;
    this.J = new Float64Array(n * n);
    this.W = new Float64Array(n * n);
    this.piv = new Int32Array(n);
    this.cols = new Int32Array(n);
    this.dT = new Float64Array(n);
    this.ytmp = new Float64Array(n);
    this.ftmp = new Float64Array(n);
    this.scaledIdentity = scaledIdentity;
    this.pattern = new Uint8Array(n * n);
    this.sparse = new SparseLu(n);
    this.order = new Int32Array(n);
    this.orderAdj = new Uint8Array(n * n);
    this.orderDone = new Uint8Array(n);
    this.compressed = new LuCompressed(n);
  }

  /** Evaluates J and ∂f/∂t at (t, y) with f0 = f(t, y). */
  evaluate(t: number, y: Float64Array, f0: Float64Array, h: number): void {
    this.evaluateJacobian(t, y, f0);
    const ctx = this.ctx;
    if (ctx.tgrad !== undefined) ctx.tgrad(t, y, ctx.p, this.dT);
    else fdTimeDerivative(this.dT, ctx, t, y, f0, h);
  }

  /** Evaluates J only at (t, y) with f0 = f(t, y) (used by a finite-difference J). */
  evaluateJacobian(t: number, y: Float64Array, f0: Float64Array): void {
    const ctx = this.ctx;
    if (ctx.jacobian !== undefined) {
      ctx.jacobian(t, y, ctx.p, this.J);
    } else {
      fdJacobian(this.J, ctx, t, y, f0, this.ytmp, this.ftmp);
    }
    ctx.stats.jacobianEvals++;
    this.fresh = true;
    this.factoredHg = Number.NaN;
    this.updatePattern();
  }

  /**
   * Marks `J`, written by the caller (the gradient code evaluates it through its own derivative
   * sources), as the current Jacobian: updates the sparsity pattern as `evaluate` does. `dT` is left alone.
   */
  loadJacobian(): void {
    this.fresh = true;
    this.factoredHg = Number.NaN;
    this.updatePattern();
  }

  /** Grows the pattern union with J's nonzeros; re-orders and re-analyses when it grew. */
  private updatePattern(): void {
    const n = this.ctx.n;
    const { J, pattern } = this;
    const nn = n * n;
    if (this.patternNnz > SPARSE_MAX_PATTERN_DENSITY * nn) return;
    let added = 0;
    for (let i = 0; i < nn; i++) {
      if (pattern[i] === 0 && J[i] !== 0) {
        pattern[i] = 1;
        added++;
      }
    }
    if (added === 0) return;
    this.patternNnz += added;
    this.sparsePattern = false;
    if (n < SPARSE_MIN_N || this.patternNnz > SPARSE_MAX_PATTERN_DENSITY * nn) return;
    minimumDegreeOrder(this.order, pattern, n, this.orderAdj, this.orderDone);
    this.sparsePattern = this.sparse.analyse(pattern, this.order) - n < SPARSE_MAX_FILL * (nn - n);
  }

  /** Forms and factorises W for h·γ = hg; returns false when W is singular. */
  factor(hg: number): boolean {
    const n = this.ctx.n;
    const { J, W } = this;
    const nn = n * n;
    const scale = this.scaledIdentity ? -hg : -1;
    const shift = this.scaledIdentity ? 1 : 1 / hg;
    this.ctx.stats.luFactorizations++;
    this.factoredHg = hg;
    if (this.sparsePattern && this.sparse.factor(J, scale, shift)) {
      this.mode = 1;
      return true;
    }
    for (let i = 0; i < nn; i++) W[i] = scale * J[i];
    for (let i = 0; i < n; i++) W[i * n + i] += shift;
    if (luFactor(W, this.piv, n, this.cols) === null) return false;
    this.mode = 0;
    if (this.sparsePattern && luCompress(this.compressed, W, n).nnz < SPARSE_MAX_FILL * (nn - n))
      this.mode = 2;
    return true;
  }

  /** Solves W x = b in place. */
  solve(x: Float64Array): Float64Array {
    this.ctx.stats.linearSolves++;
    const mode = this.mode;
    if (mode === 1) return this.sparse.solve(x);
    if (mode === 2) return luSolveSparse(x, this.compressed, this.piv, this.ctx.n);
    return luSolve(x, this.W, this.piv, this.ctx.n);
  }

  /** Solves Wᵀ x = b in place with the current factors (the discrete adjoint's transposed stage solves). */
  solveTranspose(x: Float64Array): Float64Array {
    this.ctx.stats.linearSolves++;
    if (this.mode === 1) return this.sparse.solveTranspose(x);
    // modes 0 and 2 keep the dense factors in W
    return luSolveTranspose(x, this.W, this.piv, this.ctx.n);
  }

  /** ‖J‖_∞ (a cheap upper bound of the spectral radius, for stiffness switching). */
  normInf(): number {
    const n = this.ctx.n;
    let max = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.abs(this.J[i * n + j]);
      if (s > max) max = s;
    }
    return max;
  }
}
