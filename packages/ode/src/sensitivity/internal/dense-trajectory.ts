/**
 * Stored dense output of an integration: for each accepted step its start time, size and the
 * method's dense coefficients. `evaluate(out, t)` finds the step by bisection (with a cached last
 * index, since the adjoint sweeps time monotonically) and evaluates the interpolant.
 */
import type { Vec } from '../../types.ts';
import { type DenseKind, evalDense } from './stepper.ts';

export class DenseTrajectory {
  readonly kind: DenseKind;
  readonly size: number;
  readonly width: number;
  private starts: Float64Array;
  private sizes: Float64Array;
  private data: Float64Array;
  private count = 0;
  private last = 0;

  constructor(kind: DenseKind, size: number, width: number, capacity = 64) {
    this.kind = kind;
    this.size = size;
    this.width = width;
    this.starts = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity);
    this.data = new Float64Array(capacity * size * width);
  }

  /** Number of stored steps. */
  get steps(): number {
    return this.count;
  }

  /** Doubles stored per step (for memory reports). */
  get doublesPerStep(): number {
    return this.size * this.width + 2;
  }

  stepStart(k: number): number {
    return this.starts[k];
  }

  stepSize(k: number): number {
    return this.sizes[k];
  }

  get tStart(): number {
    return this.starts[0];
  }

  get tEnd(): number {
    return this.starts[this.count - 1] + this.sizes[this.count - 1];
  }

  push(t: number, h: number, block: Vec): void {
    if (this.count === this.starts.length) {
      const cap = this.starts.length * 2;
      const s = new Float64Array(cap);
      s.set(this.starts);
      this.starts = s;
      const z = new Float64Array(cap);
      z.set(this.sizes);
      this.sizes = z;
      const d = new Float64Array(cap * this.size * this.width);
      d.set(this.data);
      this.data = d;
    }
    const stride = this.size * this.width;
    this.starts[this.count] = t;
    this.sizes[this.count] = h;
    this.data.set(block.subarray(0, stride), this.count * stride);
    this.count++;
  }

  /** Index of the step containing t (clamped to the stored range). */
  locate(t: number): number {
    const n = this.count;
    let k = this.last;
    if (t >= this.starts[k] && t <= this.starts[k] + this.sizes[k]) return k;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    k = lo;
    this.last = k;
    return k;
  }

  /** y(t) into `out`; t is clamped to the integrated interval. */
  evaluate(out: Vec, t: number): Vec {
    const k = this.locate(t);
    return this.evaluateInStep(out, k, t);
  }

  /** y(t) using step k's interpolant (t may lie at or slightly outside its ends). */
  evaluateInStep(out: Vec, k: number, t: number): Vec {
    const theta = (t - this.starts[k]) / this.sizes[k];
    return evalDense(out, this.kind, this.data, k * this.size * this.width, this.size, theta);
  }
}
