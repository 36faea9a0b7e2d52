import { datasetError } from './internal/errors.ts';

/** One measured time series: an experiment started from its own initial condition. */
export interface Measurement {
  /** Identifier (the `measurement` column of the CSV). */
  readonly name: string;
  /** Measurement times, strictly increasing. `t[0]` is the start of the experiment. */
  readonly t: Float64Array;
  /** Observations, row-major `t.length × species.length`; NaN marks a missing value. */
  readonly y: Float64Array;
  /**
   * Initial condition at `t[0]` (length `species.length`). NaN marks an unknown component, which a
   * mechanistic fit takes from the model's own `y0`. Defaults to the first row of `y`.
   */
  readonly y0: Float64Array;
}

/** Input form of a measurement: plain arrays accepted, `y` flat row-major or one row per time. */
export interface MeasurementInput {
  readonly name?: string;
  readonly t: ArrayLike<number>;
  readonly y: ArrayLike<number> | readonly ArrayLike<number>[];
  readonly y0?: ArrayLike<number>;
}

/** JSON form of a dataset (`Dataset.toJSON` / `Dataset.fromJSON`); missing values are `null`. */
export interface DatasetJson {
  readonly species: readonly string[];
  readonly measurements: readonly {
    readonly name: string;
    readonly t: readonly number[];
    readonly y: readonly (number | null)[];
    readonly y0: readonly (number | null)[];
  }[];
}

function isRows(y: MeasurementInput['y']): y is readonly ArrayLike<number>[] {
  return y.length > 0 && typeof (y as ArrayLike<unknown>)[0] === 'object';
}

/**
 * An immutable collection of measurements of the same species. Measurements may have different
 * time grids and missing values (NaN), which every loss in `@odeon/train` masks out.
 *
 * ```ts
 * const data = new Dataset(['A', 'B'], [{ name: 'run1', t: [0, 1, 2], y: [[1, 0], [0.6, 0.4], [NaN, 0.6]] }]);
 * ```
 */
export class Dataset {
  /** Species (column) names, unique. */
  readonly species: readonly string[];
  readonly measurements: readonly Measurement[];

  constructor(species: readonly string[], measurements: readonly MeasurementInput[]) {
    if (!Array.isArray(species) || species.length === 0) {
      throw datasetError('a dataset needs at least one species.', {
        hint: 'Pass the species names, e.g. ["A", "B"].',
      });
    }
    const seen = new Set<string>();
    for (const s of species) {
      if (typeof s !== 'string' || s.trim() === '') {
        throw datasetError('species names must be non-empty strings.', { column: String(s) });
      }
      if (seen.has(s)) {
        throw datasetError('duplicate species name.', {
          column: s,
          hint: 'Each species column must be unique.',
        });
      }
      seen.add(s);
    }
    if (measurements.length === 0) {
      throw datasetError('a dataset needs at least one measurement.');
    }
    this.species = Object.freeze([...species]);
    const names = new Set<string>();
    this.measurements = Object.freeze(
      measurements.map((m, k) => {
        const checked = checkMeasurement(m, k, species);
        if (names.has(checked.name)) {
          throw datasetError('duplicate measurement name.', {
            measurement: checked.name,
            hint: 'Give every measurement a unique name.',
          });
        }
        names.add(checked.name);
        return checked;
      }),
    );
  }

  /** Number of species. */
  get n(): number {
    return this.species.length;
  }

  /** Number of measurements. */
  get size(): number {
    return this.measurements.length;
  }

  /** Total number of observed (non-NaN) values. */
  get observedCount(): number {
    let c = 0;
    for (const m of this.measurements) for (let i = 0; i < m.y.length; i++) if (!Number.isNaN(m.y[i])) c++;
    return c;
  }

  /** Index of a species by name; throws a DatasetError naming the species if absent. */
  speciesIndex(name: string): number {
    const i = this.species.indexOf(name);
    if (i < 0) {
      throw datasetError('unknown species.', {
        column: name,
        hint: `Known species: ${this.species.join(', ')}.`,
      });
    }
    return i;
  }

  /**
   * Per-species scale `max − min` over all observed values (Kim et al. 2021), the `y_scale` of the
   * scaled MAE loss and of scaled neural ODEs. A species that is constant (or unobserved) gets 1,
   * so dividing by the scale is always safe.
   */
  yScale(): Float64Array {
    const n = this.n;
    const lo = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    const hi = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    for (const m of this.measurements) {
      for (let i = 0; i < m.t.length; i++) {
        for (let j = 0; j < n; j++) {
          const v = m.y[i * n + j];
          if (Number.isNaN(v)) continue;
          if (v < lo[j]) lo[j] = v;
          if (v > hi[j]) hi[j] = v;
        }
      }
    }
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const r = hi[j] - lo[j];
      out[j] = Number.isFinite(r) && r > 0 ? r : 1;
    }
    return out;
  }

  /** Time scale `t_end − t_start` over all measurements (Kim et al.'s `t_scale`); 1 if degenerate. */
  tScale(): number {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const m of this.measurements) {
      lo = Math.min(lo, m.t[0]);
      hi = Math.max(hi, m.t[m.t.length - 1]);
    }
    const r = hi - lo;
    return r > 0 ? r : 1;
  }

  /** A dataset with the measurements at `indices` (in that order). */
  subset(indices: ArrayLike<number>): Dataset {
    const ms: Measurement[] = [];
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!Number.isInteger(i) || i < 0 || i >= this.size) {
        throw datasetError(`measurement index ${String(i)} is out of range [0, ${this.size}).`);
      }
      ms.push(this.measurements[i]);
    }
    return new Dataset(this.species, ms);
  }

  /**
   * The curriculum view: the first `fraction` of every series (at least two points, or all points
   * if a series has fewer), as used by `Strategy` steps with `length < 1`.
   */
  truncate(fraction: number): Dataset {
    if (!(fraction > 0 && fraction <= 1)) {
      throw datasetError(`truncation fraction must be in (0, 1], got ${String(fraction)}.`);
    }
    if (fraction === 1) return this;
    const n = this.n;
    return new Dataset(
      this.species,
      this.measurements.map((m) => {
        const k = truncatedLength(m.t.length, fraction);
        return { name: m.name, t: m.t.subarray(0, k), y: m.y.subarray(0, k * n), y0: m.y0 };
      }),
    );
  }

  /** Plain-JSON form (NaN written as `null`); `Dataset.fromJSON` reads it back exactly. */
  toJSON(): DatasetJson {
    const nullable = (a: Float64Array) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
    return {
      species: [...this.species],
      measurements: this.measurements.map((m) => ({
        name: m.name,
        t: Array.from(m.t),
        y: nullable(m.y),
        y0: nullable(m.y0),
      })),
    };
  }

  /** Reads the form written by `toJSON`, validating it like the constructor does. */
  static fromJSON(json: DatasetJson): Dataset {
    if (json === null || typeof json !== 'object' || !Array.isArray(json.measurements)) {
      throw datasetError('not a dataset JSON object.', { hint: 'Expected { species, measurements }.' });
    }
    const nan = (a: readonly (number | null)[]) => Array.from(a, (v) => (v === null ? Number.NaN : v));
    return new Dataset(
      json.species,
      json.measurements.map((m) => ({ name: m.name, t: m.t, y: nan(m.y), y0: nan(m.y0) })),
    );
  }
}

/** Number of points kept by the curriculum: ceil(fraction · nt), at least 2 (or nt if smaller). */
export function truncatedLength(nt: number, fraction: number): number {
  return Math.min(nt, Math.max(2, Math.ceil(fraction * nt - 1e-12)));
}

function checkMeasurement(m: MeasurementInput, k: number, species: readonly string[]): Measurement {
  const n = species.length;
  const name = m.name ?? `m${k}`;
  if (typeof name !== 'string' || name === '') {
    throw datasetError(`measurement ${k} needs a non-empty string name.`);
  }
  const ctx = { measurement: name };
  if (m.t === undefined || m.t.length === 0) {
    throw datasetError('a measurement needs at least one time point.', ctx);
  }
  const t = Float64Array.from(m.t);
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(t[i])) {
      throw datasetError(`time ${i} is not a finite number (${String(t[i])}).`, { ...ctx, column: 'time' });
    }
    if (i > 0 && !(t[i] > t[i - 1])) {
      throw datasetError(`times must be strictly increasing: t[${i}] = ${t[i]} follows ${t[i - 1]}.`, {
        ...ctx,
        column: 'time',
        hint: 'Sort the rows by time and merge duplicate time points.',
      });
    }
  }
  let y: Float64Array;
  if (isRows(m.y)) {
    if (m.y.length !== t.length) {
      throw datasetError(`${m.y.length} rows of values for ${t.length} times.`, ctx);
    }
    y = new Float64Array(t.length * n);
    for (let i = 0; i < t.length; i++) {
      const row = m.y[i];
      if (row.length !== n) {
        throw datasetError(`row ${i} has ${row.length} values, expected ${n} (one per species).`, ctx);
      }
      for (let j = 0; j < n; j++) y[i * n + j] = row[j];
    }
  } else {
    if (m.y.length !== t.length * n) {
      throw datasetError(`${m.y.length} values for ${t.length} times × ${n} species.`, ctx);
    }
    y = Float64Array.from(m.y as ArrayLike<number>);
  }
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isNaN(v) && !Number.isFinite(v)) {
      throw datasetError(`value ${String(v)} at time ${t[Math.floor(i / n)]} is infinite.`, {
        ...ctx,
        column: species[i % n],
        hint: 'Use NaN (an empty cell in CSV) for a missing value.',
      });
    }
  }
  let y0: Float64Array;
  if (m.y0 === undefined) {
    y0 = y.slice(0, n);
  } else {
    if (m.y0.length !== n) throw datasetError(`y0 has ${m.y0.length} values, expected ${n}.`, ctx);
    y0 = Float64Array.from(m.y0);
    for (let j = 0; j < n; j++) {
      if (!Number.isNaN(y0[j]) && !Number.isFinite(y0[j])) {
        throw datasetError('initial condition is infinite.', { ...ctx, column: species[j] });
      }
    }
  }
  return Object.freeze({ name, t, y, y0 });
}
