import type { SolverContext } from '../internal/context.ts';
import type { SwitchingStepper } from '../internal/integrate.ts';
import { ProblemSystem } from '../internal/problem-system.ts';
import type { Stepper } from '../internal/stepper.ts';
import { ExplicitRkStepper } from './explicit-rk.ts';
import { RosenbrockStepper } from './rosenbrock.ts';
import { RODAS5P_TABLEAU } from './tableaus/rodas5p.ts';
import { TSIT5_TABLEAU } from './tableaus/tsit5.ts';

/** |h·λ| beyond which Tsit5 is stability-limited (its stability region reaches about −3.5 on the real axis). */
const TSIT5_STABILITY = 3.5;
/** Consecutive stiff-looking steps before switching to the stiff method. */
const MAX_STIFF_STEPS = 10;
/** Consecutive non-stiff-looking steps before switching back. */
const MAX_NONSTIFF_STEPS = 5;

/**
 * `auto`: Tsit5 with stiffness detection (Hairer's estimate |λ| ≈ ‖K7 − K6‖/‖y1 − u6‖), switching to
 * Rodas5P after 10 consecutive steps with h·|λ| beyond Tsit5's stability boundary, and back when
 * h·‖J‖∞ (an upper bound of h·|λ|) falls inside it for 5 consecutive steps — as AutoTsit5 in
 * DifferentialEquations.jl.
 */
export class AutoSwitchStepper implements SwitchingStepper {
  readonly name = 'auto';
  readonly adaptive = true;
  readonly denseVectors: number;
  private readonly ctx: SolverContext;
  private readonly nonstiff: ExplicitRkStepper;
  private readonly stiff: RosenbrockStepper;
  private readonly stiffSystem: ProblemSystem;
  private current: Stepper;
  private count = 0;
  private lastH = 0;

  constructor(ctx: SolverContext) {
    this.ctx = ctx;
    this.nonstiff = new ExplicitRkStepper(ctx, TSIT5_TABLEAU, 'tsit5', true);
    this.stiffSystem = new ProblemSystem(ctx);
    this.stiff = new RosenbrockStepper(ctx, RODAS5P_TABLEAU, this.stiffSystem);
    this.current = this.nonstiff;
    this.denseVectors = Math.max(this.nonstiff.denseVectors, this.stiff.denseVectors);
  }

  get active(): Stepper {
    return this.current;
  }
  get order(): number {
    return this.current.order;
  }
  get controlOrder(): number {
    return this.current.controlOrder;
  }
  get f0(): Float64Array {
    return this.current.f0;
  }
  /** True while the stiff method is active. */
  get isStiff(): boolean {
    return this.current === this.stiff;
  }

  reset(t: number, y: Float64Array, f0?: Float64Array): void {
    this.current.reset(t, y, f0);
    this.count = 0;
  }

  step(t: number, h: number, y: Float64Array, yNew: Float64Array): number {
    this.lastH = h;
    return this.current.step(t, h, y, yNew);
  }

  accept(tNew: number, yNew: Float64Array): void {
    const h = Math.abs(this.lastH);
    if (this.current === this.nonstiff) {
      this.nonstiff.accept(tNew, yNew);
      const stiffLooking = h * this.nonstiff.lastEigenEstimate > 0.9 * TSIT5_STABILITY;
      this.count = stiffLooking ? this.count + 1 : 0;
      if (this.count >= MAX_STIFF_STEPS) {
        this.stiff.reset(tNew, yNew, this.nonstiff.f0);
        this.current = this.stiff;
        this.count = 0;
        this.ctx.stats.stiffnessSwitches++;
      }
    } else {
      const bound = h * this.stiffSystem.normInf();
      this.stiff.accept(tNew, yNew);
      this.count = bound < 0.9 * TSIT5_STABILITY ? this.count + 1 : 0;
      if (this.count >= MAX_NONSTIFF_STEPS) {
        this.nonstiff.reset(tNew, yNew, this.stiff.f0);
        this.current = this.nonstiff;
        this.count = 0;
        this.ctx.stats.stiffnessSwitches++;
      }
    }
  }

  reject(): void {
    this.current.reject();
  }

  denseData(out: Float64Array, off: number, t: number, h: number, y: Float64Array, yNew: Float64Array): void {
    this.current.denseData(out, off, t, h, y, yNew);
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
    return this.current.interpolate(out, theta, h, y0, y1, data, off);
  }
}
