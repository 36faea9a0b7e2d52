import type { SolverContext } from '../internal/context.ts';
import { errorNorm } from '../internal/norm.ts';
import { ProblemSystem } from '../internal/problem-system.ts';
import type { Stepper } from '../internal/stepper.ts';
import type { StageMatrixSystem } from '../internal/system.ts';
import type { RosenbrockTableau } from './tableaus/rosenbrock-tableau.ts';

const SQRT_EPS = Math.sqrt(Number.EPSILON);

/** Thrown inside a step when W is singular; the driver rejects the step and shrinks h. */
export const SINGULAR = -1;

/**
 * A generic Rosenbrock(-Wanner) stepper for tableaus in the transformed form (`RosenbrockTableau`):
 * Rodas5P, Rodas4. One Jacobian per accepted step, one LU per step size, s RHS evaluations + 1 for ∂f/∂t
 * + 1 for f at the new point.
 */
export class RosenbrockStepper implements Stepper {
  readonly name: string;
  readonly order: number;
  readonly controlOrder: number;
  readonly adaptive = true;
  readonly denseVectors: number;
  readonly f0: Float64Array;
  /** The system this stepper advances (a plain problem: `ProblemSystem`). */
  readonly sys: StageMatrixSystem;
  /** Stage increments k_i, row-major s×n. */
  readonly k: Float64Array;
  /** ∂F/∂t at the current point. */
  readonly dT: Float64Array;
  /** The last step hit a singular W. */
  singular = false;

  private readonly ctx: SolverContext;
  private readonly tab: RosenbrockTableau;
  private readonly kv: Float64Array[];
  private readonly u: Float64Array;
  private readonly fu: Float64Array;
  private readonly err: Float64Array;
  private t0 = Number.NaN;
  /** ∂F/∂t (and the system's Jacobian) belong to the current point. */
  private pointReady = false;

  constructor(ctx: SolverContext, tab: RosenbrockTableau, sys: StageMatrixSystem = new ProblemSystem(ctx)) {
    const n = ctx.n;
    this.ctx = ctx;
    this.tab = tab;
    this.sys = sys;
    this.name = tab.name;
    this.order = tab.order;
    this.controlOrder = tab.embeddedOrder + 1;
    this.denseVectors = tab.denseRows;
    this.f0 = new Float64Array(n);
    this.dT = new Float64Array(n);
    this.k = new Float64Array(tab.stages * n);
    this.kv = [];
    for (let i = 0; i < tab.stages; i++) this.kv.push(this.k.subarray(i * n, (i + 1) * n));
    this.u = new Float64Array(n);
    this.fu = new Float64Array(n);
    this.err = new Float64Array(n);
  }

  reset(t: number, y: Float64Array, f0?: Float64Array): void {
    if (f0 !== undefined) this.f0.set(f0);
    else this.sys.rhs(t, y, this.f0);
    this.pointReady = false;
    this.t0 = t;
  }

  step(t: number, h: number, y: Float64Array, yNew: Float64Array): number {
    const { ctx, tab, sys, k, kv, u, fu, dT } = this;
    const n = ctx.n;
    const s = tab.stages;
    const { a, C, c, d, b, e } = tab;
    this.singular = false;
    if (!this.pointReady || this.t0 !== t) {
      sys.invalidate?.();
      if (!sys.prepare(t, y, 1 / (h * tab.gamma), this.f0)) return this.singularStep();
      this.timeDerivative(t, h, y);
      this.pointReady = true;
      this.t0 = t;
    } else if (!sys.prepare(t, y, 1 / (h * tab.gamma), this.f0)) return this.singularStep();
    const invH = 1 / h;
    for (let i = 0; i < s; i++) {
      const row = i * s;
      const ki = kv[i];
      const hd = h * d[i];
      if (i === 0) {
        const f0 = this.f0;
        for (let m = 0; m < n; m++) ki[m] = f0[m] + hd * dT[m];
      } else {
        // one pass over the earlier stages for both combinations: u_i = y + Σ a_ij k_j into u, and
        // Σ C_ij k_j parked in k_i (not read by this loop) until f(u_i) is known
        for (let m = 0; m < n; m++) {
          let accA = y[m];
          let accC = 0;
          for (let j = 0, o = m; j < i; j++, o += n) {
            const kj = k[o];
            accA += a[row + j] * kj;
            accC += C[row + j] * kj;
          }
          u[m] = accA;
          ki[m] = accC;
        }
        // M y′ = f: the C-combination enters as M·Σ C_ij k_j
        sys.applyMass?.(ki);
        sys.rhs(t + c[i] * h, u, fu);
        for (let m = 0; m < n; m++) ki[m] = fu[m] + ki[m] * invH + hd * dT[m];
      }
      sys.solve(ki);
    }
    const err = this.err;
    for (let m = 0; m < n; m++) {
      let acc = y[m];
      let ea = 0;
      for (let j = 0, o = m; j < s; j++, o += n) {
        acc += b[j] * k[o];
        ea += e[j] * k[o];
      }
      yNew[m] = acc;
      err[m] = ea;
    }
    return errorNorm(err, y, yNew, ctx.rtol, ctx.atol, sys.errSize);
  }

  private singularStep(): number {
    this.singular = true;
    return Number.POSITIVE_INFINITY;
  }

  /** ∂F/∂t at (t, y): the system's `tgrad`, else a forward difference (one evaluation). */
  private timeDerivative(t: number, h: number, y: Float64Array): void {
    const { sys, dT, f0 } = this;
    if (sys.tgrad !== undefined) {
      sys.tgrad(t, y, dT);
      return;
    }
    let dt = SQRT_EPS * Math.max(Math.abs(t), Math.abs(h), 1e-10);
    const t1 = t + dt;
    dt = t1 - t;
    sys.rhs(t1, y, dT);
    const inv = 1 / dt;
    for (let i = 0; i < dT.length; i++) dT[i] = (dT[i] - f0[i]) * inv;
  }

  accept(tNew: number, yNew: Float64Array): void {
    this.sys.rhs(tNew, yNew, this.f0);
    this.pointReady = false;
    this.t0 = tNew;
  }

  reject(): void {}

  denseData(out: Float64Array, off: number): void {
    const n = this.ctx.n;
    const s = this.tab.stages;
    const H = this.tab.dense;
    const k = this.k;
    for (let r = 0; r < this.tab.denseRows; r++) {
      const o = off + r * n;
      for (let m = 0; m < n; m++) {
        let acc = 0;
        for (let j = 0, q = m; j < s; j++, q += n) acc += H[r * s + j] * k[q];
        out[o + m] = acc;
      }
    }
  }

  interpolate(
    out: Float64Array,
    theta: number,
    _h: number,
    y0: Float64Array,
    y1: Float64Array,
    data: Float64Array,
    off: number,
  ): Float64Array {
    const n = this.ctx.n;
    const t1 = 1 - theta;
    if (this.tab.denseRows === 2) {
      for (let m = 0; m < n; m++) {
        const o = off + m;
        out[m] = t1 * y0[m] + theta * (y1[m] + t1 * (data[o] + theta * data[o + n]));
      }
    } else {
      for (let m = 0; m < n; m++) {
        const o = off + m;
        out[m] =
          t1 * y0[m] + theta * (y1[m] + t1 * (data[o] + theta * (data[o + n] + theta * data[o + 2 * n])));
      }
    }
    return out;
  }
}
