import { Rng } from '@odeon/core';
import {
  type GradientMethod,
  gradient,
  invalidOption,
  isOdeonError,
  OdeonError,
  type OdeProblem,
  type SensitivityKind,
} from '@odeon/ode';
import { type Dataset, truncatedLength } from './dataset.ts';
import { idRecord } from './internal/id-record.ts';
import { isSolverFailure } from './internal/solver-failures.ts';
import { createLoss, type Loss, type LossSpec } from './losses.ts';
import { type GradientEngine, MeasurementLoss, type MeasurementSolve } from './measurement-loss.ts';
import { LBFGS_CONVERGED, Lbfgs, type LbfgsOptions, type LbfgsReason } from './optimizers/lbfgs.ts';
import type { ValueAndGrad } from './optimizers/line-search.ts';
import type { Batch, Objective } from './train.ts';
import { createTransform, type ParamTransform, type TransformKind } from './transforms.ts';

/** One fitted parameter. */
export interface FitParameter {
  /** Name (looked up in `parameterNames`), or give `index`. */
  readonly name?: string;
  /** Index into `problem.p`. */
  readonly index?: number;
  /** Starting value; default the problem's `p[index]`. */
  readonly initial?: number;
  readonly lower?: number;
  readonly upper?: number;
  /** See {@link TransformKind}; default chosen from the bounds. */
  readonly transform?: TransformKind;
}

/** Options of {@link fit}. */
export interface FitOptions {
  /** The parameters to fit, by name (needs `parameterNames`), index or full description. */
  readonly parameters: readonly (string | number | FitParameter)[];
  /** Names of the entries of `problem.p`. */
  readonly parameterNames?: readonly string[];
  /** Loss between model and data; default `mse` (smooth, for L-BFGS). */
  readonly loss?: LossSpec;
  /** Initial state of each measurement: from the data (default; NaN entries from the model) or the model. */
  readonly initialConditions?: 'data' | 'model';
  /** Number of starts (the first from the initial values, the others random within the bounds); default 1. */
  readonly multiStart?: number;
  /** Seed of the random starts; default 0. */
  readonly seed?: number;
  /** ODE method of the gradient engine; default: the engine's (a stiff-safe Rosenbrock method). */
  readonly method?: GradientMethod;
  /** Default 1e-8. */
  readonly rtol?: number;
  /** Default 1e-10. */
  readonly atol?: number;
  /** Sensitivity method; default `forward` (best for few parameters). */
  readonly sensitivity?: SensitivityKind;
  /** L-BFGS settings (default: the scale-free tolerances of `LbfgsOptions` maxIterations 500). */
  readonly lbfgs?: LbfgsOptions;
  /** Gradient engine; default `gradient` from `@odeon/ode`. */
  readonly gradient?: GradientEngine;
  /**
   * Estimate standard errors (loss `mse` only): covariance σ̂²(JᵀJ)⁻¹ with σ̂² = SSR/(n − k) and
   * JᵀJ taken as (N/2)·∇²L, the Hessian from central differences of the gradient (2k extra
   * gradient evaluations). Default true.
   */
  readonly uncertainty?: boolean;
}

/** One start of a multi-start fit. */
export interface FitStart {
  readonly initial: Float64Array;
  readonly theta: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly reason: LbfgsReason | 'failed';
  /** The error message when the start failed. */
  readonly error?: string;
}

/** Result of {@link fit}. */
export interface FitResult {
  /** Fitted values by name (or `p[index]`). */
  readonly parameters: Readonly<Record<string, number>>;
  /** Fitted values, in the order of `options.parameters`. */
  readonly theta: Float64Array;
  /** The full parameter vector with the fitted values in place. */
  readonly p: Float64Array;
  /** Final loss. */
  readonly value: number;
  readonly converged: boolean;
  readonly reason: LbfgsReason | 'failed';
  /** Loss evaluations (ODE gradient solves × measurements) over all starts. */
  readonly evaluations: number;
  readonly starts: readonly FitStart[];
  /** Index of the best start. */
  readonly bestStart: number;
  /** Standard errors of the fitted values by name (loss `mse`, N > k, positive-definite curvature). */
  readonly standardErrors?: Readonly<Record<string, number>>;
  /** Covariance of the fitted values (row-major k×k), as `standardErrors`. */
  readonly covariance?: Float64Array;
}

/** The differentiable least-squares objective of a fit, in unconstrained coordinates u. */
export interface FitObjective {
  /** Names of the fitted parameters. */
  readonly names: readonly string[];
  readonly transforms: readonly ParamTransform[];
  /** Loss and gradient at u (the objective for L-BFGS). Solver failures give an infinite loss. */
  evaluate(u: Float64Array): ValueAndGrad;
  /** The loss and gradient on a subset of measurements (for `train`: pass `asTrainObjective()`). */
  evaluateOn(u: Float64Array, measurements: ArrayLike<number>): ValueAndGrad;
  /** An {@link Objective} for `train` (batches = measurements; `stage.length` truncates series). */
  asTrainObjective(): Objective;
  /** θ(u). */
  toTheta(u: ArrayLike<number>): Float64Array;
  /** u(θ). */
  toU(theta: ArrayLike<number>): Float64Array;
  /** Full parameter vector for θ. */
  fullParams(theta: ArrayLike<number>): Float64Array;
  /** Starting θ (given initial values). */
  readonly initialTheta: Float64Array;
  /** Number of observed (non-NaN) values the loss averages over (all measurements, whole series). */
  readonly observed: number;
  /**
   * Observed values that carry information about θ: `observed` minus those at each measurement's
   * first time when the initial conditions come from the data (their residual is zero by design).
   */
  readonly residualCount: number;
}

const FIT_DEFAULTS = {
  loss: 'mse',
  initialConditions: 'data',
  multiStart: 1,
  seed: 0,
  rtol: 1e-8,
  atol: 1e-10,
  sensitivity: 'forward',
} as const satisfies Partial<Required<FitOptions>>;

/** The fitted parameters of `options.parameters`: their indices in p, names, transforms and starting values. */
function fitParameters(
  options: FitOptions,
  p0: Float64Array,
): { indices: number[]; names: string[]; transforms: ParamTransform[]; initialTheta: number[] } {
  const pnames = options.parameterNames;
  if (pnames !== undefined && pnames.length !== p0.length) {
    throw invalidOption('parameterNames', pnames, `${p0.length} names (one per entry of problem.p)`);
  }
  if (!Array.isArray(options.parameters) || options.parameters.length === 0) {
    throw invalidOption(
      'parameters',
      options.parameters,
      'a non-empty list of parameter names, indices or descriptions',
    );
  }
  const indices: number[] = [];
  const names: string[] = [];
  const transforms: ParamTransform[] = [];
  const initialTheta: number[] = [];
  for (const spec of options.parameters) {
    const d: FitParameter =
      typeof spec === 'string' ? { name: spec } : typeof spec === 'number' ? { index: spec } : spec;
    let index = d.index;
    if (d.name !== undefined) {
      if (pnames === undefined)
        throw invalidOption(
          'parameterNames',
          undefined,
          `names for problem.p, to find ${JSON.stringify(d.name)}`,
        );
      const i = pnames.indexOf(d.name);
      if (i < 0) throw invalidOption('parameters', d.name, `one of ${pnames.join(', ')}`);
      if (index !== undefined && index !== i)
        throw invalidOption(`parameters.${d.name}.index`, index, String(i));
      index = i;
    }
    if (index === undefined || !Number.isInteger(index) || index < 0 || index >= p0.length) {
      throw invalidOption('parameters', spec, `a name or an index in [0, ${p0.length})`);
    }
    if (indices.includes(index)) throw invalidOption('parameters', spec, 'each parameter once');
    const name = d.name ?? pnames?.[index] ?? `p[${index}]`;
    const tr = createTransform(name, d.transform, d.lower, d.upper);
    const init = d.initial ?? p0[index];
    if (
      !Number.isFinite(init) ||
      !(init > tr.lower && init < tr.upper) ||
      (tr.kind === 'log' && !(init > 0))
    ) {
      throw invalidOption(
        `parameters.${name}.initial`,
        init,
        `a value strictly inside (${tr.lower}, ${tr.upper})`,
      );
    }
    indices.push(index);
    names.push(name);
    transforms.push(tr);
    initialTheta.push(init);
  }
  return { indices, names, transforms, initialTheta };
}

/** Builds the objective of a fit (also used by `fit` itself); validates everything once. */
export function fitObjective(problem: OdeProblem, dataset: Dataset, options: FitOptions): FitObjective {
  const o = { ...FIT_DEFAULTS, ...options };
  const p0 = Float64Array.from(problem.p ?? []);
  const { indices, names, transforms, initialTheta } = fitParameters(options, p0);
  const measurementLoss = new MeasurementLoss(
    problem,
    dataset,
    options.gradient ?? gradient,
    o.initialConditions,
  );
  const loss: Loss = createLoss(o.loss, dataset);
  const solve: MeasurementSolve = {
    rtol: o.rtol,
    atol: o.atol,
    sensitivity: o.sensitivity,
    method: o.method,
  };
  const lengthFor = (nt: number, fraction: number) => (fraction >= 1 ? nt : truncatedLength(nt, fraction));

  const toTheta = (u: ArrayLike<number>) => Float64Array.from(transforms, (t, k) => t.toTheta(u[k]));
  const toU = (theta: ArrayLike<number>) => Float64Array.from(transforms, (t, k) => t.toU(theta[k]));
  const fullParams = (theta: ArrayLike<number>) => {
    const p = p0.slice();
    for (let k = 0; k < indices.length; k++) p[indices[k]] = theta[k];
    return p;
  };

  const evaluateOn = (u: Float64Array, which: ArrayLike<number>, fraction = 1): ValueAndGrad => {
    const theta = toTheta(u);
    const p = fullParams(theta);
    const ms = Array.from(which, (i) => dataset.measurements[i]);
    let count = 0;
    for (const m of ms) {
      const nt = lengthFor(m.t.length, fraction);
      for (let k = 0; k < nt * dataset.n; k++) if (!Number.isNaN(m.y[k])) count++;
    }
    const grad = new Float64Array(u.length);
    if (count === 0) return { value: 0, grad };
    const inv = 1 / count;
    const weight = () => inv;
    let value = 0;
    const dp = new Float64Array(p.length);
    for (const m of ms) {
      const nt = lengthFor(m.t.length, fraction);
      if (nt < 2) continue; // a lone initial point does not depend on p
      try {
        value += measurementLoss.addGradient(dp, m, nt, p, loss, weight, solve);
      } catch (e) {
        if (isSolverFailure(e)) {
          return { value: Number.POSITIVE_INFINITY, grad: grad.fill(Number.NaN) };
        }
        throw e;
      }
    }
    for (let k = 0; k < u.length; k++) grad[k] = dp[indices[k]] * transforms[k].derivative(u[k]);
    return { value, grad };
  };
  const all = Int32Array.from({ length: dataset.size }, (_, i) => i);
  let firstRow = 0;
  if (o.initialConditions === 'data') {
    for (const m of dataset.measurements)
      for (let j = 0; j < dataset.n; j++) if (!Number.isNaN(m.y[j])) firstRow++;
  }
  return {
    observed: dataset.observedCount,
    residualCount: dataset.observedCount - firstRow,
    names,
    transforms,
    initialTheta: Float64Array.from(initialTheta),
    evaluate: (u) => evaluateOn(u, all),
    evaluateOn: (u, which) => evaluateOn(u, which),
    asTrainObjective: () => (u: Float64Array, batch: Batch) => {
      const r = evaluateOn(u, batch.indices, batch.length);
      return { loss: r.value, grad: r.grad };
    },
    toTheta,
    toU,
    fullParams,
  };
}

/**
 * Fits parameters of a mechanistic ODE model to a dataset: minimises the mean loss over all
 * observed values (NaN-masked) with L-BFGS in unconstrained coordinates (bounds through log or
 * logistic transforms), with gradients from `@odeon/ode`'s `gradient` (`forward` sensitivities by
 * default: the right choice for a few parameters). Each measurement is integrated from its own
 * initial condition. With `multiStart > 1`, further starts are drawn (seeded) within the bounds
 * (log-uniformly for `log` transforms) and the best result is returned.
 *
 * ```ts
 * const r = fit(problem, data, { parameterNames: ['k1', 'k2'], parameters: [{ name: 'k1', lower: 1e-3, upper: 10 }, 'k2'] });
 * r.parameters.k1;
 * ```
 */
export function fit(problem: OdeProblem, dataset: Dataset, options: FitOptions): FitResult {
  const obj = fitObjective(problem, dataset, options);
  const multiStart = options.multiStart ?? FIT_DEFAULTS.multiStart;
  if (!Number.isInteger(multiStart) || multiStart < 1)
    throw invalidOption('multiStart', multiStart, 'an integer ≥ 1');
  const seed = options.seed ?? FIT_DEFAULTS.seed;
  Rng.fromSeed(seed); // validates the seed
  const lbfgs: LbfgsOptions = { maxIterations: 500, ...options.lbfgs };
  const starts: FitStart[] = [];
  let evaluations = 0;
  const counted = (u: Float64Array) => {
    evaluations++;
    return obj.evaluate(u);
  };
  for (let s = 0; s < multiStart; s++) {
    const theta0 = fitStartTheta(obj, seed, s);
    try {
      const r = new Lbfgs(counted, obj.toU(theta0), lbfgs).run();
      starts.push({
        initial: theta0,
        theta: obj.toTheta(r.x),
        value: r.value,
        iterations: r.iterations,
        reason: r.reason,
      });
    } catch (e) {
      if (!isOdeonError(e, 'TrainingDiverged')) throw e;
      starts.push({
        initial: theta0,
        theta: theta0.slice(),
        value: Number.POSITIVE_INFINITY,
        iterations: 0,
        reason: 'failed',
        error: e.message,
      });
    }
  }
  let best = 0;
  for (let s = 1; s < starts.length; s++) if (starts[s].value < starts[best].value) best = s;
  const b = starts[best];
  if (b.reason === 'failed') {
    throw new OdeonError(
      'TrainingDiverged',
      'Every start of the fit failed: the model could not be integrated.',
      {
        hint: `First error: ${starts[0].error ?? 'unknown'}. Check the initial values and bounds.`,
      },
    );
  }
  const parameters = idRecord(obj.names, (k) => b.theta[k]);
  const uncertainty = fitUncertainty(obj, b.theta, b.value, options);
  evaluations += uncertainty.evaluations;
  const { standardErrors, covariance: cov } = uncertainty;
  return {
    parameters,
    theta: b.theta.slice(),
    p: obj.fullParams(b.theta),
    value: b.value,
    converged: LBFGS_CONVERGED.has(b.reason),
    reason: b.reason,
    evaluations,
    starts,
    bestStart: best,
    ...(standardErrors !== undefined && cov !== undefined ? { standardErrors, covariance: cov } : {}),
  };
}

/** What {@link fitUncertainty} gives: the standard errors and covariance, and the evaluations spent. */
export interface FitUncertainty {
  readonly standardErrors?: Record<string, number>;
  /** Row-major k×k, in θ. */
  readonly covariance?: Float64Array;
  /** Objective evaluations spent on the covariance (2 per parameter, or 0). */
  readonly evaluations: number;
}

/**
 * The standard errors and covariance `fit` reports at the best start's `theta` (loss `value`): only
 * with `uncertainty` on (the default) and the mse loss, and only where the covariance exists.
 */
export function fitUncertainty(
  obj: FitObjective,
  theta: Float64Array,
  value: number,
  options: Pick<FitOptions, 'uncertainty' | 'loss'>,
): FitUncertainty {
  let evaluations = 0;
  const wantsUncertainty = (options.uncertainty ?? true) && (options.loss ?? FIT_DEFAULTS.loss) === 'mse';
  const cov = wantsUncertainty ? covariance(obj, theta, value, () => evaluations++) : undefined;
  if (cov === undefined) return { evaluations };
  const k = theta.length;
  return {
    standardErrors: idRecord(obj.names, (i) => Math.sqrt(cov[i * k + i])),
    covariance: cov,
    evaluations,
  };
}

/**
 * Covariance of a least-squares (mse) fit: with L = SSR/N (N observed values) and ∇²L ≈ (2/N)JᵀJ
 * (exact at zero residual; the residual-curvature term is kept, as in a Laplace approximation),
 * cov = σ̂²·(2/N)·(∇²L)⁻¹ with σ̂² = SSR/(n − k), n the informative residuals. The Hessian is in
 * θ-space, from central differences of the u-space gradient and the chain rule at the optimum
 * (∇L ≈ 0 there). Undefined when n ≤ k, the Hessian is not positive definite, or a solve fails.
 */
function covariance(
  obj: FitObjective,
  theta: Float64Array,
  value: number,
  count: () => void,
): Float64Array | undefined {
  const k = theta.length;
  const N = obj.observed;
  const n = obj.residualCount;
  if (!(n > k)) return undefined;
  const u = obj.toU(theta);
  const d = Float64Array.from(obj.transforms, (t, i) => t.derivative(u[i]));
  const H = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    const h = 1e-4 * Math.max(1, Math.abs(u[j]));
    const up = u.slice();
    const um = u.slice();
    up[j] += h;
    um[j] -= h;
    count();
    const gp = obj.evaluate(up).grad;
    count();
    const gm = obj.evaluate(um).grad;
    for (let i = 0; i < k; i++) H[i * k + j] = (gp[i] - gm[i]) / (2 * h) / (d[i] * d[j]);
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (H[i * k + j] + H[j * k + i]);
      H[i * k + j] = v;
      H[j * k + i] = v;
    }
  }
  const inv = invertSpd(H, k);
  if (inv === undefined || !inv.every(Number.isFinite)) return undefined;
  const sigma2 = (N * value) / (n - k);
  const f = (sigma2 * 2) / N;
  for (let i = 0; i < inv.length; i++) inv[i] *= f;
  return inv;
}

/** Inverse of a symmetric positive-definite k×k matrix by Cholesky; undefined if not SPD. */
function invertSpd(a: Float64Array, k: number): Float64Array | undefined {
  const L = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j];
      for (let m = 0; m < j; m++) s -= L[i * k + m] * L[j * k + m];
      if (i === j) {
        if (!(s > 0)) return undefined;
        L[i * k + i] = Math.sqrt(s);
      } else L[i * k + j] = s / L[j * k + j];
    }
  }
  const inv = new Float64Array(k * k);
  const col = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    col.fill(0);
    col[c] = 1;
    for (let i = 0; i < k; i++) {
      let s = col[i];
      for (let m = 0; m < i; m++) s -= L[i * k + m] * col[m];
      col[i] = s / L[i * k + i];
    }
    for (let i = k - 1; i >= 0; i--) {
      let s = col[i];
      for (let m = i + 1; m < k; m++) s -= L[m * k + i] * col[m];
      col[i] = s / L[i * k + i];
    }
    for (let i = 0; i < k; i++) inv[i * k + c] = col[i];
  }
  return inv;
}

/**
 * The starting θ of start `start` of a multi-start fit: the initial values for start 0, else a draw
 * from the start's own stream `Rng.derive(seed, start)` (uniform in u over the central 90 % of a
 * bounded transform's range; log-normal for unbounded log transforms). Per-start streams make start k
 * the same whether the starts run in one loop or spread over workers.
 */
export function fitStartTheta(obj: FitObjective, seed: number, start: number): Float64Array {
  if (start === 0) return obj.initialTheta.slice();
  return randomStart(obj, Rng.derive(seed, start));
}

function randomStart(obj: FitObjective, rng: Rng): Float64Array {
  return Float64Array.from(obj.transforms, (t, k) => {
    const init = obj.initialTheta[k];
    if (Number.isFinite(t.lower) && Number.isFinite(t.upper)) {
      // Uniform in u over the central 90 % of the transform's range.
      const s = 0.05 + 0.9 * rng.uniform();
      return t.toTheta(Math.log(s / (1 - s)));
    }
    if (t.kind === 'log') return init * Math.exp(Math.LN10 * rng.normal());
    return init + (init === 0 ? 1 : Math.abs(init)) * rng.normal();
  });
}
