/**
 * Checkpoints of a forward solve with a bounded count: every `stride`-th accepted step is kept,
 * and when more than `capacity` are held, every other one is dropped and the stride doubles. The
 * kept steps therefore stay evenly spaced in step count, with at most `capacity` states in memory
 * (`capacity` may grow with the step count, as √(2N) for the discrete adjoint).
 */
import type { Vec } from '../../types.ts';

export interface Checkpoint {
  /** Index of the accepted step this state starts. */
  readonly step: number;
  readonly t: number;
  readonly y: Vec;
  /** The step size the controller proposed from here. */
  readonly h: number;
}

export class CheckpointStore {
  stride = 1;
  private items: Checkpoint[] = [];
  private readonly capacity: (steps: number) => number;
  /** Peak number of checkpoints held. */
  peak = 0;

  /** `stride`: initial spacing in steps (a fixed spacing when the capacity is unbounded). */
  constructor(capacity: (steps: number) => number, stride = 1) {
    this.capacity = capacity;
    this.stride = stride;
  }

  /** Offers the state at the start of accepted step `step`. */
  offer(step: number, t: number, y: Vec, h: number): void {
    if (step % this.stride !== 0) return;
    this.items.push({ step, t, y: Float64Array.from(y), h });
    const cap = Math.max(2, this.capacity(step + 1));
    while (this.items.length > cap) {
      this.stride *= 2;
      this.items = this.items.filter((c) => c.step % this.stride === 0);
    }
    this.peak = Math.max(this.peak, this.items.length);
  }

  get list(): readonly Checkpoint[] {
    return this.items;
  }
}
