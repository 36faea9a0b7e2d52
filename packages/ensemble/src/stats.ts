import { invalidOption } from '@odeon/ode';
import type { MemberResult } from './member.ts';

/** Summary statistics of an ensemble at its output times, over the members that did not fail. */
export interface EnsembleStats {
  readonly names: readonly string[];
  readonly saveAt: Float64Array;
  /** Row-major saveAt.length × names.length: mean over the members with a finite value there. */
  readonly mean: Float64Array;
  /** Sample standard deviation (n − 1), same layout as `mean`. */
  readonly std: Float64Array;
  /** The quantile levels, e.g. [0.05, 0.5, 0.95]. */
  readonly levels: readonly number[];
  /** One row-major saveAt.length × names.length array per level (linear interpolation, R type 7). */
  readonly quantiles: readonly Float64Array[];
  /** Members with a finite value, per output time and name (same layout as `mean`). */
  readonly count: Int32Array;
  /** How many members succeeded, were terminated by an event, or failed. */
  readonly status: { readonly success: number; readonly terminated: number; readonly failed: number };
}

/**
 * Statistics of member results (in index order, so sums are reproducible whatever order the members
 * finished in). Members must report the same names; NaN values (after a terminal event, or failed
 * members) are left out of each output time's statistics and counted in `count`.
 */
export function ensembleStats(
  results: readonly MemberResult[],
  saveAt: ArrayLike<number>,
  levels: readonly number[] = [0.05, 0.5, 0.95],
): EnsembleStats {
  for (const q of levels) if (!(q >= 0 && q <= 1)) throw invalidOption('quantiles', q, 'levels in [0, 1]');
  const ordered = [...results].sort((a, b) => a.index - b.index);
  const named = ordered.find((r) => r.status !== 'failed') ?? ordered[0];
  const names = named?.names ?? [];
  const m = names.length;
  const T = saveAt.length;
  const size = T * m;
  const mean = new Float64Array(size);
  const std = new Float64Array(size);
  const count = new Int32Array(size);
  const quantiles = levels.map(() => new Float64Array(size));
  const status = { success: 0, terminated: 0, failed: 0 };
  for (const r of ordered) status[r.status]++;
  const usable = ordered.filter((r) => r.status !== 'failed' && r.y.length === size);
  const column = new Float64Array(usable.length);
  for (let c = 0; c < size; c++) {
    let k = 0;
    let sum = 0;
    for (const r of usable) {
      const v = r.y[c];
      if (Number.isFinite(v)) {
        column[k++] = v;
        sum += v;
      }
    }
    count[c] = k;
    if (k === 0) {
      mean[c] = Number.NaN;
      std[c] = Number.NaN;
      for (const q of quantiles) q[c] = Number.NaN;
      continue;
    }
    const mu = sum / k;
    let ss = 0;
    for (let i = 0; i < k; i++) ss += (column[i] - mu) ** 2;
    mean[c] = mu;
    std[c] = k > 1 ? Math.sqrt(ss / (k - 1)) : 0;
    const sorted = column.subarray(0, k).sort();
    levels.forEach((level, j) => {
      quantiles[j][c] = quantileSorted(sorted, level);
    });
  }
  return {
    names,
    saveAt: Float64Array.from(saveAt),
    mean,
    std,
    levels: [...levels],
    quantiles,
    count,
    status,
  };
}

/** Quantile of sorted values by linear interpolation between order statistics (R type 7, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, level: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * level;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
