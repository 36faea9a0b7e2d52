/**
 * A Rosenbrock stepper on the solver's tableau data (`RODAS5P_TABLEAU`, `RODAS4_TABLEAU`, in the
 * transformed form W·k_i = f(t + c_i h, u_i) + Σ_{j<i} (C_ij/h) k_j + h d_i ∂f/∂t, W = I/(hγ) − ∂F/∂y),
 * driving a `StiffSystem` instead of a problem: the system owns the stage matrix, so the gradient
 * methods can factorise only n×n blocks of their augmented systems and solve them blockwise, which
 * the solver's own stepper (it factorises the full Jacobian of whatever it integrates) cannot do.
 *
 * Per step: one `prepare` (Jacobian + LU), F(t, y) and ∂F/∂t (the system's `tgrad`, else a forward
 * difference: one more right-hand side), s − 1 more right-hand sides, s solves.
 */

import { emptyStats } from '../../internal/context.ts';
import type { RosenbrockTableau } from '../../solvers/tableaus/rosenbrock-tableau.ts';
import type { Vec } from '../../types.ts';
import type { DenseKind, Stepper } from './stepper.ts';
import type { StiffSystem } from './system.ts';

const SQRT_EPS = 1.4901161193847656e-8;

/** The time increment of the forward-difference ∂F/∂t (when the system has no `tgrad`). */
export function tgradIncrement(t: number, h: number): number {
  return SQRT_EPS * Math.max(Math.abs(t), Math.abs(h), 1e-300) * (h >= 0 ? 1 : -1);
}

export class RosenbrockStepper implements Stepper {
  readonly kind: DenseKind;
  readonly errorOrder: number;
  readonly denseWidth: number;
  readonly stats = emptyStats();
  readonly sys: StiffSystem;
  private readonly tab: RosenbrockTableau;
  private readonly k: Vec[];
  private readonly u: Vec;
  private readonly f0: Vec;
  private readonly dT: Vec;

  constructor(sys: StiffSystem, tab: RosenbrockTableau) {
    this.sys = sys;
    this.tab = tab;
    this.kind = tab.denseRows === 2 ? 'rosenbrock2' : 'rosenbrock3';
    this.errorOrder = tab.embeddedOrder;
    this.denseWidth = 2 + tab.denseRows;
    const m = sys.size;
    this.k = Array.from({ length: tab.stages }, () => new Float64Array(m));
    this.u = new Float64Array(m);
    this.f0 = new Float64Array(m);
    this.dT = new Float64Array(m);
  }

  step(t: number, y: Vec, h: number, yNew: Vec, err: Vec): void {
    const { sys, tab, k, u, f0, dT, stats } = this;
    const m = sys.size;
    const s = tab.stages;
    const { a, C, c, d, b, e } = tab;
    const dt = tgradIncrement(t, h);
    // prepare first: a system may reuse the Jacobian it factorises for F(t, y) (the adjoint does)
    sys.prepare(t, y, 1 / (h * tab.gamma));
    stats.jacobianEvals++;
    stats.luFactorizations++;
    sys.rhs(t, y, f0);
    if (sys.tgrad) sys.tgrad(t, y, dT);
    else {
      sys.rhs(t + dt, y, dT);
      for (let q = 0; q < m; q++) dT[q] = (dT[q] - f0[q]) / dt;
      stats.rhsEvals++;
    }
    const invH = 1 / h;
    for (let i = 0; i < s; i++) {
      const row = i * s;
      const ki = k[i];
      if (i === 0) ki.set(f0);
      else {
        for (let q = 0; q < m; q++) {
          let acc = y[q];
          for (let j = 0; j < i; j++) acc += a[row + j] * k[j][q];
          u[q] = acc;
        }
        sys.rhs(t + c[i] * h, u, ki);
      }
      const hd = h * d[i];
      for (let q = 0; q < m; q++) {
        let acc = 0;
        for (let j = 0; j < i; j++) acc += C[row + j] * k[j][q];
        ki[q] += acc * invH + hd * dT[q];
      }
      sys.solve(ki);
    }
    for (let q = 0; q < m; q++) {
      let acc = y[q];
      let ea = 0;
      for (let j = 0; j < s; j++) {
        acc += b[j] * k[j][q];
        ea += e[j] * k[j][q];
      }
      yNew[q] = acc;
      err[q] = ea;
    }

    stats.rhsEvals += s;
    stats.linearSolves += s;
  }

  dense(out: Vec, y: Vec, yNew: Vec, _h: number): Vec {
    const { k, tab } = this;
    const m = this.sys.size;
    const s = tab.stages;
    const H = tab.dense;
    out.set(y.subarray(0, m), 0);
    out.set(yNew.subarray(0, m), m);
    for (let r = 0; r < tab.denseRows; r++) {
      const o = (2 + r) * m;
      for (let q = 0; q < m; q++) {
        let acc = 0;
        for (let j = 0; j < s; j++) acc += H[r * s + j] * k[j][q];
        out[o + q] = acc;
      }
    }
    return out;
  }

  get stageCount(): number {
    return this.tab.stages;
  }

  copyStages(out: Vec): Vec {
    const m = this.sys.size;
    for (let i = 0; i < this.k.length; i++) out.set(this.k[i], i * m);
    return out;
  }

  accept(): void {}
  reset(): void {}
}
