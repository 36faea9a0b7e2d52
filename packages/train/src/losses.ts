import type { Rng } from '@odeon/core';
import { invalidOption } from '@odeon/ode';
import { Dataset } from './dataset.ts';

/** Names of the built-in losses. */
export type LossName = 'mae' | 'mse' | 'logcosh' | 'scaledMae' | 'scaledMse';

/** A loss given by name, or the scaled MAE with explicit per-species scales. */
export type LossSpec =
  | LossName
  | { readonly kind: 'scaledMae' | 'scaledMse'; readonly yScale: ArrayLike<number> };

/**
 * An elementwise loss ρ_j(r) of the residual r = prediction − target for species j, with its
 * derivative. Batch losses average ρ over observed (non-NaN) entries: see {@link batchLoss}.
 */
export interface Loss {
  readonly name: LossName;
  /** ρ_j(r). */
  point(r: number, j: number): number;
  /** dρ_j/dr (the subgradient 0 at the kink of the absolute value). */
  derivative(r: number, j: number): number;
}

const LN2 = Math.LN2;

/** Mean absolute error: ρ(r) = |r|. */
export const mae: Loss = Object.freeze({
  name: 'mae' as const,
  point: (r: number) => Math.abs(r),
  derivative: (r: number) => (r > 0 ? 1 : r < 0 ? -1 : 0),
});

/** Mean squared error: ρ(r) = r². */
export const mse: Loss = Object.freeze({
  name: 'mse' as const,
  point: (r: number) => r * r,
  derivative: (r: number) => 2 * r,
});

/**
 * Log-cosh: ρ(r) = log cosh r, evaluated as |r| + log1p(e^{−2|r|}) − log 2 so it neither overflows
 * for large |r| nor loses precision near 0; ρ′(r) = tanh r. Quadratic near 0, linear in the tails.
 */
export const logcosh: Loss = Object.freeze({
  name: 'logcosh' as const,
  point: (r: number) => {
    const a = Math.abs(r);
    return a < 1e-4 ? 0.5 * r * r - (r * r * r * r) / 12 : a + Math.log1p(Math.exp(-2 * a)) - LN2;
  },
  derivative: (r: number) => Math.tanh(r),
});

/**
 * The scaled MAE of Kim et al. 2021 (stiff neural ODEs): ρ_j(r) = |r| / y_scale_j with
 * y_scale_j = max − min of species j over the data ({@link Dataset.yScale}), so species of very
 * different magnitude (ROBER's y₂ ≈ 1e-5 beside y₁ ≈ 1) weigh alike.
 */
export function scaledMae(yScale: ArrayLike<number>): Loss {
  const s = checkScales(yScale);
  const inv = s.map((v) => 1 / v);
  return Object.freeze({
    name: 'scaledMae' as const,
    point: (r: number, j: number) => Math.abs(r) * inv[j],
    derivative: (r: number, j: number) => (r > 0 ? inv[j] : r < 0 ? -inv[j] : 0),
  });
}

/**
 * The scaled MSE: ρ_j(r) = (r / y_scale_j)², the smooth companion of {@link scaledMae} for
 * quasi-Newton fits of species of very different magnitude.
 */
export function scaledMse(yScale: ArrayLike<number>): Loss {
  const s = checkScales(yScale);
  const inv2 = s.map((v) => 1 / (v * v));
  return Object.freeze({
    name: 'scaledMse' as const,
    point: (r: number, j: number) => r * r * inv2[j],
    derivative: (r: number, j: number) => 2 * r * inv2[j],
  });
}

function checkScales(yScale: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(yScale);
  for (let j = 0; j < s.length; j++) {
    if (!(s[j] > 0 && Number.isFinite(s[j]))) {
      throw invalidOption('yScale', s[j], 'positive finite scales (max − min of each species)');
    }
  }
  return s;
}

/**
 * Resolves a {@link LossSpec}. The scaled losses given by name take their scales from `dataset`
 * (required then).
 */
export function createLoss(spec: LossSpec, dataset?: Dataset): Loss {
  if (typeof spec === 'object' && spec !== null) {
    if (spec.kind === 'scaledMae') return scaledMae(spec.yScale);
    if (spec.kind === 'scaledMse') return scaledMse(spec.yScale);
  }
  switch (spec) {
    case 'mae':
      return mae;
    case 'mse':
      return mse;
    case 'logcosh':
      return logcosh;
    case 'scaledMae':
    case 'scaledMse':
      if (!(dataset instanceof Dataset)) {
        throw invalidOption('loss', spec, `a dataset to take y_scale from, or { kind: "${spec}", yScale }`);
      }
      return spec === 'scaledMae' ? scaledMae(dataset.yScale()) : scaledMse(dataset.yScale());
    default:
      throw invalidOption(
        'loss',
        spec,
        '"mae", "mse", "logcosh", "scaledMae", "scaledMse" or { kind: "scaledMae" | "scaledMse", yScale }',
      );
  }
}

/** One series of a batch: predictions and targets, both row-major `nt × n`. */
export interface LossTerm {
  readonly pred: Float64Array;
  readonly target: Float64Array;
}

/**
 * Temporal dropout (the seed's, Catalax): each time point after the first is kept with probability
 * `1 − p` (the initial point is always kept), one mask m_t per time index shared by every series of the
 * batch and every species (`per: 'time'`, default), drawn afresh at each evaluation from `rng`;
 * `per: 'series'` draws one mask per series instead.
 */
export interface TemporalDropout {
  /** Drop probability p ∈ [0, 1). */
  readonly p: number;
  readonly rng: Rng;
  /** One mask per time index shared by all series (`time`, default) or one per series (`series`). */
  readonly per?: 'time' | 'series';
  /**
   * `kept` (default, as specified): the loss is the mean over the kept points, i.e. divided by
   * (kept points × batch × states), so its scale does not depend on p.
   * `expected`: inverse-probability weighting (kept interior points weigh 1/(1 − p), the sum is
   * divided by all points × batch × states), whose expectation over the masks equals the
   * undropped loss exactly for every p.
   */
  readonly normalise?: 'kept' | 'expected';
}

/** Result of {@link batchLoss}. */
export interface BatchLossResult {
  /** The normalised loss (NaN if a prediction at an observed entry is NaN). */
  readonly value: number;
  /** ∂value/∂pred for each term (zero at masked entries). */
  readonly grads: readonly Float64Array[];
  /** Observed (non-NaN target) entries among the kept points: the normaliser of `kept`. */
  readonly observed: number;
  /** Number of kept time points over the batch. */
  readonly keptPoints: number;
}

/**
 * Draws a temporal-dropout mask for `out.length` time points into `out` (1 = kept): `out[0] = 1`,
 * every other point kept with probability 1 − p.
 */
export function temporalDropoutMask(out: Uint8Array, rng: Rng, p: number): Uint8Array {
  if (!(p >= 0 && p < 1)) throw invalidOption('dropout', p, 'a probability in [0, 1)');
  if (out.length > 0) out[0] = 1;
  for (let i = 1; i < out.length; i++) out[i] = p > 0 && rng.uniform() < p ? 0 : 1;
  return out;
}

/**
 * The loss of a batch and its gradient with respect to every prediction. Entries whose target is
 * NaN (missing) are masked out of both the value and the normaliser, so with no missing values and
 * no dropout the value is the plain mean of ρ over batch × time points × states.
 */
export function batchLoss(
  loss: Loss,
  n: number,
  terms: readonly LossTerm[],
  dropout?: TemporalDropout,
): BatchLossResult {
  const normalise = dropout?.normalise ?? 'kept';
  if (normalise !== 'kept' && normalise !== 'expected') {
    throw invalidOption('normalise', normalise, '"kept" or "expected"');
  }
  const p = dropout?.p ?? 0;
  const grads: Float64Array[] = [];
  let sum = 0;
  let observed = 0;
  let observedAll = 0;
  let keptPoints = 0;
  const invKeep = 1 / (1 - p);
  const per = dropout?.per ?? 'time';
  if (per !== 'time' && per !== 'series') throw invalidOption('per', per, '"time" or "series"');
  let longest = 0;
  for (const term of terms) longest = Math.max(longest, Math.floor(term.target.length / n));
  const shared = new Uint8Array(longest).fill(1);
  if (dropout !== undefined && per === 'time') temporalDropoutMask(shared, dropout.rng, p);
  for (const term of terms) {
    const { pred, target } = term;
    if (pred.length !== target.length || target.length % n !== 0) {
      throw invalidOption(
        'pred',
        pred.length,
        `the target's length ${target.length} (a multiple of n = ${n})`,
      );
    }
    const nt = target.length / n;
    const mask =
      dropout !== undefined && per === 'series'
        ? temporalDropoutMask(new Uint8Array(nt), dropout.rng, p)
        : shared.subarray(0, nt);
    const g = new Float64Array(pred.length);
    for (let i = 0; i < nt; i++) {
      const kept = mask[i] === 1;
      if (kept) keptPoints++;
      const w = normalise === 'expected' && i > 0 ? invKeep : 1;
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        const y = target[k];
        if (Number.isNaN(y)) continue;
        observedAll++;
        if (!kept) continue;
        observed++;
        const r = pred[k] - y;
        sum += w * loss.point(r, j);
        g[k] = w * loss.derivative(r, j);
      }
    }
    grads.push(g);
  }
  const denom = normalise === 'kept' ? observed : observedAll;
  const scale = denom > 0 ? 1 / denom : 0;
  for (const g of grads) for (let k = 0; k < g.length; k++) g[k] *= scale;
  return { value: denom > 0 ? sum * scale : 0, grads, observed, keptPoints };
}
