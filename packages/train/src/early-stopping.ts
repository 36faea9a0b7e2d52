import { invalidOption } from '@odeon/ode';

/** Early stopping on a validation metric. */
export interface EarlyStoppingOptions {
  /** Name of the metric returned by `validate`; default `loss`. */
  readonly metric?: string;
  /** Validations without improvement before stopping (≥ 1). */
  readonly patience: number;
  /** Smallest change that counts as an improvement; default 0. */
  readonly minDelta?: number;
  /** `min` (default) or `max`. */
  readonly mode?: 'min' | 'max';
  /** Return the best parameters rather than the last; default true. */
  readonly restoreBest?: boolean;
}

/** The monitor's state, as a checkpoint stores it. */
export interface EarlyStoppingState {
  readonly best: number;
  readonly bestStep: number;
  readonly bestParams: Float64Array | undefined;
  readonly wait: number;
}

/**
 * Tracks the best value of the monitored metric over validations and counts validations without
 * improvement. Without options it only keeps the (unused) initial state, so checkpoints have one shape.
 */
export class EarlyStopping {
  private readonly mode: 'min' | 'max';
  private readonly metric: string;
  private readonly minDelta: number;
  best: number;
  bestStep = -1;
  bestParams: Float64Array | undefined;
  wait = 0;

  /** @throws OdeonError `InvalidOption` for early stopping without `validate` or a bad `patience`. */
  constructor(
    readonly options: EarlyStoppingOptions | undefined,
    hasValidate: boolean,
  ) {
    if (options !== undefined) {
      if (!hasValidate) {
        throw invalidOption('earlyStopping', options, 'early stopping together with a `validate` function');
      }
      if (!Number.isInteger(options.patience) || options.patience < 1) {
        throw invalidOption('earlyStopping.patience', options.patience, 'an integer ≥ 1');
      }
    }
    this.mode = options?.mode ?? 'min';
    this.metric = options?.metric ?? 'loss';
    this.minDelta = options?.minDelta ?? 0;
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  state(): EarlyStoppingState {
    return { best: this.best, bestStep: this.bestStep, bestParams: this.bestParams, wait: this.wait };
  }

  restore(state: EarlyStoppingState): void {
    this.best = state.best;
    this.bestStep = state.bestStep;
    this.bestParams = state.bestParams;
    this.wait = state.wait;
  }

  /** Records the metrics of a validation at `step` with parameters `x`; true when patience has run out. */
  update(metrics: Readonly<Record<string, number>>, step: number, x: Float64Array): boolean {
    const es = this.options;
    if (es === undefined) return false;
    const v = metrics[this.metric];
    if (v === undefined) {
      throw invalidOption(
        'earlyStopping.metric',
        this.metric,
        `a metric returned by validate (${Object.keys(metrics).join(', ')})`,
      );
    }
    const improved = this.mode === 'min' ? v < this.best - this.minDelta : v > this.best + this.minDelta;
    if (improved) {
      this.best = v;
      this.bestStep = step;
      this.bestParams = x.slice();
      this.wait = 0;
      return false;
    }
    this.wait++;
    return this.wait >= es.patience;
  }

  /** The parameters to return: the best ones when configured to restore them, else `last`. */
  result(last: Float64Array): Float64Array {
    const restore = this.options !== undefined && (this.options.restoreBest ?? true);
    return restore && this.bestParams !== undefined ? this.bestParams.slice() : last;
  }

  /** The best value and its step, if early stopping is configured and a validation ran. */
  bestResult(): { readonly value: number; readonly step: number } | undefined {
    return this.options !== undefined && this.bestStep >= 0
      ? { value: this.best, step: this.bestStep }
      : undefined;
  }
}
