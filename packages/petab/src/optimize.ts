import { isOdeonError, OdeonError } from '@odeon/ode';
import { createTransform, minimizeLbfgs, type ParamTransform } from '@odeon/train';
import { objectiveGradient, type PetabSensitivity } from './gradient.ts';
import type { PetabModel } from './petab-model.ts';
import { toScale } from './scale.ts';
import { trustRegion } from './trust-region.ts';

/** Options of {@link localOptimize}. */
export interface LocalOptimizeOptions {
  /**
   * `trust-region` (default): box-constrained trust region with the Gauss–Newton (Fisher information)
   * Hessian; `lbfgs`: `@odeon/train`'s L-BFGS on a logistic reparametrisation of the box.
   */
  readonly optimizer?: 'lbfgs' | 'trust-region';
  /** Sensitivity method of the gradient. Default `forward`. */
  readonly sensitivity?: PetabSensitivity;
  /** L-BFGS iterations. Default 500. */
  readonly maxIterations?: number;
  /** Stop when ‖∇‖∞ ≤ gradTol (in the unconstrained variables). Default 1e-5. */
  readonly gradTol?: number;
  /** Relative function tolerance. Default 1e-10. */
  readonly fTol?: number;
  /** Indices (into θ) held fixed at their start values (profiles). */
  readonly fixed?: readonly number[];
}

/** Defaults of one local optimisation of a multistart fit. */
export const LOCAL_OPTIMIZE_DEFAULTS = {
  optimizer: 'trust-region',
  sensitivity: 'forward',
  maxIterations: 500,
  gradTol: 1e-5,
  fTol: 1e-10,
  fixed: [],
} satisfies Required<LocalOptimizeOptions>;

/** Result of one local optimisation. */
export interface LocalResult {
  readonly theta: Float64Array;
  readonly objective: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly reason: string;
  readonly wallMs: number;
}

/**
 * Minimises the objective (nllh − log prior) inside the bounds from θ0 (on parameter scales) with
 * `@odeon/train`'s L-BFGS on a logistic reparametrisation of the box [lb, ub] on the parameter scale
 * (θ = lb + (ub − lb)·σ(u)), so every iterate stays strictly inside the bounds. Failed simulations
 * at trial points count as +∞ (the line search backs off).
 */
export function localOptimize(
  model: PetabModel,
  theta0: ArrayLike<number>,
  options: LocalOptimizeOptions = {},
): LocalResult {
  const o = { ...LOCAL_OPTIMIZE_DEFAULTS, ...options };
  const started = performance.now();
  const params = model.estimatedParameters;
  if (o.optimizer === 'trust-region') {
    const lower = Float64Array.from(params, (p) => toScale(p.lowerBound, p.scale));
    const upper = Float64Array.from(params, (p) => toScale(p.upperBound, p.scale));
    const r = trustRegion(model, theta0, lower, upper, {
      sensitivity: o.sensitivity,
      maxIterations: o.maxIterations,
      gradTol: o.gradTol,
      fixed: o.fixed,
    });
    return { ...r, wallMs: performance.now() - started };
  }
  const fixed = new Set(o.fixed);
  const free = params.flatMap((_, i) => (fixed.has(i) ? [] : [i]));
  const transforms: ParamTransform[] = free.map((i) => {
    const p = params[i];
    return createTransform(p.id, 'logistic', toScale(p.lowerBound, p.scale), toScale(p.upperBound, p.scale));
  });
  const theta = Float64Array.from(theta0);
  const margin = (t: ParamTransform) => 1e-9 * (t.upper - t.lower);
  const u0 = free.map((i, k) => {
    const t = transforms[k];
    return t.toU(Math.min(t.upper - margin(t), Math.max(t.lower + margin(t), theta[i])));
  });
  const toTheta = (u: Float64Array): Float64Array => {
    const th = Float64Array.from(theta);
    free.forEach((i, k) => {
      th[i] = transforms[k].toTheta(u[k]);
    });
    return th;
  };
  const f = (u: Float64Array) => {
    const th = toTheta(u);
    try {
      const g = objectiveGradient(model, th, o.sensitivity);
      if (!Number.isFinite(g.objective))
        return { value: Number.POSITIVE_INFINITY, grad: new Float64Array(u.length) };
      const grad = Float64Array.from(free, (i, k) => g.grad[i] * transforms[k].derivative(u[k]));
      return { value: g.objective, grad };
    } catch (error) {
      if (isOdeonError(error) && error.code !== 'UnsupportedPetabFeature' && error.code !== 'InvalidProblem')
        return { value: Number.POSITIVE_INFINITY, grad: new Float64Array(u.length) };
      throw error;
    }
  };
  if (free.length === 0) {
    const g = objectiveGradient(model, theta, o.sensitivity);
    return {
      theta,
      objective: g.objective,
      iterations: 0,
      evaluations: 1,
      converged: true,
      reason: 'noFreeParameters',
      wallMs: performance.now() - started,
    };
  }
  // `minimizeLbfgs` tests its gradient relative to max(|f|, |f₀|): divide by |f₀| so that gradTol stays
  // an absolute bound on the gradient in the unconstrained variables, as documented.
  const f0 = f(Float64Array.from(u0)).value;
  const gradTol = Number.isFinite(f0) ? o.gradTol / Math.max(1, Math.abs(f0)) : o.gradTol;
  const r = minimizeLbfgs(f, u0, { maxIterations: o.maxIterations, gradTol, fTol: o.fTol });
  if (!Number.isFinite(r.value))
    throw new OdeonError('TrainingDiverged', 'The objective is not finite at the start point.', {
      hint: 'Check the start point, bounds and model; simulations failed there.',
    });
  return {
    theta: toTheta(r.x),
    objective: r.value,
    iterations: r.iterations,
    evaluations: r.evaluations + 1,
    converged: r.converged,
    reason: r.reason,
    wallMs: performance.now() - started,
  };
}
