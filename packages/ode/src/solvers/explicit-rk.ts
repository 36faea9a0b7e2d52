import type { SolverContext } from '../internal/context.ts';
import { errorNorm } from '../internal/norm.ts';
import { ProblemSystem } from '../internal/problem-system.ts';
import type { Stepper } from '../internal/stepper.ts';
import type { OdeSystem } from '../internal/system.ts';
import { DOP853_DENSE, DOP853_EXTRA_A, DOP853_EXTRA_C } from './tableaus/dop853.ts';
import { DOPRI5_DENSE } from './tableaus/dopri5.ts';
import type { ExplicitTableau } from './tableaus/explicit-tableau.ts';
import { TSIT5_INTERPOLANT } from './tableaus/tsit5.ts';

/** Which continuous extension a method uses. */
export type ExplicitInterpolantKind = 'hermite' | 'tsit5' | 'dopri5' | 'dop853';

/**
 * A generic explicit Runge–Kutta stepper driven by an `ExplicitTableau`. Workspaces are allocated once;
 * stage vectors live in one Float64Array K (s·n) with fixed subarray views.
 */
export class ExplicitRkStepper implements Stepper {
  readonly name: string;
  readonly order: number;
  readonly controlOrder: number;
  readonly adaptive: boolean;
  readonly denseVectors: number;
  readonly f0: Float64Array;
  /** f(t + h, yNew) of the last attempted step (the FSAL stage, or an extra evaluation). */
  readonly fNew: Float64Array;
  /** Stage derivatives, row-major s×n. */
  readonly K: Float64Array;
  /** Stiffness estimate ‖K_s − K_{s−1}‖ / ‖y1 − u_{s−1}‖ of the last step (FSAL methods with c_{s−1} = 1). */
  lastEigenEstimate = 0;

  private readonly ctx: SolverContext;
  /** The system this stepper advances (a plain problem: `ProblemSystem`). */
  readonly sys: OdeSystem;
  private readonly tab: ExplicitTableau;
  private readonly kind: ExplicitInterpolantKind;
  private readonly views: Float64Array[];
  private readonly tmp: Float64Array;
  private readonly err: Float64Array;
  private readonly extra: Float64Array;
  private readonly extraViews: Float64Array[];
  private readonly estimateStiffness: boolean;
  /** Nonzero entries of a, row by row (CSR): row i is nzCol/nzVal[nzStart[i], nzStart[i + 1]). */
  private readonly nzStart: Int32Array;
  private readonly nzCol: Int32Array;
  private readonly nzVal: Float64Array;

  constructor(
    ctx: SolverContext,
    tab: ExplicitTableau,
    kind: ExplicitInterpolantKind,
    estimateStiffness = false,
    sys: OdeSystem = new ProblemSystem(ctx),
  ) {
    this.sys = sys;
    const n = ctx.n;
    const s = tab.stages;
    this.ctx = ctx;
    this.tab = tab;
    this.kind = kind;
    this.name = tab.name;
    this.order = tab.order;
    this.adaptive = tab.e !== undefined;
    this.controlOrder =
      tab.embeddedOrder === undefined ? tab.order : Math.min(tab.order, tab.embeddedOrder) + 1;
    if (tab.name === 'dop853') this.controlOrder = 8;
    this.denseVectors = kind === 'hermite' ? 2 : kind === 'tsit5' ? 7 : kind === 'dopri5' ? 4 : 7;
    this.K = new Float64Array(s * n);
    this.views = [];
    for (let i = 0; i < s; i++) this.views.push(this.K.subarray(i * n, (i + 1) * n));
    this.f0 = this.views[0];
    this.fNew = tab.fsal ? this.views[s - 1] : new Float64Array(n);
    this.tmp = new Float64Array(n);
    this.err = new Float64Array(n);
    this.extra = kind === 'dop853' ? new Float64Array(3 * n) : new Float64Array(0);
    this.extraViews = kind === 'dop853' ? [0, 1, 2].map((i) => this.extra.subarray(i * n, (i + 1) * n)) : [];
    this.estimateStiffness = estimateStiffness && tab.fsal && tab.c[s - 2] === 1;
    const cols: number[] = [];
    const vals: number[] = [];
    this.nzStart = new Int32Array(s + 1);
    for (let i = 0; i < s; i++) {
      this.nzStart[i] = cols.length;
      for (let j = 0; j < i; j++) {
        if (tab.a[i * s + j] !== 0) {
          cols.push(j);
          vals.push(tab.a[i * s + j]);
        }
      }
    }
    this.nzStart[s] = cols.length;
    this.nzCol = Int32Array.from(cols);
    this.nzVal = Float64Array.from(vals);
  }

  reset(t: number, y: Float64Array, f0?: Float64Array): void {
    if (f0 !== undefined) this.f0.set(f0);
    else this.sys.rhs(t, y, this.f0);
  }

  step(t: number, h: number, y: Float64Array, yNew: Float64Array): number {
    const { ctx, tab, K, tmp, views } = this;
    const n = ctx.n;
    const s = tab.stages;
    const c = tab.c;
    const last = tab.fsal ? s - 1 : s;
    const nzStart = this.nzStart;
    const nzCol = this.nzCol;
    const nzVal = this.nzVal;
    for (let i = 1; i < last; i++) {
      // only the nonzero a_ij (DOP853's rows are half zeros)
      const q0 = nzStart[i];
      const q1 = nzStart[i + 1];
      for (let k = 0; k < n; k++) {
        let acc = 0;
        for (let q = q0; q < q1; q++) acc += nzVal[q] * K[nzCol[q] * n + k];
        tmp[k] = y[k] + h * acc;
      }
      this.sys.rhs(t + c[i] * h, tmp, views[i]);
    }
    const b = tab.b;
    for (let k = 0; k < n; k++) {
      let acc = 0;
      for (let j = 0, o = k; j < last; j++, o += n) acc += b[j] * K[o];
      yNew[k] = y[k] + h * acc;
    }
    this.sys.rhs(t + h, yNew, this.fNew);
    if (this.estimateStiffness) {
      // tmp holds the stage point u_{s-2} (at t + h) and views[s-2] its derivative
      const ks = views[s - 1];
      const kp = views[s - 2];
      let num = 0;
      let den = 0;
      for (let k = 0; k < n; k++) {
        const dk = ks[k] - kp[k];
        const du = yNew[k] - tmp[k];
        num += dk * dk;
        den += du * du;
      }
      this.lastEigenEstimate = den > 0 ? Math.sqrt(num / den) : 0;
    }
    const e = tab.e;
    if (e === undefined) {
      for (let k = 0; k < n; k++) if (!Number.isFinite(yNew[k])) return Number.NaN;
      return 0;
    }
    const err = this.err;
    const se = e.length;
    for (let k = 0; k < n; k++) {
      let acc = 0;
      for (let j = 0, o = k; j < se; j++, o += n) acc += e[j] * K[o];
      err[k] = h * acc;
    }
    const e3 = tab.e3;
    // augmented systems: only the first errSize components are error-controlled
    const ne = this.sys.errSize;
    if (e3 === undefined) return errorNorm(err, y, yNew, ctx.rtol, ctx.atol, ne);
    // DOP853: err = err5² / sqrt(err5² + 0.01·err3²), both scaled
    let s5 = 0;
    let s3 = 0;
    for (let k = 0; k < ne; k++) {
      let acc = 0;
      for (let j = 0, o = k; j < se; j++, o += n) acc += e3[j] * K[o];
      const ay = Math.abs(y[k]);
      const ay1 = Math.abs(yNew[k]);
      const sc = ctx.atol[k] + ctx.rtol * Math.max(ay, ay1);
      const r5 = err[k] / sc;
      const r3 = (h * acc) / sc;
      s5 += r5 * r5;
      s3 += r3 * r3;
    }
    if (s5 === 0 && s3 === 0) return 0;
    return s5 / Math.sqrt((s5 + 0.01 * s3) * ne);
  }

  accept(_tNew: number, _yNew: Float64Array): void {
    if (this.fNew !== this.f0) this.f0.set(this.fNew);
  }

  reject(): void {}

  denseData(out: Float64Array, off: number, t: number, h: number, y: Float64Array, yNew: Float64Array): void {
    const n = this.ctx.n;
    const K = this.K;
    switch (this.kind) {
      case 'hermite': {
        for (let k = 0; k < n; k++) {
          out[off + k] = this.f0[k];
          out[off + n + k] = this.fNew[k];
        }
        return;
      }
      case 'tsit5': {
        out.set(K, off);
        return;
      }
      case 'dopri5': {
        const f7 = this.fNew;
        for (let k = 0; k < n; k++) {
          const ydiff = yNew[k] - y[k];
          const bspl = h * K[k] - ydiff;
          let acc = 0;
          for (let j = 0, o = k; j < 7; j++, o += n) acc += DOPRI5_DENSE[j] * K[o];
          out[off + k] = ydiff;
          out[off + n + k] = bspl;
          out[off + 2 * n + k] = ydiff - h * f7[k] - bspl;
          out[off + 3 * n + k] = h * acc;
        }
        return;
      }
      case 'dop853': {
        this.dop853Extra(t, h, y);
        const ex = this.extra;
        const f1 = this.fNew;
        for (let k = 0; k < n; k++) {
          const dy = yNew[k] - y[k];
          const f0 = K[k];
          out[off + k] = dy;
          out[off + n + k] = h * f0 - dy;
          out[off + 2 * n + k] = 2 * dy - h * (f1[k] + f0);
          for (let r = 0; r < 4; r++) {
            let acc = 0;
            const row = r * 16;
            for (let j = 0, o = k; j < 13; j++, o += n) acc += DOP853_DENSE[row + j] * K[o];
            for (let j = 0; j < 3; j++) acc += DOP853_DENSE[row + 13 + j] * ex[j * n + k];
            out[off + (3 + r) * n + k] = h * acc;
          }
        }
        return;
      }
    }
  }

  /** DOP853's three extra stages for dense output (3 RHS evaluations). */
  private dop853Extra(t: number, h: number, y: Float64Array): void {
    const { ctx, K, tmp, extra } = this;
    const n = ctx.n;
    for (let i = 0; i < 3; i++) {
      const row = DOP853_EXTRA_A[i];
      for (let k = 0; k < n; k++) {
        let acc = 0;
        for (let j = 0, o = k; j < 13; j++, o += n) acc += row[j] * K[o];
        for (let j = 13; j < row.length; j++) acc += row[j] * extra[(j - 13) * n + k];
        tmp[k] = y[k] + h * acc;
      }
      this.sys.rhs(t + DOP853_EXTRA_C[i] * h, tmp, this.extraViews[i]);
    }
  }

  interpolate(
    out: Float64Array,
    theta: number,
    h: number,
    y0: Float64Array,
    y1: Float64Array,
    data: Float64Array,
    off: number,
  ): Float64Array {
    const n = this.ctx.n;
    switch (this.kind) {
      case 'hermite': {
        const th1 = theta - 1;
        const w0 = 1 - theta;
        for (let k = 0; k < n; k++) {
          const d = y1[k] - y0[k];
          out[k] =
            w0 * y0[k] +
            theta * y1[k] +
            theta * th1 * ((1 - 2 * theta) * d + th1 * h * data[off + k] + theta * h * data[off + n + k]);
        }
        return out;
      }
      case 'tsit5': {
        const R = TSIT5_INTERPOLANT;
        const t2 = theta * theta;
        const t3 = t2 * theta;
        const t4 = t3 * theta;
        const b0 = R[0] * theta + R[1] * t2 + R[2] * t3 + R[3] * t4;
        const b1 = R[5] * t2 + R[6] * t3 + R[7] * t4;
        const b2 = R[9] * t2 + R[10] * t3 + R[11] * t4;
        const b3 = R[13] * t2 + R[14] * t3 + R[15] * t4;
        const b4 = R[17] * t2 + R[18] * t3 + R[19] * t4;
        const b5 = R[21] * t2 + R[22] * t3 + R[23] * t4;
        const b6 = R[25] * t2 + R[26] * t3 + R[27] * t4;
        for (let k = 0; k < n; k++) {
          const o = off + k;
          out[k] =
            y0[k] +
            h *
              (b0 * data[o] +
                b1 * data[o + n] +
                b2 * data[o + 2 * n] +
                b3 * data[o + 3 * n] +
                b4 * data[o + 4 * n] +
                b5 * data[o + 5 * n] +
                b6 * data[o + 6 * n]);
        }
        return out;
      }
      case 'dopri5': {
        const t1 = 1 - theta;
        for (let k = 0; k < n; k++) {
          const o = off + k;
          out[k] =
            y0[k] + theta * (data[o] + t1 * (data[o + n] + theta * (data[o + 2 * n] + t1 * data[o + 3 * n])));
        }
        return out;
      }
      case 'dop853': {
        const t1 = 1 - theta;
        for (let k = 0; k < n; k++) {
          let acc = 0;
          for (let r = 6; r >= 0; r--) {
            acc += data[off + r * n + k];
            acc *= r % 2 === 0 ? theta : t1;
          }
          out[k] = y0[k] + acc;
        }
        return out;
      }
    }
  }
}
