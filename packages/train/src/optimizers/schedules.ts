import { invalidOption } from '@odeon/ode';

/**
 * A learning-rate schedule as plain JSON. The rate at step k (0-based) of a stage of `total` steps
 * with base rate lr is:
 * - `constant`: lr
 * - `exponential`: lr · decay^(k / every)   (`every` default 1)
 * - `step`: lr · factor^⌊k / every⌋
 * - `cosine`: minLr + (lr − minLr)(1 + cos(π·min(k, T)/T))/2, T = `steps` (default `total`)
 * - `warmup`: lr · (k + 1)/steps for k < steps, then `after` (default constant) at step k − steps
 */
export type Schedule =
  | { readonly kind: 'constant' }
  | { readonly kind: 'exponential'; readonly decay: number; readonly every?: number }
  | { readonly kind: 'step'; readonly every: number; readonly factor: number }
  | { readonly kind: 'cosine'; readonly minLr?: number; readonly steps?: number }
  | { readonly kind: 'warmup'; readonly steps: number; readonly after?: Schedule };

function positive(name: string, v: unknown): void {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
    throw invalidOption(name, v, 'a positive number');
}

/** Validates a schedule (throws `InvalidOption` naming the field at fault). */
export function validateSchedule(s: Schedule, path = 'schedule'): void {
  if (s === null || typeof s !== 'object') {
    throw invalidOption(path, s, '{ kind: "constant" | "exponential" | "step" | "cosine" | "warmup", ... }');
  }
  switch (s.kind) {
    case 'constant':
      return;
    case 'exponential':
      positive(`${path}.decay`, s.decay);
      if (s.every !== undefined) positive(`${path}.every`, s.every);
      return;
    case 'step':
      positive(`${path}.every`, s.every);
      positive(`${path}.factor`, s.factor);
      return;
    case 'cosine':
      if (s.minLr !== undefined && !(s.minLr >= 0))
        throw invalidOption(`${path}.minLr`, s.minLr, 'a number ≥ 0');
      if (s.steps !== undefined) positive(`${path}.steps`, s.steps);
      return;
    case 'warmup':
      if (!Number.isInteger(s.steps) || s.steps < 1)
        throw invalidOption(`${path}.steps`, s.steps, 'an integer ≥ 1');
      if (s.after !== undefined) validateSchedule(s.after, `${path}.after`);
      return;
    default:
      throw invalidOption(
        `${path}.kind`,
        (s as { kind?: unknown }).kind,
        '"constant", "exponential", "step", "cosine" or "warmup"',
      );
  }
}

/** The learning rate at step `k` (0-based) of a stage of `total` steps with base rate `lr`. */
export function learningRate(schedule: Schedule, lr: number, k: number, total: number): number {
  switch (schedule.kind) {
    case 'constant':
      return lr;
    case 'exponential':
      return lr * schedule.decay ** (k / (schedule.every ?? 1));
    case 'step':
      return lr * schedule.factor ** Math.floor(k / schedule.every);
    case 'cosine': {
      const T = schedule.steps ?? total;
      const min = schedule.minLr ?? 0;
      return min + ((lr - min) * (1 + Math.cos((Math.PI * Math.min(k, T)) / T))) / 2;
    }
    case 'warmup':
      if (k < schedule.steps) return (lr * (k + 1)) / schedule.steps;
      return learningRate(
        schedule.after ?? { kind: 'constant' },
        lr,
        k - schedule.steps,
        total - schedule.steps,
      );
  }
}
