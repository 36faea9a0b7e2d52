import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from './shared-dir.ts';

export const REFERENCE_PROBLEMS = [
  'rober',
  'pollu',
  'hires',
  'orego',
  'vdpol',
  'lotka',
  'pleiades',
  'arenstorf',
] as const;
export type ReferenceName = (typeof REFERENCE_PROBLEMS)[number];

export interface ReferenceGradients {
  readonly functional: string;
  readonly param_names: readonly string[];
  readonly params: readonly number[];
  readonly dL_dp: readonly number[];
  readonly dL_dy0: readonly number[];
  readonly L: number;
  readonly per_component: {
    readonly functionals: readonly string[];
    readonly L: readonly number[];
    readonly dL_dp: readonly (readonly number[])[];
    readonly dL_dy0: readonly (readonly number[])[];
  };
}

/** One reference problem from `shared/reference/<name>.json` (high-accuracy solution at 50 times). */
export interface Reference {
  readonly name: ReferenceName;
  readonly t0: number;
  readonly tf: number;
  readonly y0: readonly number[];
  readonly params: Readonly<Record<string, number>>;
  readonly times: readonly number[];
  /** values[k][i]: component i at times[k]. */
  readonly values: readonly (readonly number[])[];
  readonly final: readonly number[];
  readonly atol_factor: number;
  readonly stiff: boolean;
  readonly state_names: readonly string[];
  readonly gradients?: ReferenceGradients;
  readonly definition: Readonly<Record<string, unknown>>;
}

const cache = new Map<string, Reference>();

export function loadReference(name: ReferenceName): Reference {
  let ref = cache.get(name);
  if (!ref) {
    ref = JSON.parse(readFileSync(join(sharedDir(), 'reference', `${name}.json`), 'utf8')) as Reference;
    cache.set(name, ref);
  }
  return ref;
}

/**
 * The reference error metric: max over times and components of |y − y_ref| / (atol + rtol·|y_ref|).
 * `actual` is row-major (times.length × n) at the reference times.
 */
export function scaledErrorVsReference(
  ref: Reference,
  actual: ArrayLike<number>,
  rtol: number,
  atol: number,
): number {
  const n = ref.y0.length;
  let worst = 0;
  for (let k = 0; k < ref.times.length; k++) {
    for (let i = 0; i < n; i++) {
      const r = ref.values[k][i];
      const e = Math.abs(actual[k * n + i] - r) / (atol + rtol * Math.abs(r));
      worst = Number.isNaN(e) ? Number.POSITIVE_INFINITY : Math.max(worst, e);
    }
  }
  return worst;
}

/** The peers' final-time metric: max_i |y_i(tf) − ref_i| / max(|ref_i|, atol_factor). */
export function finalErrorVsReference(ref: Reference, yFinal: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < ref.final.length; i++) {
    const r = ref.final[i];
    const e = Math.abs(yFinal[i] - r) / Math.max(Math.abs(r), ref.atol_factor);
    worst = Number.isNaN(e) ? Number.POSITIVE_INFINITY : Math.max(worst, e);
  }
  return worst;
}
