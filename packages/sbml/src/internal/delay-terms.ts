import { DenseHistory, type OdeEvent, OdeonError, type Vec } from '@odeon/ode';
import type { CompiledModel } from '../compile.ts';

/** Generations of propagated derivative discontinuities (t0 + k·lag, event + k·lag) that stop the integrator. */
const BREAKPOINT_GENERATIONS = 5;

/**
 * `csymbol delay` by the method of steps: the solution history is the dense output of every integrated
 * segment (`DenseHistory` from `@odeon/ode`, with the parameters of each segment); `fill` evaluates each
 * delayed expression at t − lag on it and writes the values into p[np + i]. Segments are kept within the
 * smallest lag, and stop at the discontinuities the initial time and events propagate (b + k·lag).
 * Before t0 the history is the model's initial values at that time.
 *
 * A lag that depends on time or the state (`variable`) is handled by root finding on its argument
 * (`segmentEvents`): a segment ends where t − τ(t, y) reaches the segment's start (the caller integrates
 * that segment again up to there, so no stage reads the unintegrated present), and a discontinuity at b
 * propagates to where t − τ(t, y) = b. Any other lag must stay constant between restarts (it may change
 * at events); one that varies anyway is refused with `UnsupportedSbmlFeature`.
 */
export class DelayTerms {
  readonly count: number;
  private readonly np: number;
  private readonly history: DenseHistory<Float64Array>;
  private readonly lagBuf: Float64Array;
  private readonly valBuf: Float64Array;
  private readonly past: Float64Array;
  private breaks: { t: number; generation: number }[] = [];
  /** The lags at the start of the current segment (`stepLimit`). */
  private readonly segmentLags: Float64Array;
  private readonly variable: readonly boolean[];
  /** Discontinuities at `at` waiting for a variable lag's argument to reach them: t − τ_term(t, y) = at. */
  private pending: { at: number; term: number; generation: number }[] = [];
  /** What each event of `segmentEvents` stands for: −1 a reach event, else an index into `pending`. */
  private segmentKinds: number[] = [];

  constructor(
    private readonly model: CompiledModel,
    t0: number,
    y0: Vec,
    p: Vec,
    fromModel: boolean,
  ) {
    this.count = model.delays.count;
    this.np = p.length - this.count;
    this.lagBuf = new Float64Array(this.count);
    this.valBuf = new Float64Array(this.count);
    this.past = new Float64Array(y0.length);
    this.segmentLags = new Float64Array(this.count);
    this.variable = model.delays.variable;
    const yInit = Float64Array.from(y0);
    const pInit = Float64Array.from(p);
    const pPast = Float64Array.from(p);
    // Before t0 the model is at its initial values, evaluated at that earlier time (an initial assignment
    // may depend on time); with y0/p given by the caller, at those.
    this.history = new DenseHistory(t0, (t, out) => {
      if (t === t0 || !fromModel) {
        out.set(yInit);
        return pInit;
      }
      const init = model.initialize(model.declared, t);
      if (model.n > 0) out.set(init.y0);
      pPast.set(init.p);
      return pPast;
    });
    if (this.count > 0) this.breakpoint(t0, y0, p);
  }

  private lags(t: number, y: Vec, p: Vec): Float64Array {
    const lags = this.model.delays.lags(this.lagBuf, t, y, p);
    for (let i = 0; i < this.count; i++)
      if (!(lags[i] >= 0 && Number.isFinite(lags[i])))
        throw new OdeonError('SbmlSemanticError', `A delay evaluates to ${lags[i]} at t = ${t}.`, {
          element: 'csymbol delay',
          t,
          hint: 'Delays must be finite numbers ≥ 0.',
        });
    return lags;
  }

  /** Writes every delayed value at (t, y) into p[np + i]. */
  fill(t: number, y: Vec, p: Vec): void {
    const lags = this.lags(t, y, p);
    const d = this.model.delays;
    // inside an integration segment (past the stored history) every lag must be what it was at its start
    const inside = t > this.history.end + 1e-9 * Math.max(1, Math.abs(t));
    for (let i = 0; i < this.count; i++) {
      const lag = lags[i];
      if (
        inside &&
        !this.variable[i] &&
        Math.abs(lag - this.segmentLags[i]) > 1e-12 * Math.max(1, Math.abs(lag))
      )
        this.refuseVariable(i, t, lag);
      if (lag === 0) {
        p[this.np + i] = d.values(this.valBuf, t, y, p)[i];
        continue;
      }
      const tPast = t - lag;
      const pPast = this.history.at(this.past, tPast);
      const values = tPast < this.history.t0 ? d.valuesBefore : d.values;
      p[this.np + i] = values(this.valBuf, tPast, this.past, pPast)[i];
    }
  }

  private refuseVariable(i: number, t: number, lag: number): never {
    throw new OdeonError(
      'UnsupportedSbmlFeature',
      `Delay term ${i + 1} of ${this.count} (csymbol delay) has a lag that varies during the integration (${this.segmentLags[i]} at the segment start, ${lag} at t = ${t}).`,
      {
        feature: 'state-dependent delay',
        element: `csymbol delay #${i + 1}`,
        t,
        hint: 'Only delays whose lag is constant between events are supported: a lag that depends on time or on the state needs root finding on t − τ(t, y) for its discontinuities, which is not implemented. Make the lag a constant (or a parameter changed only by events).',
      },
    );
  }

  /** The farthest time the next segment may reach from t (and the lags that segment must keep). */
  stepLimit(t: number, y: Vec, p: Vec): number {
    if (this.count === 0) return Number.POSITIVE_INFINITY;
    const lags = this.lags(t, y, p);
    this.segmentLags.set(lags);
    let limit = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.count; i++) if (lags[i] > 0) limit = Math.min(limit, t + lags[i]);
    const tol = 1e-12 * Math.max(1, Math.abs(t));
    for (const b of this.breaks) if (b.t > t + tol) limit = Math.min(limit, b.t);
    return limit;
  }

  /** A discontinuity at t (the start, or an event): it propagates to t + lag, t + 2·lag, ... */
  breakpoint(t: number, y: Vec, p: Vec, generation = 0): void {
    if (generation >= BREAKPOINT_GENERATIONS) return;
    const lags = this.lags(t, y, p);
    for (let i = 0; i < this.count; i++) {
      if (this.variable[i]) this.pending.push({ at: t, term: i, generation: generation + 1 });
      else if (lags[i] > 0) this.breaks.push({ t: t + lags[i], generation: generation + 1 });
    }
  }

  /** Some lag depends on time or the state. */
  get variableLags(): boolean {
    return this.variable.some((v) => v);
  }

  /** The argument t − τ_i(t, y) of term i (the delayed values filled first: a lag may read them). */
  private argument(i: number, t: number, y: Vec, p: Vec): number {
    this.fill(t, y, p);
    return t - this.lags(t, y, p)[i];
  }

  /**
   * Root functions for the segment from tStart (call after `stepLimit`), all terminal: per variable lag,
   * its argument reaching tStart; per pending discontinuity, the argument reaching it. Empty without
   * variable lags.
   */
  segmentEvents(tStart: number, y: Vec, p: Vec): OdeEvent[] {
    const events: OdeEvent[] = [];
    this.segmentKinds = [];
    if (!this.variable.some((v) => v)) return events;
    const tol = 1e-12 * Math.max(1, Math.abs(tStart));
    // a discontinuity the argument has passed cannot be reached again (rising crossings only)
    this.pending = this.pending.filter((b) => this.argument(b.term, tStart, y, p) < b.at + tol);
    for (let i = 0; i < this.count; i++) {
      if (!this.variable[i]) continue;
      events.push({
        condition: (t, yy) => this.argument(i, t, yy, p) - tStart,
        direction: 1,
        terminal: true,
      });
      this.segmentKinds.push(-1);
    }
    this.pending.forEach((b, k) => {
      events.push({
        condition: (t, yy) => this.argument(b.term, t, yy, p) - b.at,
        direction: 1,
        terminal: true,
      });
      this.segmentKinds.push(k);
    });
    return events;
  }

  /** Whether event k of `segmentEvents` is a reach event (the segment must be integrated again up to it). */
  isReach(k: number): boolean {
    return this.segmentKinds[k] === -1;
  }

  /** Event k of `segmentEvents` fired at t (after `record`): a reached discontinuity propagates on. */
  fired(k: number, t: number, y: Vec, p: Vec): void {
    const j = this.segmentKinds[k];
    if (j === undefined || j < 0) return;
    const b = this.pending[j];
    this.pending = this.pending.filter((_, q) => q !== j);
    this.segmentKinds = this.segmentKinds.map((q) => (q > j ? q - 1 : q === j ? -2 : q));
    this.breakpoint(t, y, p, b.generation);
  }

  /** Stores an integrated segment and propagates the breakpoints it reached. */
  record(ta: number, tb: number, interpolate: (t: number, out: Float64Array) => Float64Array, p: Vec): void {
    this.history.push({ ta, tb, interpolate, tag: Float64Array.from(p) });
    const tol = 1e-12 * Math.max(1, Math.abs(tb));
    const reached = this.breaks.filter((b) => b.t <= tb + tol);
    if (reached.length === 0) return;
    this.breaks = this.breaks.filter((b) => b.t > tb + tol);
    const y = interpolate(tb, new Float64Array(this.past.length));
    for (const b of reached) this.breakpoint(b.t, y, p, b.generation);
  }
}
