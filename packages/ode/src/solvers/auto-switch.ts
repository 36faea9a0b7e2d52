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
 * h·|λ| above which Tsit5, though inside its stability region, may be accuracy-limited by a stiff
 * component (its error grows with h·λ there): after `probeEvery` such steps, Rodas5P is tried.
 */
const PROBE_HRHO = 0.05;
/** First probe interval (accepted steps); doubled after each probe that did not pay. */
const PROBE_EVERY = 25;
/** Accepted Rodas5P steps after which a probe is judged. */
const PROBE_STEPS = 3;
/** A probe pays when Rodas5P's step exceeds Tsit5's by this factor (its steps cost about twice as much). */
const PROBE_GAIN = 2;

/**
 * `auto`: Tsit5 with stiffness detection (Hairer's estimate |λ| ≈ ‖K7 − K6‖/‖y1 − u6‖ from the last
 * stages), switching to Rodas5P after 10 consecutive steps with h·|λ| beyond Tsit5's stability boundary
 * (stability-limited, as AutoTsit5 in DifferentialEquations.jl), and back when h·‖J‖∞ (an upper bound
 * of h·|λ|) falls inside it for 5 consecutive steps. At tight tolerances a stiff component can limit
 * Tsit5 by accuracy inside its stability region, so after every 25 Tsit5 steps with h·|λ| ≥ 0.05
 * Rodas5P is probed: it stays when, after 3 steps, its step exceeds twice Tsit5's, else Tsit5 resumes
 * and the interval doubles. Every switch (probes included) counts in `stats.stiffnessSwitches`.
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
  /** Tsit5 steps with h·|λ| ≥ PROBE_HRHO since the last switch, and the current probe interval. */
  private probeCount = 0;
  private probeEvery = PROBE_EVERY;
  /** While > 0: Rodas5P is on probation; its accepted steps so far, and Tsit5's last step. */
  private probing = 0;
  private hNonstiff = 0;

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
    this.probing = 0;
  }

  step(t: number, h: number, y: Float64Array, yNew: Float64Array): number {
    this.lastH = h;
    return this.current.step(t, h, y, yNew);
  }

  accept(tNew: number, yNew: Float64Array): void {
    const h = Math.abs(this.lastH);
    if (this.current === this.nonstiff) {
      this.nonstiff.accept(tNew, yNew);
      const hRho = h * this.nonstiff.lastEigenEstimate;
      // stability-limited (Hairer): h·|λ| at Tsit5's boundary for MAX_STIFF_STEPS steps in a row
      this.count = hRho > 0.9 * TSIT5_STABILITY ? this.count + 1 : 0;
      // accuracy-limited by a stiff component: probe Rodas5P now and then
      if (hRho >= PROBE_HRHO) this.probeCount++;
      const stable = this.count >= MAX_STIFF_STEPS;
      if (stable || this.probeCount >= this.probeEvery) {
        this.stiff.reset(tNew, yNew, this.nonstiff.f0);
        this.current = this.stiff;
        this.count = 0;
        this.probeCount = 0;
        this.probing = stable ? 0 : 1;
        this.hNonstiff = h;
        this.ctx.stats.stiffnessSwitches++;
      }
    } else {
      const bound = h * this.stiffSystem.normInf();
      this.stiff.accept(tNew, yNew);
      this.count = bound < 0.9 * TSIT5_STABILITY ? this.count + 1 : 0;
      let back = this.count >= MAX_NONSTIFF_STEPS;
      if (this.probing > 0) {
        this.probing++;
        if (this.probing > PROBE_STEPS) {
          // the probe pays when Rodas5P's steps outgrow Tsit5's; else back off
          const pays = h > PROBE_GAIN * this.hNonstiff;
          this.probing = 0;
          if (pays) this.probeEvery = PROBE_EVERY;
          else {
            this.probeEvery *= 2;
            back = true;
          }
        }
      }
      if (back) {
        this.nonstiff.reset(tNew, yNew, this.stiff.f0);
        this.current = this.nonstiff;
        this.count = 0;
        this.probeCount = 0;
        this.probing = 0;
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
