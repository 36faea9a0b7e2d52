import { type LocalOptimizeOptions, localOptimize } from './optimize.ts';
import type { PetabModel } from './petab-model.ts';
import { toScale } from './scale.ts';

/** χ²₁ quantiles / 2 for the profile thresholds of pointwise confidence intervals. */
export const PROFILE_THRESHOLDS = {
  0.68: 0.494_736_2,
  0.9: 1.352_771_7,
  0.95: 1.920_729_4,
  0.99: 3.317_448_6,
} as const;

/** Options of {@link profile}. */
export interface ProfileOptions extends LocalOptimizeOptions {
  /** Points per direction at most. Default 20. */
  readonly points?: number;
  /** Step on the parameter scale; default (ub − lb)/(2·points). */
  readonly step?: number;
  /** Stop a direction once objective − best exceeds this. Default 1.92 (95 %) + 1. */
  readonly stopAbove?: number;
  /** Called after every profile point. */
  readonly onPoint?: (parameter: number, theta: number, objective: number) => void;
}

/** A profile likelihood of one parameter. */
export interface Profile {
  readonly parameter: string;
  /** Profiled values on the parameter scale, ascending. */
  readonly values: readonly number[];
  /** Optimised objective at each value. */
  readonly objectives: readonly number[];
  /** The optimum the profile started from. */
  readonly best: number;
  /** 95 % confidence interval on the parameter scale from the threshold best + 1.92 (±∞ when not reached). */
  readonly ci95: readonly [number, number];
}

/**
 * Profile likelihood of estimated parameter `index` from the optimum θ*: steps away from θ*ᵢ in both
 * directions on the parameter scale, re-optimising the other parameters (warm-started) at every
 * point, until objective − best exceeds `stopAbove` or the bound is reached.
 */
export function profile(
  model: PetabModel,
  thetaBest: ArrayLike<number>,
  index: number,
  options: ProfileOptions = {},
): Profile {
  const p = model.estimatedParameters[index];
  const lb = toScale(p.lowerBound, p.scale);
  const ub = toScale(p.upperBound, p.scale);
  const points = options.points ?? 20;
  const step = options.step ?? (ub - lb) / (2 * points);
  const stopAbove = options.stopAbove ?? PROFILE_THRESHOLDS[0.95] + 1;
  const best = localOptimize(model, thetaBest, {
    ...options,
    fixed: [...(options.fixed ?? []), index],
  }).objective;
  const fixedBest = Math.min(best, Number.POSITIVE_INFINITY);
  const sides: { v: number; f: number }[][] = [];
  for (const dir of [-1, 1]) {
    const side: { v: number; f: number }[] = [];
    let theta: Float64Array = Float64Array.from(thetaBest);
    for (let k = 1; k <= points; k++) {
      const v = thetaBest[index] + dir * k * step;
      if (v < lb || v > ub) break;
      theta = Float64Array.from(theta);
      theta[index] = v;
      const r = localOptimize(model, theta, { ...options, fixed: [...(options.fixed ?? []), index] });
      theta = r.theta;
      side.push({ v, f: r.objective });
      options.onPoint?.(index, v, r.objective);
      if (r.objective - fixedBest > stopAbove) break;
    }
    sides.push(side);
  }
  const all = [...sides[0].reverse(), { v: thetaBest[index], f: fixedBest }, ...sides[1]];
  const level = fixedBest + PROFILE_THRESHOLDS[0.95];
  const crossing = (a: { v: number; f: number }, b: { v: number; f: number }) =>
    a.v + ((level - a.f) * (b.v - a.v)) / (b.f - a.f);
  const mid = sides[0].length;
  let lo = Number.NEGATIVE_INFINITY;
  for (let k = mid; k > 0; k--)
    if (all[k - 1].f > level) {
      lo = crossing(all[k], all[k - 1]);
      break;
    }
  let hi = Number.POSITIVE_INFINITY;
  for (let k = mid; k < all.length - 1; k++)
    if (all[k + 1].f > level) {
      hi = crossing(all[k], all[k + 1]);
      break;
    }
  return {
    parameter: p.id,
    values: all.map((x) => x.v),
    objectives: all.map((x) => x.f),
    best: fixedBest,
    ci95: [lo, hi],
  };
}
