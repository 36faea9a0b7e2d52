import type { SolverContext } from '../internal/context.ts';
import { JacobianWorkspace } from '../internal/jacobian-workspace.ts';
import { errorNorm } from '../internal/norm.ts';
import type { Stepper } from '../internal/stepper.ts';

const D = 1 / (2 + Math.SQRT2);
const E32 = 6 + Math.SQRT2;

/**
 * Rosenbrock23: Shampine & Reichelt's L-stable order-2 W-method with an embedded order-3 error
 * estimate and a 2nd-order interpolant (MATLAB's ode23s). FSAL: f(t + h, y1) is the next f0.
 */
export class Rosenbrock23Stepper implements Stepper {
  readonly name = 'rosenbrock23';
  readonly order = 2;
  readonly controlOrder = 3;
  readonly adaptive = true;
  readonly denseVectors = 2;
  readonly f0: Float64Array;
  readonly jac: JacobianWorkspace;
  singular = false;

  private readonly ctx: SolverContext;
  private readonly k1: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly f1: Float64Array;
  private readonly f2: Float64Array;
  private readonly u: Float64Array;
  private t0 = Number.NaN;

  constructor(ctx: SolverContext) {
    const n = ctx.n;
    this.ctx = ctx;
    this.f0 = new Float64Array(n);
    this.jac = new JacobianWorkspace(ctx, true);
    this.k1 = new Float64Array(n);
    this.k2 = new Float64Array(n);
    this.k3 = new Float64Array(n);
    this.f1 = new Float64Array(n);
    this.f2 = new Float64Array(n);
    this.u = new Float64Array(n);
  }

  reset(t: number, y: Float64Array, f0?: Float64Array): void {
    if (f0 !== undefined) this.f0.set(f0);
    else {
      this.ctx.rhs(t, y, this.ctx.p, this.f0);
      this.ctx.stats.rhsEvals++;
    }
    this.jac.fresh = false;
    this.t0 = t;
  }

  step(t: number, h: number, y: Float64Array, yNew: Float64Array): number {
    const { ctx, jac, k1, k2, k3, f0, f1, f2, u } = this;
    const n = ctx.n;
    this.singular = false;
    if (!jac.fresh || this.t0 !== t) {
      jac.evaluate(t, y, f0, h);
      this.t0 = t;
    }
    const hd = h * D;
    if (jac.factoredHg !== hd && !jac.factor(hd)) {
      jac.factoredHg = Number.NaN;
      this.singular = true;
      return Number.POSITIVE_INFINITY;
    }
    const dT = jac.dT;
    for (let i = 0; i < n; i++) k1[i] = f0[i] + hd * dT[i];
    jac.solve(k1);
    const h2 = 0.5 * h;
    for (let i = 0; i < n; i++) u[i] = y[i] + h2 * k1[i];
    ctx.rhs(t + h2, u, ctx.p, f1);
    for (let i = 0; i < n; i++) k2[i] = f1[i] - k1[i];
    jac.solve(k2);
    for (let i = 0; i < n; i++) {
      k2[i] += k1[i];
      yNew[i] = y[i] + h * k2[i];
    }
    ctx.rhs(t + h, yNew, ctx.p, f2);
    ctx.stats.rhsEvals += 2;
    for (let i = 0; i < n; i++) k3[i] = f2[i] - E32 * (k2[i] - f1[i]) - 2 * (k1[i] - f0[i]) + hd * dT[i];
    jac.solve(k3);
    const h6 = h / 6;
    // reuse u as the error vector
    for (let i = 0; i < n; i++) u[i] = h6 * (k1[i] - 2 * k2[i] + k3[i]);
    return errorNorm(u, y, yNew, ctx.rtol, ctx.atol, n);
  }

  accept(tNew: number): void {
    this.f0.set(this.f2);
    this.jac.fresh = false;
    this.t0 = tNew;
  }

  reject(): void {}

  denseData(out: Float64Array, off: number): void {
    const n = this.ctx.n;
    out.set(this.k1, off);
    out.set(this.k2, off + n);
  }

  interpolate(
    out: Float64Array,
    theta: number,
    h: number,
    y0: Float64Array,
    _y1: Float64Array,
    data: Float64Array,
    off: number,
  ): Float64Array {
    const n = this.ctx.n;
    const c1 = (theta * (1 - theta)) / (1 - 2 * D);
    const c2 = (theta * (theta - 2 * D)) / (1 - 2 * D);
    for (let i = 0; i < n; i++) out[i] = y0[i] + h * (c1 * data[off + i] + c2 * data[off + n + i]);
    return out;
  }
}
