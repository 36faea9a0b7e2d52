/**
 * Gradients through events and `tstops`. The forward solve (`solve`'s own driver, same options) locates
 * every event and records, through the driver's `onEvent` hook, its time τ, the state and parameters
 * before and after the affects; tstops are recorded where the driver lands on them. Between two such
 * boundaries the problem is smooth, and any sensitivity method differentiates it. The segments are
 * chained backward by the jump conditions: with L_after(τ, y⁺, p⁺) the loss of everything after the
 * event (∂/∂y⁺ = λ⁺, ∂/∂p⁺ = μ⁺, ∂/∂τ = −λ⁺ᵀ f(τ, y⁺, p⁺), or 0 after a terminal event),
 * φ(t, y, p) = λ⁺ᵀ y⁺(t, y, p) + μ⁺ᵀ p⁺(t, y, p) the affect's pull-back, and the event time
 * implicit in g(τ, y(τ), p) = 0 (dτ = −(g_y dy + g_p dp)/ġ, ġ = g_t + g_y f⁻):
 *
 *     c  = ∂φ/∂t + ∇_yφ · f⁻ + ∂L_after/∂τ
 *     ȳ⁻ = ∇_yφ − (c/ġ) ∇_y g        (the cotangent of y(τ⁻) at fixed τ: the segment's terminal loss)
 *     p̄ += ∇_pφ − (c/ġ) ∇_p g
 *
 * A time-only condition (dosing at a fixed time) has ∇g = 0, so only the affect's pull-back remains.
 * The derivatives of `condition` and `affect` are central differences (h = ε^(1/3)·max(|x|, 1)): both are
 * user callbacks without derivatives; affects that are linear in (y, p), as resets, doses and
 * restitutions are, differentiate exactly.
 */
import { OdeonError } from '../errors.ts';
import { emptyStats } from '../internal/context.ts';
import { integrate } from '../internal/integrate.ts';
import { addStats } from '../internal/system.ts';
import { prepareSolve } from '../solve.ts';
import type { SolveOptions } from '../solve-options.ts';
import type { OdeEvent, OdeProblem, Vec } from '../types.ts';
import type { GradientContext } from './internal/context.ts';
import type { MethodResult } from './methods/method-result.ts';
import type { GradientLoss, GradientOptions, SensitivityKind } from './types.ts';

const CBRT_EPS = 6.055454452393343e-6;

/** An event (or a tstop: no fired events, no jump) the forward solve went through. */
interface Boundary {
  readonly t: number;
  readonly yPre: Float64Array;
  readonly yPost: Float64Array;
  readonly pPre: Float64Array;
  readonly pPost: Float64Array;
  readonly fired: readonly number[];
}

/** True when the problem has events, or tstops strictly inside (t0, t1). */
export function needsSegments(ctx: GradientContext, options: GradientOptions): boolean {
  if ((options.events?.length ?? 0) > 0 || (ctx.problem.events?.length ?? 0) > 0) return true;
  return interiorTstops(ctx, options).length > 0;
}

function interiorTstops(ctx: GradientContext, options: GradientOptions): Float64Array {
  const ts = options.tstops === undefined ? [] : Array.from(options.tstops);
  for (let i = 0; i < ts.length; i++) {
    if (!Number.isFinite(ts[i]))
      throw new OdeonError('InvalidOption', `tstops[${i}] is not finite.`, {
        option: 'tstops',
        value: ts[i],
      });
  }
  return Float64Array.from(ts.filter((t) => t > ctx.t0 && t < ctx.t1)).sort();
}

export type MethodRunner = (ctx: GradientContext, kind: SensitivityKind) => MethodResult;
export type ContextBuilder = (problem: OdeProblem, options: GradientOptions) => GradientContext;

/**
 * Value and gradient of a loss on a solution with events and tstops: smooth segments by `run`, chained
 * by the jump conditions above.
 */
export function segmentedGradient(
  problem: OdeProblem,
  options: GradientOptions,
  ctx: GradientContext,
  run: MethodRunner,
  build: ContextBuilder,
): MethodResult {
  const { n, np, obsT, loss } = ctx;
  const kind = options.sensitivity?.kind ?? 'quadrature';
  // the problem's own events first, as `solve` orders them
  const events: readonly OdeEvent[] = [...(problem.events ?? []), ...(options.events ?? [])];
  const tstops = interiorTstops(ctx, options);

  // 1. the forward solve, on solve's driver with the same options, records the boundaries
  const solveOptions: SolveOptions = {
    method: ctx.method,
    rtol: ctx.rtol,
    atol: ctx.atol,
    maxSteps: ctx.maxSteps,
    saveAt: [ctx.t0],
    events,
    ...(tstops.length > 0 ? { tstops } : {}),
    ...(Number.isNaN(ctx.dt0) ? {} : { dt0: ctx.dt0 }),
    ...(Number.isFinite(ctx.dtMax) ? { dtMax: ctx.dtMax } : {}),
  };
  const { events: _own, ...plain } = problem;
  const prepared = prepareSolve({ ...plain, y0: ctx.y0, p: ctx.p }, solveOptions);
  const bounds: Boundary[] = [];
  let tsPtr = 0;
  // solve's accepted steps (start, size): `discrete` and `forward` replay them segment by segment
  const stepT: number[] = [];
  const stepH: number[] = [];
  const replaySteps = kind === 'discrete' || kind === 'forward';
  const sol = integrate(prepared.ctx, prepared.stepper, prepared.settings, {
    onStep: (_stepper, t, h, _y, yNew) => {
      if (replaySteps) {
        stepT.push(t);
        stepH.push(h);
      }
      const tEnd = t + h;
      if (tsPtr < tstops.length && Math.abs(tEnd - tstops[tsPtr]) <= 1e-12 * Math.max(1, Math.abs(tEnd))) {
        const p = Float64Array.from(prepared.ctx.p);
        const y = Float64Array.from(yNew);
        bounds.push({ t: tstops[tsPtr++], yPre: y, yPost: y, pPre: p, pPost: p, fired: [] });
      }
    },
    onEvent: (t, yPre, yPost, pPre, pPost, fired) => {
      // a tstop recorded at the end of the step this event cut short was never reached
      while (
        bounds.length > 0 &&
        bounds[bounds.length - 1].fired.length === 0 &&
        bounds[bounds.length - 1].t > t
      ) {
        bounds.pop();
        tsPtr--;
      }
      bounds.push({
        t,
        yPre: Float64Array.from(yPre),
        yPost: Float64Array.from(yPost),
        pPre: Float64Array.from(pPre),
        pPost: Float64Array.from(pPost),
        fired: fired.slice(),
      });
    },
  });
  const terminated = sol.status === 'terminated';
  const R = bounds.length;
  const S = terminated ? R : R + 1;
  const segStart = (k: number) => (k === 0 ? ctx.t0 : bounds[k - 1].t);
  const segEnd = (k: number) => (k < R ? bounds[k].t : ctx.t1);
  const yStart = (k: number) => (k === 0 ? ctx.y0 : bounds[k - 1].yPost);
  const pStart = (k: number) => (k === 0 ? ctx.p : bounds[k - 1].pPost);

  const forward = addStats(emptyStats(), sol.stats);
  const backward = emptyStats();
  let value = 0;
  let storedStates = 0;
  let maxLuSize = 0;
  let checkpoints = 0;
  let forwardSteps = 0;
  let quadratureError = 0;
  let lam: Float64Array = new Float64Array(n);
  let mu: Float64Array = new Float64Array(np);
  let lTau = 0;
  const g = new Float64Array(n);
  let derivatives: MethodResult['derivatives'];

  // observations after a terminal event read the final state
  let iObs = obsT.length - 1;
  if (terminated) {
    const last = bounds[R - 1];
    for (; iObs >= 0 && obsT[iObs] > last.t; iObs--) {
      value += loss.value(iObs, obsT[iObs], last.yPost);
      g.fill(0);
      loss.grad(iObs, obsT[iObs], last.yPost, g);
      for (let q = 0; q < n; q++) lam[q] += g[q];
    }
  }

  for (let k = S - 1; k >= 0; k--) {
    const a = segStart(k);
    const b = segEnd(k);
    // the terminal cotangent of this segment and the event's direct parameter term
    let w: Float64Array = new Float64Array(n);
    let directP: Float64Array = new Float64Array(np);
    if (k < R) {
      const jump = jumpCondition(problem, events, bounds[k], lam, mu, lTau, k + 1 < S);
      w = jump.w;
      directP = jump.pbar;
    }
    // this segment's observations: (a, b], and t0 itself in the first segment
    const idx: number[] = [];
    while (iObs >= 0 && (obsT[iObs] > a || (k === 0 && obsT[iObs] >= a))) idx.push(iObs--);
    idx.reverse();
    let dy0: Float64Array;
    let dp: Float64Array;
    if (!(b > a)) {
      // zero length (coincident boundaries): the state passes through unchanged
      dy0 = w;
      dp = new Float64Array(np);
      for (const i of idx) {
        value += loss.value(i, obsT[i], yStart(k) as Vec);
        g.fill(0);
        loss.grad(i, obsT[i], yStart(k) as Vec, g);
        for (let q = 0; q < n; q++) dy0[q] += g[q];
      }
    } else {
      const m = idx.length;
      const wSeg = w;
      const segLoss: GradientLoss = {
        value: (j, t, y) => (j < m ? loss.value(idx[j], t, y) : 0),
        grad: (j, t, y, out) => {
          if (j < m) loss.grad(idx[j], t, y, out);
          else out.set(wSeg);
        },
      };
      const { events: _e, tstops: _t, saveAt: _s, loss: _l, ...rest } = options;
      const times = new Float64Array(m + 1);
      for (let j = 0; j < m; j++) times[j] = obsT[idx[j]];
      times[m] = b;
      const built = build(
        { ...plain, y0: yStart(k), p: pStart(k), t0: a, t1: b },
        { ...rest, saveAt: times, loss: segLoss },
      );
      const fixedSteps =
        replaySteps && ctx.fixedSteps === undefined ? segmentSteps(stepT, stepH, a, b) : undefined;
      const segCtx = fixedSteps === undefined ? built : { ...built, fixedSteps };
      const r = run(segCtx, kind);
      value += r.value;
      dy0 = Float64Array.from(r.dy0);
      dp = Float64Array.from(r.dp);
      addStats(forward, r.forward);
      addStats(backward, r.backward);
      storedStates = Math.max(storedStates, r.storedStates);
      maxLuSize = Math.max(maxLuSize, r.maxLuSize);
      checkpoints += r.checkpoints;
      forwardSteps += r.forwardSteps;
      quadratureError += r.quadratureError;
      derivatives = sumReports(derivatives, segCtx.deriv.report);
    }
    for (let j = 0; j < np; j++) dp[j] += directP[j];
    lam = dy0;
    mu = dp;
    if (k > 0) {
      const f = new Float64Array(n);
      problem.rhs(a, yStart(k) as Vec, pStart(k) as Vec, f);
      lTau = 0;
      for (let q = 0; q < n; q++) lTau -= lam[q] * f[q];
    }
  }
  return {
    value,
    dp: mu,
    dy0: lam,
    forward,
    backward,
    storedStates,
    maxLuSize,
    checkpoints,
    forwardSteps,
    quadratureError,
    ...(derivatives === undefined ? {} : { derivatives }),
  };
}

/**
 * solve's steps inside [a, b) as a frozen sequence: the segment's forward pass then takes solve's own
 * steps. A step that crosses b (an event located inside it) is cut at b.
 */
function segmentSteps(
  stepT: readonly number[],
  stepH: readonly number[],
  a: number,
  b: number,
): Float64Array | undefined {
  const out: number[] = [];
  for (let k = 0; k < stepT.length; k++) {
    const t = stepT[k];
    if (t < a || t >= b) continue;
    out.push(t + stepH[k] > b ? b - t : stepH[k]);
  }
  return out.length === 0 ? undefined : Float64Array.from(out);
}

function sumReports(a: MethodResult['derivatives'], b: NonNullable<MethodResult['derivatives']>) {
  if (a === undefined) return { ...b };
  a.fdRhsEvals += b.fdRhsEvals;
  a.jacobianEvals += b.jacobianEvals;
  a.paramJacobianEvals += b.paramJacobianEvals;
  a.vjpEvals += b.vjpEvals;
  return a;
}

/**
 * The jump condition at one boundary: given the cotangents after it (λ⁺, μ⁺, ∂L_after/∂τ), the
 * cotangent of y(τ⁻) at fixed τ (`w`) and the direct parameter term (`pbar`). `timeMatters`: the loss
 * after the boundary depends on τ (false after a terminal event).
 */
function jumpCondition(
  problem: OdeProblem,
  events: readonly OdeEvent[],
  bd: Boundary,
  lam: Float64Array,
  mu: Float64Array,
  lTau: number,
  timeMatters: boolean,
): { w: Float64Array; pbar: Float64Array } {
  const n = bd.yPre.length;
  const np = bd.pPre.length;
  const { t, yPre, pPre, fired } = bd;
  if (fired.length === 0) return { w: Float64Array.from(lam), pbar: Float64Array.from(mu) };
  const affects = fired.map((i) => events[i]).filter((e) => e.affect !== undefined);
  const y = new Float64Array(n);
  const p = new Float64Array(np);
  /** φ(t', y', p') = λ⁺·y⁺ + μ⁺·p⁺ after the fired affects. */
  const phi = (tq: number, yq: Float64Array, pq: Float64Array): number => {
    y.set(yq);
    p.set(pq);
    for (const e of affects) e.affect!(tq, y, p);
    let s = 0;
    for (let q = 0; q < n; q++) s += lam[q] * y[q];
    for (let j = 0; j < np; j++) s += mu[j] * p[j];
    return s;
  };
  const gradY = new Float64Array(n);
  const gradP = new Float64Array(np);
  const fMinus = new Float64Array(n);
  problem.rhs(t, yPre, pPre, fMinus);
  centralGradient(gradY, gradP, (tq, yq, pq) => phi(tq, yq, pq), t, yPre, pPre);
  // the event time: the first fired event whose condition depends on the state or the parameters
  const w = Float64Array.from(gradY);
  const pbar = Float64Array.from(gradP);
  const gy = new Float64Array(n);
  const gp = new Float64Array(np);
  for (const i of fired) {
    const ev = events[i];
    const cond = (tq: number, yq: Float64Array, pq: Float64Array) => ev.condition(tq, yq, pq);
    centralGradient(gy, gp, cond, t, yPre, pPre);
    let moves = false;
    for (let q = 0; q < n; q++) if (gy[q] !== 0) moves = true;
    for (let j = 0; j < np; j++) if (gp[j] !== 0) moves = true;
    if (!moves) continue;
    const gt = directional(cond, t, yPre, pPre, undefined);
    let gdot = gt;
    for (let q = 0; q < n; q++) gdot += gy[q] * fMinus[q];
    if (!(Math.abs(gdot) > 0) || !Number.isFinite(gdot)) {
      throw new OdeonError(
        'GradientFailed',
        `Event ${i} at t = ${t} grazes its condition (dg/dt = ${gdot} along the solution): the event time is not differentiable there.`,
        {
          t,
          element: `events[${i}]`,
          hint: 'Move the parameters away from the grazing point, or drop the event.',
        },
      );
    }
    let c = directional(phi, t, yPre, pPre, fMinus);
    if (timeMatters) c += lTau;
    const r = c / gdot;
    for (let q = 0; q < n; q++) w[q] -= r * gy[q];
    for (let j = 0; j < np; j++) pbar[j] -= r * gp[j];
    break;
  }
  return { w, pbar };
}

/** Central differences of a scalar F(t, y, p) in y and p (h = ε^(1/3)·max(|x|, 1)). */
function centralGradient(
  outY: Float64Array,
  outP: Float64Array,
  F: (t: number, y: Float64Array, p: Float64Array) => number,
  t: number,
  y: Float64Array,
  p: Float64Array,
): void {
  const yq = Float64Array.from(y);
  const pq = Float64Array.from(p);
  for (let q = 0; q < y.length; q++) {
    const h = CBRT_EPS * Math.max(Math.abs(y[q]), 1);
    yq[q] = y[q] + h;
    const fp = F(t, yq, pq);
    yq[q] = y[q] - h;
    const fm = F(t, yq, pq);
    yq[q] = y[q];
    outY[q] = (fp - fm) / (2 * h);
  }
  for (let j = 0; j < p.length; j++) {
    const h = CBRT_EPS * Math.max(Math.abs(p[j]), 1);
    pq[j] = p[j] + h;
    const fp = F(t, yq, pq);
    pq[j] = p[j] - h;
    const fm = F(t, yq, pq);
    pq[j] = p[j];
    outP[j] = (fp - fm) / (2 * h);
  }
}

/** d/dε F(t + ε, y + ε·v, p) at ε = 0 (central; v undefined: along t only). */
function directional(
  F: (t: number, y: Float64Array, p: Float64Array) => number,
  t: number,
  y: Float64Array,
  p: Float64Array,
  v: Float64Array | undefined,
): number {
  const h = CBRT_EPS * Math.max(Math.abs(t), 1);
  const yq = Float64Array.from(y);
  if (v !== undefined) for (let q = 0; q < y.length; q++) yq[q] = y[q] + h * v[q];
  const fp = F(t + h, yq, p);
  if (v !== undefined) for (let q = 0; q < y.length; q++) yq[q] = y[q] - h * v[q];
  const fm = F(t - h, yq, p);
  return (fp - fm) / (2 * h);
}
