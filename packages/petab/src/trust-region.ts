import { luFactor, luSolve } from '@odeon/ode';
import { fisherInformation } from './fisher.ts';
import { forwardObjectiveGradient, objectiveGradient, type PetabSensitivity } from './gradient.ts';
import type { PetabModel } from './petab-model.ts';

/** Options of {@link trustRegion}. */
export interface TrustRegionOptions {
  readonly sensitivity?: PetabSensitivity;
  readonly maxIterations?: number;
  /** Stop when the projected gradient's ∞-norm is below this. */
  readonly gradTol?: number;
  /** Stop when the trust radius falls below this. */
  readonly stepTol?: number;
  /**
   * Stop after an accepted step that lowers the objective by less than fAtol + fRtol·|f| (fides'
   * `fatol`/`frtol`, default 1e-8 each).
   */
  readonly fAtol?: number;
  readonly fRtol?: number;
  /** Indices (into θ) held fixed. */
  readonly fixed?: readonly number[];
}

export const TRUST_REGION_DEFAULTS = {
  sensitivity: 'forward',
  maxIterations: 200,
  gradTol: 1e-6,
  stepTol: 1e-10,
  fAtol: 1e-8,
  fRtol: 1e-8,
  fixed: [],
} satisfies Required<TrustRegionOptions>;

/**
 * A box-constrained trust-region method on the parameter scales with the Gauss–Newton (Fisher
 * information) Hessian, in the spirit of fides: each step minimises the quadratic model
 * gᵀs + ½sᵀ(H + μI)s with μ raised until the step fits the radius, is clipped to the box, and is
 * accepted by the ratio of actual to predicted decrease, which also adapts the radius.
 */
export function trustRegion(
  model: PetabModel,
  theta0: ArrayLike<number>,
  lower: Float64Array,
  upper: Float64Array,
  options: TrustRegionOptions = {},
): {
  theta: Float64Array;
  objective: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: string;
} {
  const o = { ...TRUST_REGION_DEFAULTS, ...options };
  const k = lower.length;
  const fixed = new Set(o.fixed);
  let theta = Float64Array.from(theta0, (v, i) => Math.min(upper[i], Math.max(lower[i], v)));
  // Forward sensitivities give the gradient and the Fisher information in one integration.
  const joint = o.sensitivity === 'forward' && model.sim.events.length === 0;
  const evaluate = (th: Float64Array) => {
    if (!joint) return { g: objectiveGradient(model, th, o.sensitivity), H: undefined };
    const H = new Float64Array(k * k);
    return { g: forwardObjectiveGradient(model, th, H), H };
  };
  const first = evaluate(theta);
  let g = first.g;
  let H = first.H ?? fisherInformation(model, theta);
  let evaluations = 1;
  let radius = 1;
  const A = new Float64Array(k * k);
  const piv = new Int32Array(k);
  const s = new Float64Array(k);
  for (let it = 0; it < o.maxIterations; it++) {
    // Projected gradient: components pushing out of the box at an active bound do not count.
    let pg = 0;
    for (let i = 0; i < k; i++) {
      if (fixed.has(i)) continue;
      const gi = g.grad[i];
      const blocked = (theta[i] <= lower[i] && gi > 0) || (theta[i] >= upper[i] && gi < 0);
      if (!blocked) pg = Math.max(pg, Math.abs(gi));
    }
    if (pg <= o.gradTol)
      return {
        theta,
        objective: g.objective,
        iterations: it,
        evaluations,
        converged: true,
        reason: 'gradientTolerance',
      };
    if (radius < o.stepTol)
      return {
        theta,
        objective: g.objective,
        iterations: it,
        evaluations,
        converged: true,
        reason: 'stepTolerance',
      };
    let diag = 0;
    for (let i = 0; i < k; i++) diag = Math.max(diag, Math.abs(H[i * k + i]));
    let mu = 1e-12 * Math.max(1, diag);
    let norm = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 60; attempt++, mu *= 10) {
      A.set(H);
      for (let i = 0; i < k; i++) {
        A[i * k + i] += mu;
        s[i] = fixed.has(i) ? 0 : -g.grad[i];
        if (fixed.has(i)) for (let j = 0; j < k; j++) A[i * k + j] = A[j * k + i] = i === j ? 1 : 0;
      }
      if (luFactor(A, piv, k) === null) continue;
      luSolve(s, A, piv, k);
      norm = Math.sqrt(s.reduce((a, v) => a + v * v, 0));
      if (norm <= radius) break;
    }
    // Clip to the box and predict the decrease with the unregularised model.
    const trial = Float64Array.from(theta, (v, i) => Math.min(upper[i], Math.max(lower[i], v + s[i])));
    let pred = 0;
    for (let i = 0; i < k; i++) {
      const si = trial[i] - theta[i];
      s[i] = si;
      pred -= g.grad[i] * si;
    }
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) pred -= 0.5 * s[i] * H[i * k + j] * s[j];
    let next: ReturnType<typeof objectiveGradient> | undefined;
    let nextH: Float64Array | undefined;
    try {
      ({ g: next, H: nextH } = evaluate(trial));
    } catch {
      next = undefined;
    }
    evaluations++;
    const actual =
      next && Number.isFinite(next.objective) ? g.objective - next.objective : Number.NEGATIVE_INFINITY;
    const rho = pred > 0 ? actual / pred : actual > 0 ? 1 : -1;
    const stepNorm = Math.sqrt(s.reduce((a, v) => a + v * v, 0));
    if (rho < 0.25) radius = 0.25 * Math.min(radius, stepNorm);
    else if (rho > 0.75 && stepNorm > 0.9 * radius) radius = Math.min(2 * radius, 1e3);
    if (next && rho > 1e-4) {
      const small = Math.abs(actual) <= o.fAtol + o.fRtol * Math.abs(g.objective);
      theta = trial;
      g = next;
      H = nextH ?? fisherInformation(model, theta);
      if (small)
        return {
          theta,
          objective: g.objective,
          iterations: it + 1,
          evaluations,
          converged: true,
          reason: 'functionTolerance',
        };
    }
  }
  return {
    theta,
    objective: g.objective,
    iterations: o.maxIterations,
    evaluations,
    converged: false,
    reason: 'maxIterations',
  };
}
