/**
 * Rodas4 (Hairer & Wanner, RODAS, order 4(3), L-stable, stiffly accurate) with its order-3 dense
 * output. Coefficients as in Hairer's rodas.f (METH=1), in the "C/h" formulation of
 * OrdinaryDiffEq.jl. Each step: one Jacobian + one LU of the n×n stage matrix (done by the
 * system's `prepare`), six stage solves, six right-hand sides plus one for ∂F/∂t by a forward
 * difference (exactly zero for autonomous right-hand sides).
 *
 * This is the gradient module's self-contained stiff stepper; it stays internal and is replaced by
 * the solver's own Rosenbrock internals once they are exported.
 */
import type { Vec } from '../../types.ts';
import type { Stepper } from './stepper.ts';
import { emptyStats, type StiffSystem } from './system.ts';

const GAMMA = 0.25;
const A21 = 1.544;
const A31 = 0.9466785280815826;
const A32 = 0.2557011698983284;
const A41 = 3.314825187068521;
const A42 = 2.896124015972201;
const A43 = 0.9986419139977817;
const A51 = 1.221224509226641;
const A52 = 6.019134481288629;
const A53 = 12.53708332932087;
const A54 = -0.687886036105895;
const C21 = -5.6688;
const C31 = -2.430093356833875;
const C32 = -0.2063599157091915;
const C41 = -0.1073529058151375;
const C42 = -9.594562251023355;
const C43 = -20.47028614809616;
const C51 = 7.496443313967647;
const C52 = -10.24680431464352;
const C53 = -33.99990352819905;
const C54 = 11.7089089320616;
const C61 = 8.083246795921522;
const C62 = -7.981132988064893;
const C63 = -31.52159432874371;
const C64 = 16.31930543123136;
const C65 = -6.058818238834054;
const CC2 = 0.386;
const CC3 = 0.21;
const CC4 = 0.63;
const D1 = 0.25;
const D2 = -0.1043;
const D3 = 0.1035;
const D4 = -0.03620000000000023;
const H21 = 10.12623508344586;
const H22 = -7.487995877610167;
const H23 = -34.80091861555747;
const H24 = -7.992771707568823;
const H25 = 1.025137723295662;
const H31 = -0.6762803392801253;
const H32 = 6.087714651680015;
const H33 = 16.43084320892478;
const H34 = 24.76722511418386;
const H35 = -6.594389125716872;

const SQRT_EPS = 1.4901161193847656e-8;

export class Rodas4Stepper implements Stepper {
  readonly kind = 'rodas4' as const;
  readonly errorOrder = 3;
  readonly denseWidth = 4;
  readonly stats = emptyStats();
  readonly sys: StiffSystem;
  private readonly k1: Vec;
  private readonly k2: Vec;
  private readonly k3: Vec;
  private readonly k4: Vec;
  private readonly k5: Vec;
  private readonly u: Vec;
  private readonly f0: Vec;
  private readonly dT: Vec;

  constructor(sys: StiffSystem) {
    this.sys = sys;
    const m = sys.size;
    this.k1 = new Float64Array(m);
    this.k2 = new Float64Array(m);
    this.k3 = new Float64Array(m);
    this.k4 = new Float64Array(m);
    this.k5 = new Float64Array(m);
    this.u = new Float64Array(m);
    this.f0 = new Float64Array(m);
    this.dT = new Float64Array(m);
  }

  step(t: number, y: Vec, h: number, yNew: Vec, err: Vec): void {
    const { sys, k1, k2, k3, k4, k5, u, f0, dT, stats } = this;
    const m = sys.size;
    // ∂F/∂t by a forward difference inside the step (zero for autonomous systems).
    const dt = SQRT_EPS * Math.max(Math.abs(t), Math.abs(h), 1e-300) * (h >= 0 ? 1 : -1);
    sys.rhs(t, y, f0);
    sys.rhs(t + dt, y, dT);
    stats.rhsEvals += 2;
    for (let i = 0; i < m; i++) dT[i] = (dT[i] - f0[i]) / dt;
    sys.prepare(t, y, 1 / (h * GAMMA));
    stats.jacobianEvals++;
    stats.luFactorizations++;
    const ih = 1 / h;
    for (let i = 0; i < m; i++) k1[i] = f0[i] + h * D1 * dT[i];
    sys.solve(k1);
    for (let i = 0; i < m; i++) u[i] = y[i] + A21 * k1[i];
    sys.rhs(t + CC2 * h, u, k2);
    for (let i = 0; i < m; i++) k2[i] += h * D2 * dT[i] + ih * C21 * k1[i];
    sys.solve(k2);
    for (let i = 0; i < m; i++) u[i] = y[i] + A31 * k1[i] + A32 * k2[i];
    sys.rhs(t + CC3 * h, u, k3);
    for (let i = 0; i < m; i++) k3[i] += h * D3 * dT[i] + ih * (C31 * k1[i] + C32 * k2[i]);
    sys.solve(k3);
    for (let i = 0; i < m; i++) u[i] = y[i] + A41 * k1[i] + A42 * k2[i] + A43 * k3[i];
    sys.rhs(t + CC4 * h, u, k4);
    for (let i = 0; i < m; i++) k4[i] += h * D4 * dT[i] + ih * (C41 * k1[i] + C42 * k2[i] + C43 * k3[i]);
    sys.solve(k4);
    for (let i = 0; i < m; i++) u[i] = y[i] + A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i];
    sys.rhs(t + h, u, k5);
    for (let i = 0; i < m; i++) k5[i] += ih * (C51 * k1[i] + C52 * k2[i] + C53 * k3[i] + C54 * k4[i]);
    sys.solve(k5);
    for (let i = 0; i < m; i++) u[i] += k5[i];
    sys.rhs(t + h, u, err);
    for (let i = 0; i < m; i++)
      err[i] += ih * (C61 * k1[i] + C62 * k2[i] + C63 * k3[i] + C64 * k4[i] + C65 * k5[i]);
    sys.solve(err);
    for (let i = 0; i < m; i++) yNew[i] = u[i] + err[i];
    stats.rhsEvals += 5;
    stats.linearSolves += 6;
  }

  dense(out: Vec, y: Vec, yNew: Vec, _h: number): Vec {
    const { k1, k2, k3, k4, k5 } = this;
    const m = this.sys.size;
    for (let i = 0; i < m; i++) {
      out[i] = y[i];
      out[m + i] = yNew[i];
      out[2 * m + i] = H21 * k1[i] + H22 * k2[i] + H23 * k3[i] + H24 * k4[i] + H25 * k5[i];
      out[3 * m + i] = H31 * k1[i] + H32 * k2[i] + H33 * k3[i] + H34 * k4[i] + H35 * k5[i];
    }
    return out;
  }

  accept(): void {}
  reset(): void {}
}
