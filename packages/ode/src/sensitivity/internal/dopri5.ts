/**
 * Dormand–Prince 5(4) with Hairer's order-4 dense output (CONTD5), FSAL, on the solver's tableau
 * data (`DOPRI5_TABLEAU`), which the discrete adjoint differentiates stage by stage.
 *
 * This is the gradient module's self-contained explicit stepper; it stays internal and is replaced
 * by the solver's exported tableaus once they land.
 */

import { emptyStats } from '../../internal/context.ts';
import { DOPRI5_DENSE, DOPRI5_TABLEAU } from '../../solvers/tableaus/dopri5.ts';
import type { Vec } from '../../types.ts';
import type { Stepper } from './stepper.ts';
import type { IntegrationSystem } from './system.ts';

/** b − b̂ (the embedded error weights) and CONTD5's dense weights, from the solver's tableau data. */
const E = DOPRI5_TABLEAU.e as Float64Array;
const DD = DOPRI5_DENSE;

export class Dopri5Stepper implements Stepper {
  readonly kind = 'dopri5' as const;
  readonly errorOrder = 4;
  readonly denseWidth = 5;
  readonly stats = emptyStats();
  readonly sys: IntegrationSystem;
  /** Stage derivatives, 7 × size. */
  private readonly k: Vec[];
  private readonly u: Vec;
  private fsalValid = false;

  constructor(sys: IntegrationSystem) {
    this.sys = sys;
    this.k = Array.from({ length: 7 }, () => new Float64Array(sys.size));
    this.u = new Float64Array(sys.size);
  }

  step(t: number, y: Vec, h: number, yNew: Vec, err: Vec): void {
    const { sys, k, u, stats } = this;
    const m = sys.size;
    const { a, c } = DOPRI5_TABLEAU;
    if (!this.fsalValid) {
      sys.rhs(t, y, k[0]);
      stats.rhsEvals++;
    }
    for (let s = 1; s < 7; s++) {
      for (let i = 0; i < m; i++) {
        let acc = 0;
        for (let j = 0; j < s; j++) acc += a[s * 7 + j] * k[j][i];
        u[i] = y[i] + h * acc;
      }
      sys.rhs(t + c[s] * h, u, k[s]);
    }
    stats.rhsEvals += 6;
    // Stage 7 is evaluated at y + h Σ b k = yNew (FSAL).
    for (let i = 0; i < m; i++) {
      yNew[i] = u[i];
      let e = 0;
      for (let s = 0; s < 7; s++) e += E[s] * k[s][i];
      err[i] = h * e;
    }
  }

  dense(out: Vec, y: Vec, yNew: Vec, h: number): Vec {
    const { k } = this;
    const m = this.sys.size;
    for (let i = 0; i < m; i++) {
      const ydiff = yNew[i] - y[i];
      const bspl = h * k[0][i] - ydiff;
      out[i] = y[i];
      out[m + i] = ydiff;
      out[2 * m + i] = bspl;
      out[3 * m + i] = ydiff - h * k[6][i] - bspl;
      let d = 0;
      for (let s = 0; s < 7; s++) d += DD[s] * k[s][i];
      out[4 * m + i] = h * d;
    }
    return out;
  }

  /** k_1…k_6 (the 7th, f at the new state, only serves FSAL and the error estimate). */
  readonly stageCount = 6;

  copyStages(out: Vec): Vec {
    const m = this.sys.size;
    for (let i = 0; i < 6; i++) out.set(this.k[i], i * m);
    return out;
  }

  accept(): void {
    const k0 = this.k[0];
    this.k[0] = this.k[6];
    this.k[6] = k0;
    this.fsalValid = true;
  }

  reset(): void {
    this.fsalValid = false;
  }
}
