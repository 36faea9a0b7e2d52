import type { SolverContext } from './context.ts';
import { JacobianWorkspace } from './jacobian-workspace.ts';
import type { StageMatrixSystem } from './system.ts';

/**
 * The default system of a plain problem: F = rhs(t, y, p), W = I/(hγ) − J factorised by the solver's
 * `JacobianWorkspace` (sparse LU on a minimum-degree order for reaction networks, dense partial pivoting
 * otherwise). J comes from `problem.jacobian` or forward differences and is kept until `invalidate`, so a
 * rejected step only refactorises. Counts its work into `ctx.stats`.
 */
export class ProblemSystem implements StageMatrixSystem {
  readonly size: number;
  readonly errSize: number;
  private wsLazy: JacobianWorkspace | undefined;
  private readonly ctx: SolverContext;
  private readonly f0: Float64Array;

  constructor(ctx: SolverContext) {
    this.ctx = ctx;
    this.size = ctx.n;
    this.errSize = ctx.n;
    this.f0 = new Float64Array(ctx.n);
    const { tgrad } = ctx;
    if (tgrad !== undefined) this.tgrad = (t, y, out) => tgrad(t, y, ctx.p, out);
  }

  /** The Jacobian and LU workspace, allocated on first use (explicit methods never need it). */
  get ws(): JacobianWorkspace {
    if (this.wsLazy === undefined) this.wsLazy = new JacobianWorkspace(this.ctx);
    return this.wsLazy;
  }

  rhs(t: number, y: Float64Array, out: Float64Array): void {
    this.ctx.rhs(t, y, this.ctx.p, out);
    this.ctx.stats.rhsEvals++;
  }

  prepare(t: number, y: Float64Array, invHGamma: number, f0?: Float64Array): boolean {
    const ws = this.ws;
    if (!ws.fresh) {
      let f = f0;
      if (f === undefined && this.ctx.jacobian === undefined) {
        f = this.f0;
        this.rhs(t, y, f);
      }
      ws.evaluateJacobian(t, y, f ?? this.f0);
    }
    const hg = 1 / invHGamma;
    if (ws.factoredHg === hg) return true;
    if (!ws.factor(hg)) {
      ws.factoredHg = Number.NaN;
      return false;
    }
    return true;
  }

  solve(x: Float64Array): void {
    this.ws.solve(x);
  }

  solveTranspose(x: Float64Array): void {
    this.ws.solveTranspose(x);
  }

  invalidate(): void {
    if (this.wsLazy !== undefined) this.wsLazy.fresh = false;
  }

  readonly tgrad?: (t: number, y: Float64Array, out: Float64Array) => void;

  /** ‖J‖∞ of the last Jacobian (an upper bound of its spectral radius). */
  normInf(): number {
    return this.ws.normInf();
  }
}
