/**
 * The backward half of the `quadrature` and `interpolating` adjoints. On a stored forward trajectory
 * y(t) it integrates, in s = −t,
 *
 *     dλ/ds = J(t, y(t))ᵀ λ + ∂q/∂y        (n states only; the stage matrix is I/(hγ) − Jᵀ, n×n)
 *
 * and on every accepted backward step integrates dL/dp += ∫ λᵀ ∂f/∂p dt with the G7K15 rule, using
 * λ's own dense output and y's. Each sweep runs in s = tHigh − t (not −t), so a stiff adjoint transient
 * right after a jump at a large t is resolved with full floating-point precision. Parameters therefore never enter the implicit solve: the cost is
 * O(n³) per factorisation plus O(np) per quadrature node (Kim et al. 2021).
 */
import type { Vec } from '../../types.ts';
import { GK15 } from '../gauss-kronrod.ts';
import { type GradientContext, makeStepper } from './context.ts';
import type { DenseTrajectory } from './dense-trajectory.ts';
import { integrate } from './integrate.ts';
import { DenseLu } from './lu.ts';
import type { Stepper } from './stepper.ts';
import { evalDense } from './stepper.ts';
import type { StiffSystem } from './system.ts';

/** λ' in s = −t along a stored forward trajectory. */
class AdjointSystem implements StiffSystem {
  readonly size: number;
  readonly errSize: number;
  traj: DenseTrajectory | undefined;
  /** t = tBase − s. */
  tBase = 0;
  private readonly ctx: GradientContext;
  private readonly y: Vec;
  private readonly J: Vec;
  private readonly qy: Vec;
  private readonly lu: DenseLu;
  /** y(t) and J(t, y(t)) at `cachedT` (Rosenbrock stages and `prepare` often share a time). */
  private cachedT = Number.NaN;

  constructor(ctx: GradientContext) {
    this.ctx = ctx;
    this.size = ctx.n;
    this.errSize = ctx.n;
    this.y = new Float64Array(ctx.n);
    this.J = new Float64Array(ctx.n * ctx.n);
    this.qy = new Float64Array(ctx.n);
    this.lu = new DenseLu(ctx.n);
  }

  /** y(t) and J at t into this.y / this.J (cached for repeated t). */
  private jacobianAt(t: number): void {
    if (t === this.cachedT) return;
    this.traj!.evaluate(this.y, t);
    this.ctx.deriv.jacobian(t, this.y, this.J);
    this.cachedT = t;
  }

  /** Forgets the cache (a new trajectory or time origin). */
  invalidate(): void {
    this.cachedT = Number.NaN;
  }

  rhs(s: number, lambda: Vec, out: Vec): void {
    const { ctx, y, J, qy } = this;
    const n = this.size;
    const t = this.tBase - s;
    this.jacobianAt(t);
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += J[i * n + j] * lambda[i];
      out[j] = acc;
    }
    if (ctx.integral) {
      ctx.integral.grad(t, y, qy);
      for (let j = 0; j < n; j++) out[j] += qy[j];
    }
  }

  prepare(s: number, _lambda: Vec, c: number): void {
    const { J } = this;
    const n = this.size;
    const t = this.tBase - s;
    this.jacobianAt(t);
    const a = this.lu.lu;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = -J[j * n + i];
    for (let i = 0; i < n; i++) a[i * n + i] += c;
    this.lu.factorInPlace(t);
  }

  solve(x: Vec): void {
    this.lu.solveInPlace(x);
  }
}

/** Backward integrator state reused across segments. */
export class AdjointSweeper {
  readonly stepper: Stepper;
  /** Accumulated dL/dp. */
  readonly dp: Vec;
  quadratureError = 0;
  private readonly ctx: GradientContext;
  private readonly sys: AdjointSystem;
  private readonly lam: Vec;
  private readonly y: Vec;
  private readonly vp: Vec;
  private readonly errP: Vec;
  private hNext: number | undefined;

  private readonly atol: number;

  constructor(ctx: GradientContext, atol: number) {
    this.ctx = ctx;
    this.atol = atol;
    this.sys = new AdjointSystem(ctx);
    this.stepper = makeStepper(ctx.method, this.sys);
    this.dp = new Float64Array(ctx.np);
    this.lam = new Float64Array(ctx.n);
    this.y = new Float64Array(ctx.n);
    this.vp = new Float64Array(ctx.np);
    this.errP = new Float64Array(ctx.np);
  }

  /**
   * Integrates λ from tHigh down to tLow (tLow < tHigh) on `traj`, updating `lambda` in place and
   * accumulating the parameter integral into `this.dp`.
   */
  sweep(traj: DenseTrajectory, tHigh: number, tLow: number, lambda: Vec): void {
    if (!(tHigh > tLow)) return;
    const { ctx, lam, y, vp, errP, dp } = this;
    const n = ctx.n;
    const np = ctx.np;
    this.sys.traj = traj;
    this.sys.tBase = tHigh;
    this.sys.invalidate();
    const kind = this.stepper.kind;
    const { x, wk, wg } = GK15;
    const res = integrate(
      this.stepper,
      0,
      lambda,
      {
        rtol: ctx.adjointRtol,
        atol: this.atol,
        stops: Float64Array.of(tHigh - tLow),
        maxSteps: ctx.maxSteps,
        ...(this.hNext === undefined ? {} : { h0: Math.min(this.hNext, tHigh - tLow) }),
      },
      {
        dense: np > 0,
        onStep: (s, h, _l, _ln, block) => {
          if (np === 0) return;
          errP.fill(0);
          const half = 0.5 * h;
          for (let q = 0; q < 15; q++) {
            const theta = 0.5 * (x[q] + 1);
            evalDense(lam, kind, block!, 0, n, theta);
            const t = tHigh - (s + theta * h);
            traj.evaluate(y, t);
            ctx.deriv.vjpParams(t, y, lam, vp);
            const a = wk[q] * half;
            const b = (wk[q] - wg[q]) * half;
            for (let j = 0; j < np; j++) {
              dp[j] += a * vp[j];
              errP[j] += b * vp[j];
            }
          }
          let e = 0;
          for (let j = 0; j < np; j++) e = Math.max(e, Math.abs(errP[j]));
          this.quadratureError += e;
        },
      },
    );
    this.hNext = res.hNext;
  }
}
