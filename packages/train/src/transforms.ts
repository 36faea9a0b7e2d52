import { invalidOption } from '@odeon/ode';

/**
 * How a bounded or positive parameter θ is mapped to an unconstrained variable u:
 * - `none`: θ = u (no bounds allowed);
 * - `log`: θ = e^u (θ > 0); with both bounds 0 < L < U, θ = exp(ln L + (ln U − ln L)·σ(u)), which
 *   keeps θ in (L, U) and spreads the search over decades (rate constants);
 * - `logistic`: θ = L + (U − L)·σ(u), σ the logistic function (both bounds required).
 */
export type TransformKind = 'none' | 'log' | 'logistic';

/** A resolved parameter transform. */
export interface ParamTransform {
  readonly kind: TransformKind;
  readonly lower: number;
  readonly upper: number;
  /** θ(u). */
  toTheta(u: number): number;
  /** dθ/du at u. */
  derivative(u: number): number;
  /** u(θ); θ must lie strictly inside the bounds. */
  toU(theta: number): number;
}

const sigmoid = (u: number) => (u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u)));
const logit = (s: number) => Math.log(s / (1 - s));

/**
 * Resolves a transform for parameter `name`. Without an explicit kind: both bounds → `log` if
 * L > 0 else `logistic`; only `lower = 0` → `log`; no bounds → `none`.
 */
export function createTransform(
  name: string,
  kind: TransformKind | undefined,
  lower = Number.NEGATIVE_INFINITY,
  upper = Number.POSITIVE_INFINITY,
): ParamTransform {
  const at = `parameters.${name}`;
  if (Number.isNaN(lower) || Number.isNaN(upper) || !(lower < upper)) {
    throw invalidOption(`${at}.lower`, [lower, upper], 'lower < upper');
  }
  const bounded = Number.isFinite(lower) && Number.isFinite(upper);
  const k: TransformKind =
    kind ??
    (bounded
      ? lower > 0
        ? 'log'
        : 'logistic'
      : lower === 0 && upper === Number.POSITIVE_INFINITY
        ? 'log'
        : 'none');
  switch (k) {
    case 'none':
      if (Number.isFinite(lower) || Number.isFinite(upper)) {
        throw invalidOption(`${at}.transform`, k, '"log" or "logistic" for a bounded parameter');
      }
      return { kind: k, lower, upper, toTheta: (u) => u, derivative: () => 1, toU: (t) => t };
    case 'logistic': {
      if (!bounded) throw invalidOption(`${at}.transform`, k, 'finite lower and upper bounds for "logistic"');
      const w = upper - lower;
      return {
        kind: k,
        lower,
        upper,
        toTheta: (u) => lower + w * sigmoid(u),
        derivative: (u) => {
          const s = sigmoid(u);
          return w * s * (1 - s);
        },
        toU: (t) => logit((t - lower) / w),
      };
    }
    case 'log': {
      if (lower === Number.NEGATIVE_INFINITY) lower = 0; // a log transform implies θ > 0
      if (lower < 0) throw invalidOption(`${at}.lower`, lower, 'lower ≥ 0 for a "log" transform');
      if (!bounded || lower === 0) {
        if (Number.isFinite(upper)) {
          throw invalidOption(
            `${at}.upper`,
            upper,
            'a "log" transform with an upper bound needs a lower bound > 0',
          );
        }
        return {
          kind: k,
          lower: 0,
          upper,
          toTheta: (u) => Math.exp(u),
          derivative: (u) => Math.exp(u),
          toU: (t) => Math.log(t),
        };
      }
      const a = Math.log(lower);
      const w = Math.log(upper) - a;
      return {
        kind: k,
        lower,
        upper,
        toTheta: (u) => Math.exp(a + w * sigmoid(u)),
        derivative: (u) => {
          const s = sigmoid(u);
          return Math.exp(a + w * s) * w * s * (1 - s);
        },
        toU: (t) => logit((Math.log(t) - a) / w),
      };
    }
    default:
      throw invalidOption(`${at}.transform`, k, '"none", "log" or "logistic"');
  }
}
