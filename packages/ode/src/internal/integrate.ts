import { OdeonError } from '../errors.ts';
import type { FiredEvent, OdeEvent, Solution, SolveStats } from '../types.ts';
import type { SolverContext } from './context.ts';
import { crosses, illinois } from './events.ts';
import { GrowableF64 } from './growable.ts';
import type { Stepper } from './stepper.ts';

const EPS = Number.EPSILON;
const SAFETY = 0.9;
const FAC_MIN = 0.2;
const FAC_MAX = 10;
/** Each step is checked for sign changes at this many sub-intervals of its dense output. */
const EVENT_POINTS = 5;

/** Everything `integrate` needs besides the context and the stepper (validated by `solve`). */
export interface IntegrateSettings {
  readonly t0: number;
  readonly t1: number;
  readonly y0: Float64Array;
  /** Fixed step size, or NaN for adaptive stepping. */
  readonly dt: number;
  readonly dt0: number;
  readonly dtMax: number;
  readonly maxSteps: number;
  readonly saveAt: Float64Array | undefined;
  readonly tstops: Float64Array;
  readonly events: readonly OdeEvent[];
  readonly dense: boolean;
  readonly names: readonly string[] | undefined;
  /**
   * A frozen step sequence (replays of recorded steps, frozen-step checks of the discrete adjoint):
   * step k has size steps[k] and is accepted whatever its error estimate; no controller, no initial step.
   */
  readonly steps?: Float64Array;
  /** Only the first `errSize` components enter the initial-step norms (augmented systems; default n). */
  readonly errSize?: number;
}

/**
 * Observers of the driver (see `system.ts`): the gradient code reads each accepted step's stages and
 * dense data here, and each event's jump, instead of running a loop of its own.
 */
export interface DriverHooks {
  /**
   * After each accepted step from (t, y) to (t + h, yNew), before `stepper.accept` (so `stepper`, the
   * active method, still holds the step's stages). For a step cut short by an event, called with the
   * full step; the event follows.
   */
  onStep?(stepper: Stepper, t: number, h: number, y: Float64Array, yNew: Float64Array): void;
  /**
   * At an event time t, after the affects ran: the state and parameters before and after them, and the
   * indices (into `events`) of the events that fired.
   */
  onEvent?(
    t: number,
    yPre: Float64Array,
    yPost: Float64Array,
    pPre: Float64Array,
    pPost: Float64Array,
    fired: readonly number[],
  ): void;
}

/** A stepper that delegates to one of several (auto-switching); the dense store records which. */
export interface SwitchingStepper extends Stepper {
  readonly active: Stepper;
}

function activeOf(s: Stepper): Stepper {
  return (s as Partial<SwitchingStepper>).active ?? s;
}

/** Dense output of the whole solve: per step its start, size, end, end states and interpolation data. */
class DenseStore {
  readonly tStart = new GrowableF64();
  readonly h = new GrowableF64();
  readonly tEnd = new GrowableF64();
  readonly data = new GrowableF64(1024);
  readonly owners: Stepper[] = [];
  readonly stride: number;

  constructor(
    readonly n: number,
    readonly vectors: number,
  ) {
    this.stride = (2 + vectors) * n;
  }

  push(
    owner: Stepper,
    tStart: number,
    h: number,
    tEnd: number,
    y0: Float64Array,
    y1: Float64Array,
    step: Float64Array,
  ): void {
    const n = this.n;
    this.tStart.push(tStart);
    this.h.push(h);
    this.tEnd.push(tEnd);
    this.owners.push(owner);
    this.data.reserve(this.stride);
    const d = this.data.data;
    const off = this.data.length;
    d.set(y0.subarray(0, n), off);
    d.set(y1.subarray(0, n), off + n);
    d.set(step.subarray(0, this.stride - 2 * n), off + 2 * n);
    this.data.length = off + this.stride;
  }
}

/**
 * The integration driver: step-size control (PI), tstops, saveAt by interpolation, events with root
 * finding on the dense output, dense storage and statistics. Allocation-free per step except for the
 * growth of the output buffers.
 */
export function integrate(
  ctx: SolverContext,
  stepper: Stepper,
  set: IntegrateSettings,
  hooks: DriverHooks = {},
): Solution {
  const { n, stats } = ctx;
  const { t0, t1, saveAt, tstops, events, dtMax, maxSteps } = set;
  const dir = t1 >= t0 ? 1 : -1;
  const span = Math.abs(t1 - t0);
  const seq = set.steps;
  let seqIndex = 0;
  const fixed = !Number.isNaN(set.dt) || seq !== undefined;
  const nev = events.length;

  let y = new Float64Array(set.y0);
  let yNew = new Float64Array(n);
  const yTmp = new Float64Array(n);
  const stepData = new Float64Array(Math.max(1, stepper.denseVectors) * n);
  const dense = set.dense ? new DenseStore(n, stepper.denseVectors) : undefined;

  const outT = new GrowableF64(saveAt === undefined ? 256 : saveAt.length);
  const outY = new GrowableF64((saveAt === undefined ? 256 : saveAt.length) * n);
  const fired: FiredEvent[] = [];
  let status: 'success' | 'terminated' = 'success';

  let t = t0;
  stepper.reset(t, y);
  checkFinite(stepper.f0, t, 'the right-hand side at t0', set.names);

  let savePtr = 0;
  if (saveAt === undefined) {
    outT.push(t);
    outY.pushVec(y, n);
  } else {
    while (savePtr < saveAt.length && saveAt[savePtr] === t0) {
      outT.push(t0);
      outY.pushVec(y, n);
      savePtr++;
    }
  }
  let stopPtr = 0;
  while (stopPtr < tstops.length && dir * (tstops[stopPtr] - t0) <= 0) stopPtr++;

  const gPrev = new Float64Array(nev);
  const gNew = new Float64Array(nev);
  const roots = new Float64Array(nev);
  const bracketLo = new Float64Array(nev);
  const gInt = new Float64Array((EVENT_POINTS + 1) * nev);
  const onEvent = hooks.onEvent;
  const onStep = hooks.onStep;
  const yPre = onEvent === undefined ? yTmp : new Float64Array(n);
  const pPre = onEvent === undefined ? ctx.p : new Float64Array(ctx.p.length);
  const firedNow: number[] = [];
  for (let i = 0; i < nev; i++) gPrev[i] = events[i].condition(t, y, ctx.p);

  let h =
    seq !== undefined
      ? seq[0]
      : fixed
        ? dir * set.dt
        : initialStep(ctx, stepper, t, y, dir, span, set.dt0, dtMax, set.errSize ?? n);
  let errOld = 1e-4;
  let lastRejected = false;
  let nonFinite = false;
  let singularCount = 0;
  let stepDataValid = false;

  while (dir * (t1 - t) > 0) {
    if (stats.steps >= maxSteps) {
      throw new OdeonError(
        'MaxStepsReached',
        `Reached maxSteps = ${maxSteps} at t = ${t} before t1 = ${t1}.`,
        {
          t,
          dt: h,
          option: 'maxSteps',
          value: maxSteps,
          hint: 'The problem may be stiff (try method "rodas5p" or "auto"), or raise maxSteps.',
        },
      );
    }
    // the next point we must hit exactly: a tstop or t1
    const target = stopPtr < tstops.length && dir * (tstops[stopPtr] - t1) < 0 ? tstops[stopPtr] : t1;
    if (seq !== undefined) h = seq[Math.min(seqIndex, seq.length - 1)];
    else if (Math.abs(h) > dtMax) h = dir * dtMax;
    // the step size before clamping to a tstop, restored after the clamped step (Hairer)
    const hProposed = h;
    let hitTarget = false;
    if (seq !== undefined) {
      // a frozen sequence keeps its step sizes bit for bit; its last step lands on the target, and so
      // does a step that reaches a tstop to rounding (the recorded run landed on it)
      hitTarget =
        seqIndex >= seq.length - 1 ||
        Math.abs(t + h - target) <= 4 * EPS * Math.max(Math.abs(target), Math.abs(h));
    } else if (
      dir * (t + 1.01 * h - target) >= 0 ||
      (fixed && dir * (t + h - target) >= -1e-12 * Math.abs(h))
    ) {
      h = target - t;
      hitTarget = true;
    }
    if (h === 0 || Math.abs(h) <= 4 * EPS * Math.abs(t) || singularCount >= 20) {
      if (nonFinite) throw nonFiniteError(yNew, t, h, set.names);
      if (singularCount > 0) {
        throw new OdeonError('SingularMatrix', `The iteration matrix I/(hγ) − J is singular at t = ${t}.`, {
          t,
          dt: h,
          hint: 'Check the Jacobian (NaN or infinite entries?) or try an explicit method for this problem.',
        });
      }
      throw new OdeonError('StepSizeTooSmall', `Step size ${h} too small at t = ${t}.`, {
        t,
        dt: h,
        hint: 'The solution may blow up or be discontinuous here; check the model, or try a stiff method ("rodas5p").',
      });
    }

    const err = stepper.step(t, h, y, yNew);
    stats.steps++;
    stepDataValid = false;

    if (seq !== undefined) {
      if (!Number.isFinite(err)) throw nonFiniteError(yNew, t + h, h, set.names);
      seqIndex++;
    } else if (fixed) {
      if (!(err === 0)) throw nonFiniteError(yNew, t + h, h, set.names);
    } else if (!(err <= 1)) {
      // rejected (also NaN / Inf)
      stats.rejectedSteps++;
      stepper.reject();
      const singular = hasFlag(stepper, 'singular');
      singularCount = singular ? singularCount + 1 : 0;
      nonFinite = Number.isNaN(err) || (err === Number.POSITIVE_INFINITY && !singular);
      if (stepper.nextStep !== undefined) {
        if (singular) nonFinite = false;
        h = stepper.nextStep(h, err, false);
      } else if (!Number.isFinite(err)) {
        if (singular) nonFinite = false;
        h *= 0.25;
      } else {
        const fac = Math.max(FAC_MIN, SAFETY * err ** (-1 / stepper.controlOrder));
        h *= lastRejected ? Math.min(fac, 1) : fac;
      }
      lastRejected = true;
      continue;
    }
    nonFinite = false;
    singularCount = 0;
    stats.acceptedSteps++;
    const tNew = hitTarget ? target : t + h;
    if (onStep !== undefined) onStep(activeOf(stepper), t, h, y, yNew);

    // events
    let tEnd = tNew;
    let firedCount = 0;
    let terminal = false;
    if (nev > 0) {
      for (let i = 0; i < nev; i++) gNew[i] = events[i].condition(tNew, yNew, ctx.p);
      // sign changes between the step's ends and at interior points of the dense output (so that a
      // condition crossing zero twice within one step, or starting at zero, is not missed)
      const act = activeOf(stepper);
      act.denseData(stepData, 0, t, h, y, yNew);
      stepDataValid = true;
      for (let k = 1; k < EVENT_POINTS; k++) {
        const tk = t + (k / EVENT_POINTS) * h;
        act.interpolate(yTmp, k / EVENT_POINTS, h, y, yNew, stepData, 0);
        for (let i = 0; i < nev; i++) gInt[k * nev + i] = events[i].condition(tk, yTmp, ctx.p);
      }
      let any = false;
      for (let i = 0; i < nev; i++) {
        gInt[i] = gPrev[i];
        gInt[EVENT_POINTS * nev + i] = gNew[i];
        bracketLo[i] = Number.NaN;
        const dirI = events[i].direction ?? 0;
        let ka = -1;
        for (let k = 0; k <= EVENT_POINTS; k++) {
          const gk = gInt[k * nev + i];
          if (ka >= 0 && crosses(gInt[ka * nev + i], gk, dirI)) {
            bracketLo[i] = ka;
            any = true;
            break;
          }
          if (gk !== 0) ka = k;
        }
      }
      if (any) {
        const tStart = t;
        const yStart = y;
        const hStep = h;
        const yEnd = yNew;
        const g = (i: number) => (tq: number) => {
          act.interpolate(yTmp, (tq - tStart) / hStep, hStep, yStart, yEnd, stepData, 0);
          return events[i].condition(tq, yTmp, ctx.p);
        };
        let tMin = tNew;
        roots.fill(Number.NaN);
        const tol = 1e-12 * Math.max(Math.abs(t), Math.abs(tNew), Math.abs(h));
        for (let i = 0; i < nev; i++) {
          if (Number.isNaN(bracketLo[i])) continue;
          const ka = bracketLo[i];
          const kb = ka + 1;
          const ta = ka === 0 ? t : t + (ka / EVENT_POINTS) * h;
          const tb = kb === EVENT_POINTS ? tNew : t + (kb / EVENT_POINTS) * h;
          const r = illinois(g(i), ta, gInt[ka * nev + i], tb, gInt[kb * nev + i], tol);
          roots[i] = r;
          if (dir * (r - tMin) < 0) tMin = r;
        }
        // events whose roots coincide (within a few tolerances) fire together at the latest of them,
        // so that every one of them has crossed when the integration restarts
        let tEv = tMin;
        for (let i = 0; i < nev; i++) {
          if (Number.isNaN(roots[i])) continue;
          if (Math.abs(roots[i] - tMin) <= 4 * tol) {
            if (dir * (roots[i] - tEv) > 0) tEv = roots[i];
          } else roots[i] = Number.NaN;
        }
        for (let i = 0; i < nev; i++) {
          if (Number.isNaN(roots[i])) continue;
          fired.push({ t: tEv, index: i });
          firedCount++;
          if (events[i].terminal === true) terminal = true;
        }
        tEnd = tEv;
        // save points up to the event, the pre-event state, then apply the affects
        if (saveAt !== undefined) {
          savePtr = emitSaves(
            saveAt,
            savePtr,
            dir,
            tEnd,
            false,
            act,
            t,
            h,
            y,
            yNew,
            stepData,
            yTmp,
            outT,
            outY,
            n,
          );
        }
        if (dense !== undefined) dense.push(act, t, h, tEnd, y, yNew, stepData);
        if (tEnd === tNew) yTmp.set(yNew);
        else act.interpolate(yTmp, (tEnd - t) / h, h, y, yNew, stepData, 0);
        if (saveAt === undefined) {
          outT.push(tEnd);
          outY.pushVec(yTmp, n);
        }
        if (onEvent !== undefined) {
          yPre.set(yTmp);
          pPre.set(ctx.p);
          firedNow.length = 0;
          for (let i = 0; i < nev; i++) if (!Number.isNaN(roots[i])) firedNow.push(i);
        }
        let affected = false;
        for (let i = 0; i < nev; i++) {
          const ev = events[i];
          if (!Number.isNaN(roots[i]) && ev.affect !== undefined) {
            ev.affect(tEnd, yTmp, ctx.p);
            affected = true;
          }
        }
        if (onEvent !== undefined) onEvent(tEnd, yPre, yTmp, pPre, ctx.p, firedNow);
        if (affected && saveAt === undefined) {
          outT.push(tEnd);
          outY.pushVec(yTmp, n);
        }
        checkFinite(yTmp, tEnd, 'the state after an event', set.names);
        t = tEnd;
        y.set(yTmp);
        if (terminal) {
          status = 'terminated';
          break;
        }
        stepper.reset(t, y);
        for (let i = 0; i < nev; i++) gPrev[i] = events[i].condition(t, y, ctx.p);
        if (hitTarget && tEnd === tNew && stopPtr < tstops.length && target === tstops[stopPtr]) stopPtr++;
        errOld = 1e-4;
        lastRejected = false;
        continue;
      }
    }
    if (firedCount === 0) {
      if (saveAt !== undefined) {
        const act = activeOf(stepper);
        if (!stepDataValid && needsInterpolation(saveAt, savePtr, dir, tNew)) {
          act.denseData(stepData, 0, t, h, y, yNew);
          stepDataValid = true;
        }
        savePtr = emitSaves(
          saveAt,
          savePtr,
          dir,
          tNew,
          true,
          act,
          t,
          h,
          y,
          yNew,
          stepData,
          yTmp,
          outT,
          outY,
          n,
        );
      }
      if (dense !== undefined) {
        const act = activeOf(stepper);
        if (!stepDataValid) act.denseData(stepData, 0, t, h, y, yNew);
        dense.push(act, t, h, tNew, y, yNew, stepData);
      }
      if (saveAt === undefined) {
        outT.push(tNew);
        outY.pushVec(yNew, n);
      }
      for (let i = 0; i < nev; i++) gPrev[i] = gNew[i];
      stepper.accept(tNew, yNew);
      const swap = y;
      y = yNew;
      yNew = swap;
      t = tNew;
      if (hitTarget && stopPtr < tstops.length && target === tstops[stopPtr]) stopPtr++;
    }
    if (stepper.nextStep !== undefined) {
      h = stepper.nextStep(h, err, true);
    } else if (!fixed) {
      // PI controller (Gustafsson / Hairer): fac = safety · err^(−β1) · errOld^(β2)
      const q = stepper.controlOrder;
      const e = Math.max(err, 1e-10);
      let fac = SAFETY * e ** (-0.7 / q) * errOld ** (0.4 / q);
      fac = Math.min(FAC_MAX, Math.max(FAC_MIN, fac));
      if (lastRejected) fac = Math.min(fac, 1);
      h *= fac;
      if (hitTarget && Math.abs(hProposed) > Math.abs(h) && !lastRejected) h = hProposed;
      errOld = Math.max(err, 1e-4);
    }
    lastRejected = false;
  }

  const tFinal = t;
  const statsOut: SolveStats = { ...stats };
  return makeSolution(n, outT.toArray(), outY.toArray(), statsOut, fired, status, dense, t0, tFinal, set.y0);
}

/** Whether some saveAt point before tUpTo (exclusive) needs the interpolant of the current step. */
function needsInterpolation(saveAt: Float64Array, ptr: number, dir: number, tUpTo: number): boolean {
  return ptr < saveAt.length && dir * (saveAt[ptr] - tUpTo) < 0;
}

/**
 * Writes the saveAt points up to tUpTo of the step (t, h) (its dense data already in `stepData`):
 * interpolated, or yNew itself at the step's end. Returns the new saveAt cursor.
 */
function emitSaves(
  saveAt: Float64Array,
  ptr: number,
  dir: number,
  tUpTo: number,
  atStepEnd: boolean,
  act: Stepper,
  t: number,
  h: number,
  y: Float64Array,
  yNew: Float64Array,
  stepData: Float64Array,
  yTmp: Float64Array,
  outT: GrowableF64,
  outY: GrowableF64,
  n: number,
): number {
  while (ptr < saveAt.length && dir * (saveAt[ptr] - tUpTo) <= 0) {
    const ts = saveAt[ptr];
    if (ts === tUpTo && atStepEnd) {
      outY.pushVec(yNew, n);
    } else {
      act.interpolate(yTmp, (ts - t) / h, h, y, yNew, stepData, 0);
      outY.pushVec(yTmp, n);
    }
    outT.push(ts);
    ptr++;
  }
  return ptr;
}

function hasFlag(s: Stepper, flag: 'singular'): boolean {
  const a = activeOf(s) as unknown as Record<string, unknown>;
  return a[flag] === true;
}

function makeSolution(
  n: number,
  t: Float64Array,
  y: Float64Array,
  stats: SolveStats,
  events: readonly FiredEvent[],
  status: 'success' | 'terminated',
  dense: DenseStore | undefined,
  t0: number,
  tFinal: number,
  yInit: Float64Array,
): Solution {
  const dir = tFinal >= t0 ? 1 : -1;
  const tEnd = dense?.tEnd.toArray();
  const tStart = dense?.tStart.toArray();
  const hs = dense?.h.toArray();
  const data = dense?.data.toArray();
  let viewIndex = -1;
  let viewY0: Float64Array = new Float64Array(0);
  let viewY1 = viewY0;
  return {
    t,
    y,
    n,
    stats,
    events,
    status,
    interpolate(tq: number, out?: Float64Array): Float64Array {
      const res = out ?? new Float64Array(n);
      if (
        dense === undefined ||
        tEnd === undefined ||
        tStart === undefined ||
        hs === undefined ||
        data === undefined
      ) {
        throw new OdeonError('InvalidOption', 'This solution has no dense output.', {
          option: 'dense',
          value: false,
          hint: 'Pass `dense: true` to solve() to use sol.interpolate().',
        });
      }
      const lo = Math.min(t0, tFinal);
      const hi = Math.max(t0, tFinal);
      const slack = 1e-12 * Math.max(Math.abs(lo), Math.abs(hi), hi - lo);
      if (!(tq >= lo - slack && tq <= hi + slack)) {
        throw new OdeonError(
          'OutOfRange',
          `interpolate(${tq}) is outside the integrated interval [${lo}, ${hi}].`,
          {
            t: tq,
            hint: 'Interpolate only within [t0, t1] (or up to the terminal event).',
          },
        );
      }
      const m = tEnd.length;
      if (m === 0) {
        res.set(yInit.subarray(0, n));
        return res;
      }
      // first segment whose end is at or beyond tq (in the direction of integration)
      let a = 0;
      let b = m - 1;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (dir * (tEnd[mid] - tq) >= 0) b = mid;
        else a = mid + 1;
      }
      const stride = dense.stride;
      const off = a * stride;
      const owner = dense.owners[a];
      // the last segment's end-state views are reused (adjoint sweeps evaluate one step many times)
      if (a !== viewIndex) {
        viewIndex = a;
        viewY0 = data.subarray(off, off + n);
        viewY1 = data.subarray(off + n, off + 2 * n);
      }
      return owner.interpolate(res, (tq - tStart[a]) / hs[a], hs[a], viewY0, viewY1, data, off + 2 * n);
    },
  };
}

function initialStep(
  ctx: SolverContext,
  stepper: Stepper,
  t: number,
  y: Float64Array,
  dir: number,
  span: number,
  dt0: number,
  dtMax: number,
  m: number,
): number {
  if (!Number.isNaN(dt0)) return dir * Math.min(Math.abs(dt0), span);
  const { n, rtol, atol } = ctx;
  const f0 = stepper.f0;
  let d0 = 0;
  let d1 = 0;
  for (let i = 0; i < m; i++) {
    const sc = atol[i] + rtol * Math.abs(y[i]);
    d0 += (y[i] / sc) ** 2;
    d1 += (f0[i] / sc) ** 2;
  }
  d0 = Math.sqrt(d0 / m);
  d1 = Math.sqrt(d1 / m);
  // Hairer's guess: 1 % of the state's size per step. A state within its tolerance (d0 < 1: zero, or tiny
  // against atol) has no such size; 0.01·d0/d1 would then be ~1e-17 and stall, so the interval sets h0.
  let h0 = d0 < 1 || d1 < 1e-5 ? 1e-6 * span : (0.01 * d0) / d1;
  h0 = Math.min(h0, span, dtMax);
  const y1 = new Float64Array(n);
  const f1 = new Float64Array(n);
  for (let i = 0; i < n; i++) y1[i] = y[i] + dir * h0 * f0[i];
  ctx.rhs(t + dir * h0, y1, ctx.p, f1);
  ctx.stats.rhsEvals++;
  let d2 = 0;
  for (let i = 0; i < m; i++) {
    const sc = atol[i] + rtol * Math.abs(y[i]);
    d2 += ((f1[i] - f0[i]) / sc) ** 2;
  }
  d2 = Math.sqrt(d2 / m) / h0;
  const dm = Math.max(d1, d2);
  const h1 =
    dm <= 1e-15 || !Number.isFinite(dm)
      ? Math.max(1e-6, h0 * 1e-3)
      : (0.01 / dm) ** (1 / (stepper.order + 1));
  let h = Math.min(100 * h0, h1, span, dtMax);
  if (!(h > 0)) h = Math.min(1e-6, span);
  // floor: a step the time variable can resolve (CVODE's lower bound, 100·ε·max(|t0|, |t1|))
  const floor = 100 * EPS * Math.max(Math.abs(t), Math.abs(t + dir * span));
  return dir * Math.min(Math.max(h, floor), span);
}

function checkFinite(v: Float64Array, t: number, what: string, names: readonly string[] | undefined): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      const label = names?.[i] ?? `y[${i}]`;
      throw new OdeonError('NonFiniteState', `Non-finite value in ${what} at t = ${t}, component ${label}.`, {
        t,
        component: i,
        ...(names?.[i] === undefined ? {} : { element: names[i] }),
        hint: 'Check the right-hand side and initial values for divisions by zero, overflow or NaN parameters.',
      });
    }
  }
}

function nonFiniteError(
  v: Float64Array,
  t: number,
  h: number,
  names: readonly string[] | undefined,
): OdeonError {
  let comp = 0;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      comp = i;
      break;
    }
  }
  const label = names?.[comp] ?? `y[${comp}]`;
  return new OdeonError('NonFiniteState', `The state became non-finite near t = ${t} (component ${label}).`, {
    t,
    dt: h,
    component: comp,
    ...(names?.[comp] === undefined ? {} : { element: names[comp] }),
    hint: 'The solution blows up or the right-hand side returns NaN/Infinity here; check the model and parameters.',
  });
}
