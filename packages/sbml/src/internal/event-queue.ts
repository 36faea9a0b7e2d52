import { OdeonError, type Vec } from '@odeon/ode';
import type { CompiledEvent } from '../compile.ts';

/** One pending execution of an event. */
export interface PendingExecution {
  readonly event: number;
  readonly time: number;
  /** Values computed at trigger time (`useValuesFromTriggerTime`), else computed at execution. */
  readonly values: Float64Array | undefined;
  readonly order: number;
}

/**
 * SBML L3V2 event bookkeeping: the current value of every trigger, and the queue of pending executions
 * (an event may have several, e.g. a delayed event triggered again before it executes). An event is
 * scheduled only on a false → true transition of its trigger; a non-persistent event loses its pending
 * executions when its trigger turns false. Due executions run by descending priority, ties at random
 * (seeded); events without a priority run after those with one, in scheduling order.
 */
export class EventQueue {
  /** Scratch for `CompiledEvent.header`: [trigger, root, delay, priority]. */
  readonly header = new Float64Array(4);
  private readonly trigger: Uint8Array;
  private readonly pending: PendingExecution[] = [];
  private order = 0;
  private rng: number;

  constructor(
    private readonly events: readonly CompiledEvent[],
    seed: number,
  ) {
    this.trigger = new Uint8Array(events.length);
    this.rng = seed >>> 0 || 1;
  }

  /** Sets every trigger to its `initialValue` (its value "before" t0). */
  start(): void {
    this.events.forEach((e, i) => {
      this.trigger[i] = e.initialValue ? 1 : 0;
    });
    this.pending.length = 0;
  }

  /**
   * Records the trigger value of event i at (t, y, p): a rising edge schedules an execution (returns
   * true); a falling edge cancels the pending executions of a non-persistent event.
   */
  transition(i: number, value: boolean, t: number, y: Vec, p: Vec): boolean {
    const before = this.trigger[i] === 1;
    this.trigger[i] = value ? 1 : 0;
    if (value && !before) {
      this.schedule(i, t, y, p);
      return true;
    }
    if (!value && before && !this.events[i].persistent)
      for (let k = this.pending.length - 1; k >= 0; k--)
        if (this.pending[k].event === i) this.pending.splice(k, 1);
    return false;
  }

  private schedule(i: number, t: number, y: Vec, p: Vec): void {
    const e = this.events[i];
    e.header(this.header, t, y, p);
    const delay = e.hasDelay ? this.header[2] : 0;
    if (!(delay >= 0) || !Number.isFinite(delay))
      throw new OdeonError('SbmlSemanticError', `Event ${e.id} has an invalid delay ${delay} at t = ${t}.`, {
        element: e.id,
        t,
        hint: 'Delays must evaluate to finite numbers ≥ 0.',
      });
    const values = e.useValuesFromTriggerTime ? e.values(new Float64Array(e.size), t, y, p) : undefined;
    this.pending.push({ event: i, time: t + delay, values, order: this.order++ });
  }

  /** The earliest pending execution time after t (+∞ when none). */
  nextTime(t: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const job of this.pending) if (job.time > t && job.time < next) next = job.time;
    return next;
  }

  /** Removes and returns the due execution (time ≤ t) to run next, or undefined. Priorities are evaluated now. */
  next(t: number, y: Vec, p: Vec): PendingExecution | undefined {
    const tol = 4 * Number.EPSILON * Math.max(1, Math.abs(t));
    let best = -1;
    let bestPriority = Number.NEGATIVE_INFINITY;
    let ties = 0;
    for (let k = 0; k < this.pending.length; k++) {
      const job = this.pending[k];
      if (job.time > t + tol) continue;
      const e = this.events[job.event];
      const pr = e.hasPriority ? e.header(this.header, t, y, p)[3] : Number.NEGATIVE_INFINITY;
      const prio = Number.isNaN(pr) ? Number.NEGATIVE_INFINITY : pr;
      if (best < 0 || prio > bestPriority) {
        best = k;
        bestPriority = prio;
        ties = 1;
      } else if (prio === bestPriority) {
        ties++;
        if (e.hasPriority) {
          if (this.random() * ties < 1) best = k;
        } else if (job.order < this.pending[best].order) best = k;
      }
    }
    return best < 0 ? undefined : this.pending.splice(best, 1)[0];
  }

  private random(): number {
    let r = this.rng;
    r ^= r << 13;
    r >>>= 0;
    r ^= r >>> 17;
    r ^= r << 5;
    r >>>= 0;
    this.rng = r;
    return r / 4294967296;
  }
}
