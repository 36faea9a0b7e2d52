import { Rng } from '@odeon/core';
import { invalidOption } from '@odeon/ode';
import { Dataset, type MeasurementInput } from './dataset.ts';
import { datasetError } from './internal/errors.ts';

/** Options of {@link splitDataset}. */
export interface SplitOptions {
  /** Fraction held out for validation, in (0, 1); default 0.2. */
  readonly validationFraction?: number;
  /** Seed of the split; default 0. */
  readonly seed?: number;
  /**
   * `measurement` (default): whole measurements go to one side. `point`: every measurement stays on
   * both sides, each non-initial time point held out with probability `validationFraction` (its
   * value is NaN, i.e. masked, on the other side), for datasets with a single long series.
   */
  readonly by?: 'measurement' | 'point';
}

const SPLIT_DEFAULTS = {
  validationFraction: 0.2,
  seed: 0,
  by: 'measurement',
} as const satisfies Required<SplitOptions>;

/** A seeded train/validation split; the same seed always gives the same split. */
export function splitDataset(
  dataset: Dataset,
  options: SplitOptions = {},
): { readonly train: Dataset; readonly validation: Dataset } {
  const o = { ...SPLIT_DEFAULTS, ...options };
  if (!(o.validationFraction > 0 && o.validationFraction < 1)) {
    throw invalidOption('validationFraction', o.validationFraction, 'a number in (0, 1)');
  }
  const rng = Rng.fromSeed(o.seed);
  if (o.by === 'measurement') {
    const m = dataset.size;
    if (m < 2) {
      throw datasetError('a measurement-wise split needs at least two measurements.', {
        hint: 'Use { by: "point" } to split the time points of a single series.',
      });
    }
    const nVal = Math.min(m - 1, Math.max(1, Math.round(o.validationFraction * m)));
    const perm = rng.permutation(m);
    const val = Array.from(perm.subarray(0, nVal)).sort((a, b) => a - b);
    const train = Array.from(perm.subarray(nVal)).sort((a, b) => a - b);
    return { train: dataset.subset(train), validation: dataset.subset(val) };
  }
  if (o.by !== 'point') throw invalidOption('by', o.by, '"measurement" or "point"');
  const n = dataset.n;
  const train: MeasurementInput[] = [];
  const validation: MeasurementInput[] = [];
  for (const m of dataset.measurements) {
    const yt = m.y.slice();
    const yv = m.y.slice();
    for (let i = 1; i < m.t.length; i++) {
      const held = rng.uniform() < o.validationFraction;
      const target = held ? yt : yv;
      for (let j = 0; j < n; j++) target[i * n + j] = Number.NaN;
    }
    train.push({ name: m.name, t: m.t, y: yt, y0: m.y0 });
    validation.push({ name: m.name, t: m.t, y: yv, y0: m.y0 });
  }
  return { train: new Dataset(dataset.species, train), validation: new Dataset(dataset.species, validation) };
}
