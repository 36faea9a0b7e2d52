import { Rng } from '@odeon/core';
import { invalidOption } from '@odeon/ode';
import { Dataset, type MeasurementInput } from './dataset.ts';

/** Options of {@link addNoise}. */
export interface NoiseOptions {
  /** Relative noise level: σ includes `relative · |y|`; default 0. */
  readonly relative?: number;
  /** Absolute noise level, one number or one per species; default 0. */
  readonly absolute?: number | ArrayLike<number>;
  /** Seed; default 0. */
  readonly seed?: number;
  /** Noisy copies per measurement (named `<name>#<k>`); default 1 (names unchanged). */
  readonly copies?: number;
  /** Also perturb the initial time point and `y0`; default false (initial conditions stay exact). */
  readonly includeInitial?: boolean;
  /** Clip noisy values at zero (concentrations); default false. */
  readonly nonNegative?: boolean;
}

const NOISE_DEFAULTS = {
  relative: 0,
  absolute: 0,
  seed: 0,
  copies: 1,
  includeInitial: false,
  nonNegative: false,
} as const satisfies Required<NoiseOptions>;

/**
 * Gaussian noise augmentation: every observed value becomes `y + σ·ε`, `ε ~ N(0, 1)`,
 * `σ = absolute_j + relative·|y|`. Missing values stay missing. Seeded, so reproducible.
 */
export function addNoise(dataset: Dataset, options: NoiseOptions = {}): Dataset {
  const o = { ...NOISE_DEFAULTS, ...options };
  const n = dataset.n;
  if (!(o.relative >= 0 && Number.isFinite(o.relative))) {
    throw invalidOption('relative', o.relative, 'a finite number ≥ 0');
  }
  const abs = new Float64Array(n);
  if (typeof o.absolute === 'number') abs.fill(o.absolute);
  else {
    if (o.absolute.length !== n) {
      throw invalidOption('absolute', o.absolute, `one number or ${n} numbers (one per species)`);
    }
    abs.set(o.absolute);
  }
  for (let j = 0; j < n; j++) {
    if (!(abs[j] >= 0 && Number.isFinite(abs[j])))
      throw invalidOption('absolute', abs[j], 'finite numbers ≥ 0');
  }
  if (!Number.isInteger(o.copies) || o.copies < 1) throw invalidOption('copies', o.copies, 'an integer ≥ 1');
  const rng = Rng.fromSeed(o.seed);
  const perturb = (v: number, j: number) => {
    if (Number.isNaN(v)) return v;
    const w = v + (abs[j] + o.relative * Math.abs(v)) * rng.normal();
    return o.nonNegative && w < 0 ? 0 : w;
  };
  const out: MeasurementInput[] = [];
  for (const m of dataset.measurements) {
    for (let c = 0; c < o.copies; c++) {
      const y = m.y.slice();
      const start = o.includeInitial ? 0 : n;
      for (let k = start; k < y.length; k++) y[k] = perturb(y[k], k % n);
      // y0 follows the (perturbed) first row where it was that row, else is perturbed on its own.
      const y0 = o.includeInitial
        ? Float64Array.from(m.y0, (v, j) => (Object.is(v, m.y[j]) ? y[j] : perturb(v, j)))
        : m.y0;
      out.push({ name: o.copies === 1 ? m.name : `${m.name}#${c}`, t: m.t, y, y0 });
    }
  }
  return new Dataset(dataset.species, out);
}
