/**
 * The forward solve every method starts with: integrates y from t0, landing on every observation
 * time (or, for `quadrature`, stepping across them and interpolating), records y(t_i), evaluates the loss (and the running cost ∫q dt by G7K15 on each step's dense
 * output), and hands each accepted step to the caller (to store dense output or checkpoints).
 */
import { OdeonError } from '../../errors.ts';
import type { SolveStats, Vec } from '../../types.ts';
import { GK15 } from '../gauss-kronrod.ts';
import { forwardStops, type GradientContext, makeStepper, ProblemSystem } from './context.ts';
import { integrate } from './integrate.ts';
import { evalDense, type Stepper } from './stepper.ts';

export interface ForwardPassResult {
  /** y(t_i) for every observation, row-major (obs × n). */
  readonly obsY: Float64Array;
  readonly value: number;
  readonly stats: SolveStats;
  readonly yEnd: Vec;
}

export interface ForwardPassHooks {
  readonly dense?: boolean;
  /**
   * Step across observation times and take y(t_i) from the dense output (as `solve` does with
   * `saveAt`) instead of landing on each one. Only for methods that keep the dense trajectory or
   * differentiate the interpolant, and never restart the forward integration at observations
   * (`quadrature`, and `discrete` on Rosenbrock steps). A `fixedSteps` replay keeps the same mode.
   */
  readonly interpolateObservations?: boolean;
  /** Integrate with this stepper (built by the caller on a `ProblemSystem`, to read its stages in `onStep`). */
  readonly stepper?: Stepper;
  onStep?(t: number, h: number, y: Vec, yNew: Vec, dense: Vec | undefined, hNext: number): void;
}

export function forwardPass(ctx: GradientContext, hooks: ForwardPassHooks = {}): ForwardPassResult {
  const { n, obsT, loss, integral } = ctx;
  const stepper = hooks.stepper ?? makeStepper(ctx.integrator, new ProblemSystem(ctx));
  const interp = hooks.interpolateObservations === true;
  const stops = interp ? Float64Array.of(ctx.t1) : forwardStops(ctx);
  const obsY = new Float64Array(obsT.length * n);
  const y = Float64Array.from(ctx.y0);
  let i = 0;
  while (i < obsT.length && obsT[i] <= ctx.t0) obsY.set(y, n * i++);
  let qValue = 0;
  const yq = new Float64Array(n);
  const kind = stepper.kind;
  integrate(
    stepper,
    ctx.t0,
    y,
    {
      rtol: ctx.rtol,
      atol: ctx.atol,
      stops,
      maxSteps: ctx.maxSteps,
      dtMax: ctx.dtMax,
      ...(Number.isNaN(ctx.dt0) ? {} : { h0: Math.min(ctx.dt0, ctx.t1 - ctx.t0) }),
      ...(ctx.fixedSteps ? { fixedSteps: ctx.fixedSteps } : {}),
    },
    {
      dense: hooks.dense === true || integral !== undefined || interp,
      onStep: (t, h, y0, y1, block, hNext) => {
        if (interp) {
          // observations strictly inside the step (one at its end is the next step's start, or t1's stop)
          const tEnd = t + h;
          while (i < obsT.length && obsT[i] < tEnd) {
            const theta = Math.max(0, (obsT[i] - t) / h);
            evalDense(yq, kind, block!, 0, n, theta);
            obsY.set(yq, n * i++);
          }
        }
        if (integral && block) {
          let acc = 0;
          for (let q = 0; q < 15; q++) {
            const theta = 0.5 * (GK15.x[q] + 1);
            evalDense(yq, kind, block, 0, n, theta);
            acc += GK15.wk[q] * integral.value(t + theta * h, yq);
          }
          qValue += 0.5 * h * acc;
        }
        hooks.onStep?.(t, h, y0, y1, block, hNext);
      },
      onStop: (_k, t, yk) => {
        while (i < obsT.length && obsT[i] <= t) obsY.set(yk, n * i++);
        return false;
      },
    },
  );
  let value = qValue;
  const yi = new Float64Array(n);
  for (let k = 0; k < obsT.length; k++) {
    yi.set(obsY.subarray(k * n, (k + 1) * n));
    value += loss.value(k, obsT[k], yi);
  }
  return { obsY, value, stats: stepper.stats, yEnd: y };
}

/** λ += ∂g_i/∂y(t_i) for observation i (the adjoint's jump). */
export function addLossGradient(
  ctx: GradientContext,
  i: number,
  obsY: Float64Array,
  lambda: Vec,
  work: Vec,
  yi: Vec,
): void {
  const n = ctx.n;
  yi.set(obsY.subarray(i * n, (i + 1) * n));
  work.fill(0);
  ctx.loss.grad(i, ctx.obsT[i], yi, work);
  checkLossGradient(work, i);
  for (let j = 0; j < n; j++) lambda[j] += work[j];
}

/** Throws `GradientFailed` when loss.grad wrote a non-finite value. */
export function checkLossGradient(g: Vec, i: number): void {
  for (let j = 0; j < g.length; j++) {
    if (!Number.isFinite(g[j])) {
      throw new OdeonError(
        'GradientFailed',
        `loss.grad returned a non-finite value (${g[j]}) at observation ${i}, component ${j}.`,
        {
          component: j,
          hint: 'Check the loss gradient at this observation.',
        },
      );
    }
  }
}

/**
 * Default absolute tolerance of the adjoint: rtol·max_i ‖∂g_i/∂y‖∞ (CVODES users' common atolB = rtol
 * for O(1) loss gradients). When λ decays by orders of magnitude (one late observation of a stiff
 * system), pass a smaller `adjointAtol`.
 */
export function defaultAdjointAtol(ctx: GradientContext, obsY: Float64Array): number {
  if (ctx.adjointAtol !== undefined) return ctx.adjointAtol;
  const n = ctx.n;
  const g = new Float64Array(n);
  const yi = new Float64Array(n);
  let scale = 0;
  for (let i = 0; i < ctx.obsT.length; i++) {
    yi.set(obsY.subarray(i * n, (i + 1) * n));
    g.fill(0);
    ctx.loss.grad(i, ctx.obsT[i], yi, g);
    checkLossGradient(g, i);
    for (let j = 0; j < n; j++) scale = Math.max(scale, Math.abs(g[j]));
  }
  if (ctx.integral) scale = Math.max(scale, 1);
  return ctx.adjointRtol * (scale > 0 ? scale : 1);
}
