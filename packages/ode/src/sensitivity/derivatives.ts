/**
 * Resolves the derivatives the gradient methods need (∂f/∂y, ∂f/∂p, vᵀ∂f/∂y, vᵀ∂f/∂p) from what the
 * problem supplies, with documented finite-difference fallbacks:
 *
 * - `jacobian`: the problem's `jacobian`; else n calls of its `vjp` (rows eᵢᵀ∂f/∂y); else central
 *   differences of `rhs`, column j stepped by h = ε^(1/3)·max(|y_j|, 1) (2n right-hand sides).
 * - `paramJacobian`: the problem's `paramJacobian`; else n `vjp` calls; else central differences
 *   in p, h = ε^(1/3)·|p_j| (ε^(1/3) if p_j = 0) (2·np right-hand sides).
 * - `vjp`: the problem's `vjp`; else Jᵀv and Jpᵀv from the two Jacobians above.
 * - `vjpState` (vᵀ∂f/∂y only, the adjoint's stage right-hand sides): the problem's `vjpY`; else Jᵀv
 *   from its `jacobian` when n ≤ 8; else its `vjp` (discarding the parameter part); else Jᵀv from the
 *   Jacobian above.
 *
 * For a problem with `jacobianSparsity`, ∂f/∂y is kept in CSR (its `sparseJacobian`, else a coloured
 * forward difference, one RHS per colour) and Jᵀv is a CSR product: no n×n array is allocated unless a
 * caller asks for the dense `jacobian` (refused above `SPARSE_DENSE_MAX_N` states).
 *
 * Which source each one used, and how many extra right-hand sides the fallbacks cost, is reported
 * in `GradientStats.derivatives`.
 */
import { OdeonError } from '../errors.ts';
import { ColoredFdJacobian } from '../linalg/fd-jacobian.ts';
import { type SparsityPattern, validatePattern } from '../linalg/sparsity.ts';
import type { OdeProblem, Vec } from '../types.ts';

/** Where a derivative used by `gradient` came from: the problem's analytic callback, its `vjp`, its `jacobian`, or finite differences of `rhs`. */
export type DerivativeSource = 'analytic' | 'vjp' | 'jacobian' | 'finite-difference';

/** How `gradient` obtained each derivative it needed and what the finite-difference fallbacks cost (reported in `stats.derivatives`). */
export interface DerivativeReport {
  readonly jacobian: DerivativeSource;
  readonly paramJacobian: DerivativeSource;
  readonly vjp: DerivativeSource;
  /** Right-hand-side evaluations spent on finite differences. */
  fdRhsEvals: number;
  jacobianEvals: number;
  paramJacobianEvals: number;
  vjpEvals: number;
}

const CBRT_EPS = 6.055454452393343e-6;
/** Up to this many states, `vjpState` prefers Jᵀv from an analytic Jacobian over the problem's `vjp`. */
const SMALL_N = 8;
/** A sparse problem's dense ∂f/∂y (forward sensitivities) is refused above this size. */
export const SPARSE_DENSE_MAX_N = 1024;

export class Derivatives {
  readonly n: number;
  readonly np: number;
  readonly report: DerivativeReport;
  private readonly problem: OdeProblem;
  private readonly p: Vec;
  private readonly yp: Vec;
  private readonly pp: Vec;
  private readonly fa: Vec;
  private readonly fb: Vec;
  private readonly e: Vec;
  private readonly tmpY: Vec;
  private readonly tmpP: Vec;
  private denseJ: Vec | undefined;
  private readonly Jp: Vec;
  /** ∂f/∂y's CSR pattern when the problem gives one (validated). */
  readonly pattern: SparsityPattern | undefined;
  /** CSR values of ∂f/∂y at the last `sparseJacobian` call. */
  private readonly values: Float64Array;
  private readonly fd: ColoredFdJacobian | undefined;
  private readonly floor: Float64Array;

  constructor(problem: OdeProblem, p: Vec, n: number) {
    this.problem = problem;
    this.p = p;
    this.n = n;
    this.np = p.length;
    const np = p.length;
    this.report = {
      jacobian: problem.jacobian ? 'analytic' : problem.vjp ? 'vjp' : 'finite-difference',
      paramJacobian: problem.paramJacobian ? 'analytic' : problem.vjp ? 'vjp' : 'finite-difference',
      vjp: problem.vjp
        ? 'analytic'
        : problem.jacobian || problem.paramJacobian
          ? 'jacobian'
          : 'finite-difference',
      fdRhsEvals: 0,
      jacobianEvals: 0,
      paramJacobianEvals: 0,
      vjpEvals: 0,
    };
    this.yp = new Float64Array(n);
    this.pp = new Float64Array(np);
    this.fa = new Float64Array(n);
    this.fb = new Float64Array(n);
    this.e = new Float64Array(n);
    this.tmpY = new Float64Array(n);
    this.tmpP = new Float64Array(np);
    this.Jp = new Float64Array(n * np);
    this.pattern =
      problem.jacobianSparsity === undefined ? undefined : validatePattern(problem.jacobianSparsity, n);
    const sparse = this.pattern !== undefined;
    this.values = new Float64Array(sparse ? this.pattern!.rowPtr[n] : 0);
    this.fd =
      sparse && problem.sparseJacobian === undefined ? new ColoredFdJacobian(this.pattern!) : undefined;
    // the coloured difference's increment scale floor: 1, as the dense differences' max(|y_j|, 1)
    this.floor = new Float64Array(sparse ? n : 0).fill(1);
    if (sparse && !problem.jacobian && !problem.vjp) {
      this.report = {
        ...this.report,
        jacobian: problem.sparseJacobian ? 'analytic' : 'finite-difference',
        vjp: problem.vjp ? 'analytic' : 'jacobian',
      };
    }
  }

  /**
   * Refuses a method that works on dense n×n blocks (`kind`: forward sensitivities) for a
   * sparse problem above `SPARSE_DENSE_MAX_N` states, before it allocates them.
   */
  requireDense(kind: string): void {
    const n = this.n;
    if (this.pattern !== undefined && n > SPARSE_DENSE_MAX_N && !this.problem.jacobian)
      throw new OdeonError(
        'InvalidOption',
        `Sensitivity kind '${kind}' works on dense ${n}×${n} blocks (forward sensitivities carry ∂y/∂y0: n + np columns of n); this problem is sparse (jacobianSparsity) with more than ${SPARSE_DENSE_MAX_N} states.`,
        {
          option: 'sensitivity.kind',
          value: kind,
          hint: "Use sensitivity kind 'quadrature', 'interpolating', 'discrete' or 'backsolve': they work on the sparse Jacobian.",
        },
      );
  }

  /** The dense n×n ∂f/∂y buffer, allocated on first use (never for the sparse paths). */
  private get J(): Vec {
    if (this.denseJ === undefined) {
      this.requireDense('dense Jacobian');
      this.denseJ = new Float64Array(this.n * this.n);
    }
    return this.denseJ;
  }

  /** CSR values of ∂f/∂y at (t, y) on `pattern` (`sparseJacobian`, else coloured differences). */
  sparseJacobian(t: number, y: Vec, out: Float64Array = this.values): Float64Array {
    const { problem, p } = this;
    this.report.jacobianEvals++;
    if (problem.sparseJacobian !== undefined) {
      problem.sparseJacobian(t, y, p, out);
      return out;
    }
    problem.rhs(t, y, p, this.fa);
    this.report.fdRhsEvals +=
      1 +
      this.fd!.evaluate(
        out,
        problem.rhs,
        t,
        y as Float64Array,
        p as Float64Array,
        this.fa as Float64Array,
        this.floor,
      );
    return out;
  }

  /** outY = vᵀJ for CSR values of J on `pattern`. */
  private csrTransposeProduct(values: Float64Array, v: Vec, outY: Vec): Vec {
    const { rowPtr, colIdx } = this.pattern!;
    outY.fill(0);
    for (let i = 0; i < this.n; i++) {
      const vi = v[i];
      if (vi === 0) continue;
      for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) outY[colIdx[q]] += vi * values[q];
    }
    return outY;
  }

  /** f(t, y, p) into out. */
  rhs(t: number, y: Vec, out: Vec): void {
    this.problem.rhs(t, y, this.p, out);
  }

  /** Row-major ∂f/∂y into J. */
  jacobian(t: number, y: Vec, J: Vec): Vec {
    const { problem, p } = this;
    this.report.jacobianEvals++;
    if (problem.jacobian) {
      problem.jacobian(t, y, p, J);
      return J;
    }
    if (this.pattern !== undefined) {
      this.report.jacobianEvals--;
      const vals = this.sparseJacobian(t, y);
      const { rowPtr, colIdx } = this.pattern;
      const n = this.n;
      J.fill(0);
      for (let i = 0; i < n; i++)
        for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) J[i * n + colIdx[q]] = vals[q];
      return J;
    }
    return problem.vjp ? this.vjpRows(t, y, J, 'y') : this.centralColumns(t, y, J, 'y');
  }

  /** Row-major ∂f/∂p (n × np) into Jp. */
  paramJacobian(t: number, y: Vec, Jp: Vec): Vec {
    const { problem, p } = this;
    this.report.paramJacobianEvals++;
    if (problem.paramJacobian) {
      problem.paramJacobian(t, y, p, Jp);
      return Jp;
    }
    return problem.vjp ? this.vjpRows(t, y, Jp, 'p') : this.centralColumns(t, y, Jp, 'p');
  }

  /** The rows e_iᵀ∂f/∂y (`wrt` 'y', n columns) or e_iᵀ∂f/∂p ('p', np columns) into `out` by n VJPs. */
  private vjpRows(t: number, y: Vec, out: Vec, wrt: 'y' | 'p'): Vec {
    const { problem, n, p, e, tmpY, tmpP } = this;
    const row = wrt === 'y' ? tmpY : tmpP;
    const width = row.length;
    for (let i = 0; i < n; i++) {
      e.fill(0);
      e[i] = 1;
      problem.vjp!(t, y, p, e, tmpY, tmpP);
      for (let j = 0; j < width; j++) out[i * width + j] = row[j];
    }
    this.report.vjpEvals += n;
    return out;
  }

  /**
   * Central differences of `rhs` in y (`wrt` 'y', h = ε^(1/3)·max(|y_j|, 1)) or in p ('p',
   * h = ε^(1/3)·|p_j|, ε^(1/3) if p_j = 0), column by column into the row-major `out`.
   */
  private centralColumns(t: number, y: Vec, out: Vec, wrt: 'y' | 'p'): Vec {
    const { problem, n, p, fa, fb } = this;
    const x = wrt === 'y' ? y : p;
    const xp = wrt === 'y' ? this.yp : this.pp;
    const width = x.length;
    xp.set(x);
    for (let j = 0; j < width; j++) {
      const h = CBRT_EPS * (wrt === 'y' ? Math.max(Math.abs(x[j]), 1) : x[j] === 0 ? 1 : Math.abs(x[j]));
      xp[j] = x[j] + h;
      if (wrt === 'y') problem.rhs(t, xp, p, fa);
      else problem.rhs(t, y, xp, fa);
      xp[j] = x[j] - h;
      if (wrt === 'y') problem.rhs(t, xp, p, fb);
      else problem.rhs(t, y, xp, fb);
      xp[j] = x[j];
      const inv = 1 / (2 * h);
      for (let i = 0; i < n; i++) out[i * width + j] = (fa[i] - fb[i]) * inv;
    }
    this.report.fdRhsEvals += 2 * width;
    return out;
  }

  /** outY = vᵀ∂f/∂y, outP = vᵀ∂f/∂p. */
  vjp(t: number, y: Vec, v: Vec, outY: Vec, outP: Vec): void {
    const { problem, n, p } = this;
    if (problem.vjp) {
      this.report.vjpEvals++;
      problem.vjp(t, y, p, v, outY, outP);
      return;
    }
    if (this.pattern !== undefined && !problem.jacobian) {
      this.csrTransposeProduct(this.sparseJacobian(t, y), v, outY);
      this.vjpParams(t, y, v, outP);
      return;
    }
    const J = this.jacobian(t, y, this.J);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += v[i] * J[i * n + j];
      outY[j] = s;
    }
    this.vjpParams(t, y, v, outP);
  }

  /**
   * outY = vᵀ∂f/∂y only (the problem's `vjpY`; else Jᵀv from an analytic Jacobian when n ≤ 8, else
   * its `vjp`; else Jᵀv from whatever Jacobian is available). Returns outY.
   */
  vjpState(t: number, y: Vec, v: Vec, outY: Vec): Vec {
    const { problem, n, p } = this;
    if (problem.vjpY) {
      this.report.vjpEvals++;
      problem.vjpY(t, y, p, v, outY);
      return outY;
    }
    // an analytic Jacobian's Jᵀv is cheaper for small n (ROBER: 20% faster gradient); the vjp for larger
    // n (POLLU, n = 20: ~7%), measured with benchmarks/ode-gradients
    if (problem.vjp && (!problem.jacobian || n > SMALL_N)) {
      this.report.vjpEvals++;
      problem.vjp(t, y, p, v, outY, this.tmpP);
      return outY;
    }
    if (this.pattern !== undefined && !problem.jacobian)
      return this.csrTransposeProduct(this.sparseJacobian(t, y), v, outY);
    const J = this.jacobian(t, y, this.J);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += v[i] * J[i * n + j];
      outY[j] = s;
    }
    return outY;
  }

  /** outP = vᵀ∂f/∂p only (cheaper when the problem has `paramJacobian` but the caller needs no outY). */
  vjpParams(t: number, y: Vec, v: Vec, outP: Vec): void {
    const { problem, n, np, p } = this;
    if (problem.vjp) {
      this.report.vjpEvals++;
      problem.vjp(t, y, p, v, this.tmpY, outP);
      return;
    }
    const Jp = this.paramJacobian(t, y, this.Jp);
    outP.fill(0);
    for (let i = 0; i < n; i++) {
      const vi = v[i];
      if (vi === 0) continue;
      for (let j = 0; j < np; j++) outP[j] += vi * Jp[i * np + j];
    }
  }
}
