/**
 * The adaptive step loop shared by every gradient method: error control on the first `errSize`
 * components, steps that land exactly on every `stop` (observation times, segment ends), a hook
 * per accepted step (dense output, checkpoints) and a hook per stop that may change the state (the
 * adjoint's jumps λ += ∂g/∂y). Time always increases here; backward sweeps integrate in s = −t.
 */
import { OdeonError } from '../../errors.ts';
import { errorNorm, weightedNorm } from '../../internal/norm.ts';
import type { Vec } from '../../types.ts';
import type { Stepper } from './stepper.ts';

export interface IntegrateOptions {
  readonly rtol: number;
  /** Scalar or per-component absolute tolerance (length errSize). */
  readonly atol: number | Vec;
  /** Strictly increasing times in (t0, t1]; the last one is the end of the integration. */
  readonly stops: Float64Array;
  readonly h0?: number;
  /** Largest allowed step (default: unbounded). */
  readonly dtMax?: number;
  readonly maxSteps: number;
  /** Fixed step sequence to replay (no error control), as used by the discrete adjoint. */
  readonly fixedSteps?: Float64Array;
}

export interface IntegrateHooks {
  /** Called after each accepted step with the dense block (if `dense` is requested). */
  onStep?(t: number, h: number, y: Vec, yNew: Vec, dense: Vec | undefined, hNext: number): void;
  /** Called at each stop; return true if the state was modified in place. */
  onStop?(index: number, t: number, y: Vec): boolean;
  readonly dense?: boolean;
}

export interface IntegrateResult {
  /** Last proposed step size (to restart a neighbouring integration). */
  readonly hNext: number;
}

const EPS = 2.220446049250313e-16;
const SAFETY = 0.9;
const FAC_MIN = 0.2;
const FAC_MAX = 6;

/** Hairer's starting-step heuristic (first part): h = 0.01·‖y‖/‖f‖ in the weighted norm. */
function initialStep(
  stepper: Stepper,
  t0: number,
  y: Vec,
  span: number,
  rtol: number,
  atol: Float64Array,
): number {
  const sys = stepper.sys;
  const m = sys.errSize;
  const f = new Float64Array(y.length);
  sys.rhs(t0, y, f);
  stepper.stats.rhsEvals++;
  const d0 = weightedNorm(y, y, rtol, atol, m);
  const d1 = weightedNorm(f, y, rtol, atol, m);
  const h = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  // never below what t can resolve (a zero-valued adjoint component can make d1 huge)
  return Math.min(Math.max(h, 1e3 * EPS * Math.abs(t0), 1e-3 * EPS * span), span);
}

/** Integrates from t0 to the last stop; `y` is updated in place to the final state. */
export function integrate(
  stepper: Stepper,
  t0: number,
  y: Vec,
  o: IntegrateOptions,
  hooks: IntegrateHooks = {},
): IntegrateResult {
  const m = y.length;
  const errSize = stepper.sys.errSize;
  const yNew = new Float64Array(m);
  const err = new Float64Array(m);
  const dense = hooks.dense ? new Float64Array(m * stepper.denseWidth) : undefined;
  const stats = stepper.stats;
  const { stops } = o;
  const tEnd = stops[stops.length - 1];
  let t = t0;
  let stop = 0;
  while (stop < stops.length && stops[stop] <= t0) stop++;
  stepper.reset();
  if (stop >= stops.length) return { hNext: o.h0 ?? 0 };
  const fixed = o.fixedSteps;
  // the solver's norms take one absolute tolerance per component
  const atol = typeof o.atol === 'number' ? new Float64Array(errSize).fill(o.atol) : o.atol;
  let h = fixed ? fixed[0] : (o.h0 ?? initialStep(stepper, t0, y, tEnd - t0, o.rtol, atol));
  let fixedIndex = 0;
  let facMax = FAC_MAX;
  let accepted = 0;
  while (stop < stops.length) {
    const target = stops[stop];
    if (accepted + stats.rejectedSteps >= o.maxSteps) {
      throw new OdeonError('MaxStepsReached', `Gradient integration took more than ${o.maxSteps} steps.`, {
        t,
        dt: h,
        option: 'maxSteps',
        hint: 'Raise `maxSteps`, loosen the tolerances, or use a stiff method.',
      });
    }
    if (fixed) h = fixed[fixedIndex];
    else if (o.dtMax !== undefined && h > o.dtMax) h = o.dtMax;
    let hStep = h;
    let lands = false;
    if (t + 1.01 * hStep >= target || fixed) {
      if (!fixed || t + hStep >= target - 1e-12 * Math.max(Math.abs(target), Math.abs(hStep))) {
        hStep = target - t;
        lands = true;
      }
    }
    if (!(hStep > 0) || t + hStep === t) {
      throw new OdeonError('StepSizeTooSmall', `Step size ${hStep} underflows at t = ${t}.`, {
        t,
        dt: hStep,
        hint: 'The problem may be stiff or singular here: use a stiff method or check the right-hand side.',
      });
    }
    stepper.step(t, y, hStep, yNew, err);
    stats.steps++;
    let e = fixed ? 0 : errorNorm(err, y, yNew, o.rtol, atol, errSize);
    if (Number.isNaN(e)) e = Number.POSITIVE_INFINITY;
    if (e <= 1) {
      if (dense) stepper.dense(dense, y, yNew, hStep);
      const fac =
        e === 0 ? facMax : Math.min(facMax, Math.max(FAC_MIN, SAFETY * e ** (-1 / (stepper.errorOrder + 1))));
      const proposal = hStep * fac;
      h = lands ? Math.max(proposal, Math.min(h, proposal * 10)) : proposal;
      facMax = FAC_MAX;
      // before `accept`, so the hook still sees this step's stages (FSAL methods rotate them)
      hooks.onStep?.(t, hStep, y, yNew, dense, h);
      stepper.accept();
      y.set(yNew);
      t = lands ? target : t + hStep;
      stats.acceptedSteps++;
      accepted++;
      fixedIndex++;
      if (lands) {
        if (hooks.onStop?.(stop, t, y)) stepper.reset();
        stop++;
      }
    } else {
      stats.rejectedSteps++;
      stepper.reset();
      const fac = Number.isFinite(e)
        ? Math.max(FAC_MIN, SAFETY * e ** (-1 / (stepper.errorOrder + 1)))
        : FAC_MIN;
      h = hStep * fac;
      facMax = 1;
      if (h < 8 * EPS * Math.abs(t) || h === 0) {
        throw new OdeonError('StepSizeTooSmall', `Step size ${h} too small at t = ${t}.`, {
          t,
          dt: h,
          hint: 'The problem may be stiff or singular here: use a stiff method or loosen the tolerances.',
        });
      }
    }
  }
  return { hNext: h };
}
