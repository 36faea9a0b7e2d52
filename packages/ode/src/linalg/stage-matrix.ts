import { isOdeonError, OdeonError } from '../errors.ts';
import type { SolverContext } from '../internal/context.ts';
import { fdJacobian } from '../internal/jacobian.ts';
import { luFactor, luSolve, luSolveTranspose } from '../internal/lu.ts';
import type { SparseJacobianFunction, StagePreconditioner } from '../types.ts';
import { BandedLu } from './banded-lu.ts';
import { ColoredFdJacobian } from './fd-jacobian.ts';
import { GmresWorkspace, gmres, type Preconditioner } from './gmres.ts';
import { SparseLu } from './sparse-lu.ts';
import { type SparsityPattern, withDiagonal } from './sparsity.ts';

/**
 * The iteration matrix W = shift·I + scale·J of an implicit method (BDF: I − hγJ; Rosenbrock: I/(hγ) − J)
 * with J = ∂f/∂y: `evaluate` refreshes J at a point, `factor` forms and factorises W for new
 * coefficients (reusing J), `solve` / `solveTranspose` solve with W / Wᵀ in place. One implementation per
 * linear-algebra kind (dense, sparse, banded, matrix-free); all workspaces are allocated in the constructor.
 */
export interface StageMatrix {
  readonly kind: 'dense' | 'sparse' | 'banded' | 'krylov';
  /** J at (t, y) with f0 = f(t, y). */
  evaluate(t: number, y: Float64Array, f0: Float64Array): void;
  /** Forms and factorises W = shift·I + scale·J; false when W is singular (see `singularError`). */
  factor(scale: number, shift: number): boolean;
  /** x ← W⁻¹ x. */
  solve(x: Float64Array): Float64Array;
  /** x ← W⁻ᵀ x. */
  solveTranspose(x: Float64Array): Float64Array;
  /** The error of the last failed `factor` (row/column where known). */
  singularError(t: number, dt: number): OdeonError;
  /** Flops of one factorisation per stored entry of J, when known (steppers weigh J refreshes by it). */
  readonly factorCost?: number;
}

/** Dense W (row-major n×n) with partial pivoting; J from `ctx.jacobian` or forward differences. */
export class DenseStageMatrix implements StageMatrix {
  readonly kind = 'dense';
  private readonly J: Float64Array;
  private readonly W: Float64Array;
  private readonly piv: Int32Array;
  private readonly cols: Int32Array;
  private readonly ytmp: Float64Array;
  private readonly ftmp: Float64Array;

  constructor(private readonly ctx: SolverContext) {
    const n = ctx.n;
    this.J = new Float64Array(n * n);
    this.W = new Float64Array(n * n);
    this.piv = new Int32Array(n);
    this.cols = new Int32Array(n);
    this.ytmp = new Float64Array(n);
    this.ftmp = new Float64Array(n);
  }

  evaluate(t: number, y: Float64Array, f0: Float64Array): void {
    const ctx = this.ctx;
    if (ctx.jacobian !== undefined) ctx.jacobian(t, y, ctx.p, this.J);
    else fdJacobian(this.J, ctx, t, y, f0, this.ytmp, this.ftmp);
    ctx.stats.jacobianEvals++;
  }

  factor(scale: number, shift: number): boolean {
    const { J, W } = this;
    const n = this.ctx.n;
    for (let k = 0; k < n * n; k++) W[k] = scale * J[k];
    for (let i = 0; i < n; i++) W[i * n + i] += shift;
    this.ctx.stats.luFactorizations++;
    return luFactor(W, this.piv, n, this.cols) !== null;
  }

  solve(x: Float64Array): Float64Array {
    this.ctx.stats.linearSolves++;
    return luSolve(x, this.W, this.piv, this.ctx.n);
  }

  solveTranspose(x: Float64Array): Float64Array {
    this.ctx.stats.linearSolves++;
    return luSolveTranspose(x, this.W, this.piv, this.ctx.n);
  }

  singularError(t: number, dt: number): OdeonError {
    return new OdeonError('SingularMatrix', `The iteration matrix is singular at t = ${t}.`, {
      t,
      dt,
      hint: 'Check the Jacobian (NaN or infinite entries?) or try an explicit method for this problem.',
    });
  }
}

/** Where ∂f/∂y comes from for the sparse kinds. */
interface SparseSource {
  readonly pattern: SparsityPattern;
  readonly sparseJacobian: SparseJacobianFunction | undefined;
}

/**
 * Evaluates the CSR values of J (analytic `sparseJacobian`, or a coloured difference Jacobian) and, on
 * the first analytic evaluation, checks them against one coloured difference per colour, so that a
 * Jacobian that misses entries of its pattern or writes wrong positions is a typed error (with the row
 * and, when it is determined, the column) instead of a slow or wrong solve.
 */
class SparseJacobianValues {
  readonly values: Float64Array;
  readonly fd: ColoredFdJacobian;
  private checked = false;
  private readonly floor: Float64Array;

  constructor(
    private readonly ctx: SolverContext,
    readonly source: SparseSource,
  ) {
    const { pattern } = source;
    this.values = new Float64Array(pattern.rowPtr[pattern.n]);
    this.fd = new ColoredFdJacobian(pattern);
    this.floor = new Float64Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) this.floor[i] = ctx.atol[i] / ctx.rtol;
  }

  evaluate(t: number, y: Float64Array, f0: Float64Array): void {
    const ctx = this.ctx;
    const jac = this.source.sparseJacobian;
    if (jac === undefined) {
      ctx.stats.rhsEvals += this.fd.evaluate(this.values, ctx.rhs, t, y, ctx.p, f0, this.floor);
    } else {
      jac(t, y, ctx.p, this.values);
      if (!this.checked) {
        this.checked = true;
        this.check(t, y, f0);
      }
    }
    ctx.stats.jacobianEvals++;
  }

  private check(t: number, y: Float64Array, f0: Float64Array): void {
    const { pattern } = this.source;
    const { n, rowPtr, colIdx } = pattern;
    const vals = this.values;
    for (let i = 0; i < n; i++)
      for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++)
        if (!Number.isFinite(vals[q]))
          throw new OdeonError(
            'InvalidProblem',
            `sparseJacobian wrote a non-finite value at (${i}, ${colIdx[q]}) at t = ${t}.`,
            {
              row: i,
              column: colIdx[q],
              t,
              hint: 'Check the Jacobian formulas and the initial values.',
            },
          );
    const fdVals = new Float64Array(vals.length);
    const { coloring } = this.fd;
    // per colour: the difference of f against the analytic prediction, row by row
    const ytmp = Float64Array.from(y);
    const f1 = new Float64Array(n);
    const delta = new Float64Array(n);
    const pred = new Float64Array(n);
    const mag = new Float64Array(n);
    const SQRT_EPS = Math.sqrt(Number.EPSILON);
    for (let c = 0; c < coloring.colors; c++) {
      ytmp.set(y);
      delta.fill(0);
      for (let k = coloring.start[c]; k < coloring.start[c + 1]; k++) {
        const j = coloring.columns[k];
        const s = Math.max(Math.abs(y[j]), this.floor[j], 1e-10);
        ytmp[j] = y[j] + SQRT_EPS * s;
        delta[j] = ytmp[j] - y[j];
      }
      this.ctx.rhs(t, ytmp, this.ctx.p, f1);
      this.ctx.stats.rhsEvals++;
      for (let i = 0; i < n; i++) {
        let s = 0;
        let m = Math.abs(f0[i]);
        for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) {
          const j = colIdx[q];
          s += vals[q] * delta[j];
          m += Math.abs(vals[q] * y[j]);
        }
        pred[i] = s;
        mag[i] = m;
      }
      for (let i = 0; i < n; i++) {
        const df = f1[i] - f0[i];
        const tol = 0.1 * Math.max(Math.abs(df), Math.abs(pred[i])) + 1e4 * Number.EPSILON * mag[i];
        if (Math.abs(df - pred[i]) <= tol) continue;
        // the columns of colour c that row i depends on according to f but not to the pattern
        const cand: number[] = [];
        for (let k = coloring.start[c]; k < coloring.start[c + 1]; k++) {
          const j = coloring.columns[k];
          let inRow = false;
          for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) if (colIdx[q] === j) inRow = true;
          if (!inRow) cand.push(j);
        }
        // locate the column: perturb the columns of colour c one at a time (error path only)
        let column: number | undefined;
        for (let k = coloring.start[c]; k < coloring.start[c + 1] && column === undefined; k++) {
          const j = coloring.columns[k];
          ytmp.set(y);
          ytmp[j] = y[j] + delta[j];
          this.ctx.rhs(t, ytmp, this.ctx.p, f1);
          const dfj = f1[i] - f0[i];
          let a = 0;
          for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) if (colIdx[q] === j) a = vals[q] * delta[j];
          if (Math.abs(dfj - a) > 0.1 * Math.max(Math.abs(dfj), Math.abs(a)) + 1e4 * Number.EPSILON * mag[i])
            column = j;
        }
        void cand;
        throw new OdeonError(
          'InvalidProblem',
          `sparseJacobian disagrees with a finite difference of the right-hand side in row ${i}${column === undefined ? '' : `, column ${column}`} at t = ${t} (difference ${df.toPrecision(4)}, Jacobian predicts ${pred[i].toPrecision(4)}).`,
          {
            row: i,
            ...(column === undefined ? {} : { column }),
            t,
            hint: 'An entry of the pattern is missing, or the Jacobian writes a wrong value or position: check jacobianSparsity and sparseJacobian (or drop sparseJacobian to use coloured differences).',
          },
        );
      }
    }
    void fdVals;
  }
}

/** Sparse W on J's pattern plus the diagonal, factorised by `SparseLu` (refactorised when possible). */
export class SparseStageMatrix implements StageMatrix {
  readonly kind = 'sparse';
  readonly jac: SparseJacobianValues;
  private readonly wValues: Float64Array;
  private readonly map: Int32Array;
  private readonly diag: Int32Array;
  private readonly lu: SparseLu;
  private lastError: OdeonError<'SingularMatrix'> | undefined;

  constructor(
    private readonly ctx: SolverContext,
    source: SparseSource,
  ) {
    this.jac = new SparseJacobianValues(ctx, source);
    const w = withDiagonal(source.pattern);
    this.map = w.map;
    this.diag = w.diag;
    this.wValues = new Float64Array(w.pattern.rowPtr[ctx.n]);
    // the CSR arrays of W are the CSC arrays of Wᵀ: the LU factorises Wᵀ
    this.lu = new SparseLu(w.pattern);
  }

  /** Stored entries of the current factors. */
  get factorNnz(): number {
    return this.lu.factorNnz;
  }

  get factorCost(): number {
    return this.lu.flops / Math.max(1, this.jac.values.length);
  }

  evaluate(t: number, y: Float64Array, f0: Float64Array): void {
    this.jac.evaluate(t, y, f0);
  }

  factor(scale: number, shift: number): boolean {
    const { wValues, map, diag } = this;
    const J = this.jac.values;
    const n = this.ctx.n;
    wValues.fill(0);
    for (let q = 0; q < J.length; q++) wValues[map[q]] = scale * J[q];
    for (let i = 0; i < n; i++) wValues[diag[i]] += shift;
    this.ctx.stats.luFactorizations++;
    if (this.lu.refactor(wValues)) return true;
    try {
      this.lu.factor(wValues);
      return true;
    } catch (e) {
      this.lastError = singularOrRethrow(e);
      return false;
    }
  }

  solve(x: Float64Array): Float64Array {
    this.ctx.stats.linearSolves++;
    return this.lu.solveTranspose(x);
  }

  solveTranspose(x: Float64Array): Float64Array {
    this.ctx.stats.linearSolves++;
    return this.lu.solve(x);
  }

  singularError(t: number, dt: number): OdeonError {
    const c = this.lastError?.context;
    // the LU factorises Wᵀ: its column is a row of W
    const row = typeof c?.column === 'number' ? c.column : undefined;
    return new OdeonError(
      'SingularMatrix',
      `The sparse iteration matrix is singular at t = ${t}${row === undefined ? '' : ` (no usable pivot for row ${row})`}.`,
      {
        t,
        dt,
        ...(row === undefined ? {} : { row }),
        hint: 'Check the Jacobian and its sparsity pattern near this row (NaN, or an entry missing from the pattern).',
      },
    );
  }
}

/** Banded W for a pattern inside the band (ml below, mu above the diagonal), `BandedLu` with pivoting. */
export class BandedStageMatrix implements StageMatrix {
  readonly kind = 'banded';
  readonly jac: SparseJacobianValues;
  readonly band: BandedLu;
  private lastError: OdeonError<'SingularMatrix'> | undefined;

  constructor(
    private readonly ctx: SolverContext,
    source: SparseSource,
  ) {
    this.jac = new SparseJacobianValues(ctx, source);
    const { ml, mu } = bandwidths(source.pattern);
    this.band = new BandedLu(ctx.n, ml, mu);
  }

  get factorCost(): number {
    const { ml, mu } = this.band;
    return (2 * ml * (ml + mu + 1) * this.ctx.n) / Math.max(1, this.jac.values.length);
  }

  evaluate(t: number, y: Float64Array, f0: Float64Array): void {
    this.jac.evaluate(t, y, f0);
  }

  factor(scale: number, shift: number): boolean {
    const { band } = this;
    const { rowPtr, colIdx } = this.jac.source.pattern;
    const J = this.jac.values;
    band.clear();
    const n = this.ctx.n;
    for (let i = 0; i < n; i++) {
      for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) band.set(i, colIdx[q], scale * J[q]);
      band.ab[i * band.width + band.ml] += shift;
    }
    this.ctx.stats.luFactorizations++;
    try {
      band.factor();
      return true;
    } catch (e) {
      this.lastError = singularOrRethrow(e);
      return false;
    }
  }

  solve(x: Float64Array): Float64Array {
    this.ctx.stats.linearSolves++;
    return this.band.solve(x);
  }

  solveTranspose(x: Float64Array): Float64Array {
    this.ctx.stats.linearSolves++;
    return this.band.solveTranspose(x);
  }

  singularError(t: number, dt: number): OdeonError {
    const column = this.lastError?.context.column;
    return new OdeonError('SingularMatrix', `The band iteration matrix is singular at t = ${t}.`, {
      t,
      dt,
      ...(typeof column === 'number' ? { column } : {}),
      hint: 'Check the Jacobian (NaN or infinite entries?) near this column.',
    });
  }
}

/** A factorisation's `SingularMatrix` error, kept for `singularError`; any other error is rethrown. */
function singularOrRethrow(e: unknown): OdeonError<'SingularMatrix'> {
  if (isOdeonError(e, 'SingularMatrix')) return e;
  throw e;
}

/** Lower and upper bandwidths of a pattern. */
export function bandwidths(p: SparsityPattern): { ml: number; mu: number } {
  let ml = 0;
  let mu = 0;
  for (let i = 0; i < p.n; i++)
    for (let q = p.rowPtr[i]; q < p.rowPtr[i + 1]; q++) {
      const d = p.colIdx[q] - i;
      if (d > mu) mu = d;
      if (-d > ml) ml = -d;
    }
  return { ml, mu };
}

/**
 * Matrix-free W: GMRES on (shift·I + scale·J) x = b with J·v from `ctx.jvp` or a forward difference
 * f(y + εv) − f(y), and an optional preconditioner. `factor` only records the coefficients. `solve` stops
 * at a relative residual of `tol` (inexact Newton); the transposed solve is not available matrix-free.
 */
export class KrylovStageMatrix implements StageMatrix {
  readonly kind = 'krylov';
  private readonly ws: GmresWorkspace;
  private readonly b: Float64Array;
  private readonly ytmp: Float64Array;
  private readonly ftmp: Float64Array;
  private readonly yJ: Float64Array;
  private readonly fJ: Float64Array;
  private tJ = 0;
  private scale = 1;
  private shift = 1;
  private readonly matvec: (out: Float64Array, v: Float64Array) => void;
  private readonly pre: Preconditioner | undefined;
  /** Krylov iterations so far. */
  iterations = 0;
  failures = 0;

  constructor(
    private readonly ctx: SolverContext,
    precondition: StagePreconditioner | undefined,
    private readonly tol = 0.05,
    restart = 30,
  ) {
    const n = ctx.n;
    this.ws = new GmresWorkspace(n, restart);
    this.b = new Float64Array(n);
    this.ytmp = new Float64Array(n);
    this.ftmp = new Float64Array(n);
    this.yJ = new Float64Array(n);
    this.fJ = new Float64Array(n);
    this.matvec = (out, v) => {
      this.jv(out, v);
      const { scale, shift } = this;
      for (let i = 0; i < n; i++) out[i] = shift * v[i] + scale * out[i];
    };
    this.pre =
      precondition === undefined
        ? undefined
        : (out, v) => precondition(out, v, this.tJ, this.yJ, this.scale, this.shift);
  }

  private jv(out: Float64Array, v: Float64Array): void {
    const ctx = this.ctx;
    if (ctx.jvp !== undefined) {
      ctx.jvp(this.tJ, this.yJ, ctx.p, v, out);
      return;
    }
    const n = ctx.n;
    let vn = 0;
    let yn = 0;
    for (let i = 0; i < n; i++) {
      vn += v[i] * v[i];
      yn += this.yJ[i] * this.yJ[i];
    }
    vn = Math.sqrt(vn);
    if (vn === 0) {
      out.fill(0);
      return;
    }
    const eps = (Math.sqrt(Number.EPSILON) * (1 + Math.sqrt(yn))) / vn;
    for (let i = 0; i < n; i++) this.ytmp[i] = this.yJ[i] + eps * v[i];
    ctx.rhs(this.tJ, this.ytmp, ctx.p, this.ftmp);
    ctx.stats.rhsEvals++;
    for (let i = 0; i < n; i++) out[i] = (this.ftmp[i] - this.fJ[i]) / eps;
  }

  evaluate(t: number, y: Float64Array, f0: Float64Array): void {
    this.tJ = t;
    this.yJ.set(y);
    this.fJ.set(f0);
    this.ctx.stats.jacobianEvals++;
  }

  factor(scale: number, shift: number): boolean {
    this.scale = scale;
    this.shift = shift;
    return true;
  }

  solve(x: Float64Array): Float64Array {
    this.ctx.stats.linearSolves++;
    this.b.set(x);
    x.fill(0);
    const r = gmres(x, this.matvec, this.b, this.ws, {
      tol: this.tol,
      maxIter: 5 * this.ws.m,
      ...(this.pre === undefined ? {} : { precondition: this.pre }),
    });
    this.iterations += r.iterations;
    if (!r.converged) this.failures++;
    return x;
  }

  solveTranspose(_x: Float64Array): Float64Array {
    throw new OdeonError('InvalidOption', 'The matrix-free (GMRES) linear solver has no transposed solve.', {
      option: 'linearSolver',
      value: 'gmres',
      hint: 'Use linearSolver "sparse" (or "auto") for adjoint gradients.',
    });
  }

  singularError(t: number, dt: number): OdeonError {
    return new OdeonError('SingularMatrix', `GMRES could not solve the iteration system at t = ${t}.`, {
      t,
      dt,
      hint: 'Supply a preconditioner, or use linearSolver "sparse".',
    });
  }
}
