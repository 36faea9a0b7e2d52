import { OdeonError } from '../errors.ts';
import type { SolverContext } from '../internal/context.ts';
import { centralDifference } from '../internal/jacobian.ts';
import { luFactor, luSolve } from '../internal/lu.ts';
import type { MassMatrix } from './mass-matrix.ts';

const EPS = Number.EPSILON;
const MAX_ITERATIONS = 50;
const MAX_HALVINGS = 12;

/**
 * Consistent initial values of an index-1 DAE `M y′ = f`: solves the algebraic equations g(t, y) = 0
 * (the zero rows of M) for the algebraic variables z (its zero columns) by damped Newton, with the
 * differential components fixed. Run at t0 and after every event that changes the state or parameters.
 * Workspaces are allocated once here.
 */
export class ConsistentInitializer {
  private readonly ctx: SolverContext;
  private readonly fMinus: Float64Array;
  private readonly rows: Int32Array;
  private readonly cols: Int32Array;
  private readonly names: readonly string[] | undefined;
  private readonly f: Float64Array;
  private readonly fTrial: Float64Array;
  private readonly J: Float64Array;
  private readonly Jg: Float64Array;
  private readonly piv: Int32Array;
  private readonly z: Float64Array;
  private readonly dz: Float64Array;
  private readonly g: Float64Array;

  constructor(ctx: SolverContext, mass: MassMatrix, names?: readonly string[]) {
    const n = ctx.n;
    const na = mass.algebraicRows.length;
    this.ctx = ctx;
    this.rows = mass.algebraicRows;
    this.cols = mass.algebraicCols;
    this.names = names;
    this.f = new Float64Array(n);
    this.fTrial = new Float64Array(n);
    this.fMinus = new Float64Array(n);
    this.J = new Float64Array(ctx.jacobian === undefined ? 0 : n * n);
    this.Jg = new Float64Array(na * na);
    this.piv = new Int32Array(na);
    this.z = new Float64Array(na);
    this.dz = new Float64Array(na);
    this.g = new Float64Array(na);
  }

  /** Number of algebraic equations (0: nothing to do). */
  get size(): number {
    return this.rows.length;
  }

  /**
   * Overwrites the algebraic components of `out` (the state at t) so that g(t, out) = 0. Throws
   * `InitializationFailed` when Newton does not converge or ∂g/∂z is singular (index > 1 or a poor guess).
   */
  run(out: Float64Array, t: number): Float64Array {
    const na = this.rows.length;
    if (na === 0) return out;
    const { ctx, rows, cols, f, fTrial, z, dz, g } = this;
    let res = this.residual(f, out, t);
    for (let it = 0; it < MAX_ITERATIONS; it++) {
      for (let a = 0; a < na; a++) g[a] = f[rows[a]];
      this.jacobian(out, t);
      if (luFactor(this.Jg, this.piv, na) === null)
        this.fail(
          out,
          t,
          'the Jacobian of the algebraic equations with respect to the algebraic variables is singular',
        );
      for (let a = 0; a < na; a++) dz[a] = -g[a];
      luSolve(dz, this.Jg, this.piv, na);
      for (let a = 0; a < na; a++) z[a] = out[cols[a]];
      // converged when the Newton update is far below the tolerances of the algebraic variables
      let small = true;
      let wnorm = 0;
      for (let a = 0; a < na; a++) {
        const c = cols[a];
        const w = ctx.atol[c] + ctx.rtol * Math.abs(z[a]);
        const r = Math.abs(dz[a]);
        if (!(r <= 1e-6 * w + 16 * EPS * Math.abs(z[a]))) small = false;
        wnorm = Math.max(wnorm, r / w);
      }
      if (!Number.isFinite(wnorm)) this.fail(out, t, 'the Newton update is not finite');
      // damped step: halve until the residual decreases
      let lambda = 1;
      let accepted = false;
      for (let k = 0; k <= MAX_HALVINGS; k++) {
        for (let a = 0; a < na; a++) out[cols[a]] = z[a] + lambda * dz[a];
        const trial = this.residual(fTrial, out, t);
        if (trial < res || trial === 0) {
          f.set(fTrial);
          res = trial;
          accepted = true;
          break;
        }
        lambda *= 0.5;
      }
      if (small) {
        if (!accepted) for (let a = 0; a < na; a++) out[cols[a]] = z[a] + dz[a];
        return out;
      }
      if (!accepted) {
        for (let a = 0; a < na; a++) out[cols[a]] = z[a];
        // a residual already at round-off cannot decrease: accept an update within the tolerances
        if (wnorm <= 1e-3) return out;
        this.fail(out, t, 'the damped Newton iteration stopped decreasing the residual');
      }
    }
    this.fail(out, t, `Newton did not converge in ${MAX_ITERATIONS} iterations`);
  }

  /** f(t, y) into `out`; returns ‖g‖₂ (NaN as +∞). */
  private residual(out: Float64Array, y: Float64Array, t: number): number {
    const { ctx, rows } = this;
    ctx.rhs(t, y, ctx.p, out);
    ctx.stats.rhsEvals++;
    let s = 0;
    for (let a = 0; a < rows.length; a++) s += out[rows[a]] * out[rows[a]];
    const r = Math.sqrt(s);
    return Number.isNaN(r) ? Number.POSITIVE_INFINITY : r;
  }

  /** ∂g/∂z (na×na) into `Jg` at (t, y): from `problem.jacobian`, else central differences. */
  private jacobian(y: Float64Array, t: number): void {
    const { ctx, rows, cols, Jg, fTrial } = this;
    const na = rows.length;
    const n = ctx.n;
    if (ctx.jacobian !== undefined) {
      ctx.jacobian(t, y, ctx.p, this.J);
      ctx.stats.jacobianEvals++;
      for (let a = 0; a < na; a++)
        for (let b = 0; b < na; b++) Jg[a * na + b] = this.J[rows[a] * n + cols[b]];
      return;
    }
    // central differences on ∛ε·max(|z_b|, max_k |y_k|), as `evaluateJacobian` does for algebraic rows
    const fMinus = this.fMinus;
    let ymax = 1e-10;
    for (let k = 0; k < n; k++) ymax = Math.max(ymax, Math.abs(y[k]));
    for (let b = 0; b < na; b++) {
      const inv = centralDifference(ctx, t, y, cols[b], ymax, fTrial, fMinus);
      for (let a = 0; a < na; a++) Jg[a * na + b] = (fTrial[rows[a]] - fMinus[rows[a]]) * inv;
    }
    ctx.stats.jacobianEvals++;
  }

  private fail(y: Float64Array, t: number, why: string): never {
    const { rows, cols, names, f } = this;
    let worst = 0;
    for (let a = 1; a < rows.length; a++) if (!(Math.abs(f[rows[a]]) <= Math.abs(f[rows[worst]]))) worst = a;
    const c = cols[worst];
    const label = names?.[c] ?? `y[${c}]`;
    throw new OdeonError(
      'InitializationFailed',
      `Could not make the algebraic components consistent at t = ${t}: ${why} (largest residual ${Math.abs(f[rows[worst]])} in equation ${rows[worst]}, variable ${label} = ${y[c]}).`,
      {
        t,
        component: c,
        ...(names?.[c] === undefined ? {} : { element: names[c] }),
        hint: 'Give initial values of the algebraic components near a solution of the algebraic equations, and check that the DAE has index 1 (the algebraic equations determine the algebraic variables).',
      },
    );
  }
}
