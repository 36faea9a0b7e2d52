/**
 * Dormand–Prince 5(4) with Hairer's order-4 dense output (CONTD5), FSAL. The Butcher tableau is
 * exported as data because the discrete adjoint differentiates exactly these stages.
 *
 * This is the gradient module's self-contained explicit stepper; it stays internal and is replaced
 * by the solver's exported tableaus once they land.
 */
import type { Vec } from '../../types.ts';
import type { Stepper } from './stepper.ts';
import { emptyStats, type IntegrationSystem } from './system.ts';

/** An explicit Runge–Kutta tableau: a (row-major s×s, strictly lower), b, c. */
export interface ExplicitTableau {
  readonly stages: number;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
}

/** The 7-stage Dormand–Prince tableau (the 7th stage only serves FSAL and the error estimate). */
export const DOPRI5_TABLEAU: ExplicitTableau = {
  stages: 7,
  a: Float64Array.from([
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1 / 5,
    0,
    0,
    0,
    0,
    0,
    0,
    3 / 40,
    9 / 40,
    0,
    0,
    0,
    0,
    0,
    44 / 45,
    -56 / 15,
    32 / 9,
    0,
    0,
    0,
    0,
    19372 / 6561,
    -25360 / 2187,
    64448 / 6561,
    -212 / 729,
    0,
    0,
    0,
    9017 / 3168,
    -355 / 33,
    46732 / 5247,
    49 / 176,
    -5103 / 18656,
    0,
    0,
    35 / 384,
    0,
    500 / 1113,
    125 / 192,
    -2187 / 6784,
    11 / 84,
    0,
  ]),
  b: Float64Array.from([35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0]),
  c: Float64Array.from([0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1]),
};

/** b − b̂: the embedded error weights. */
const E = Float64Array.from([71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40]);
/** CONTD5 dense-output weights. */
const DD = Float64Array.from([
  -12715105075 / 11282082432,
  0,
  87487479700 / 32700410799,
  -10690763975 / 1880347072,
  701980252875 / 199316789632,
  -1453857185 / 822651844,
  69997945 / 29380423,
]);

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
    const { a, c, b } = DOPRI5_TABLEAU;
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
    void b;
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
