import { newPointTerm, pointTerm } from './noise.ts';
import type { ExperimentTrajectory, PetabModel } from './petab-model.ts';
import { priorNegLog } from './priors.ts';

/** The likelihood of a PEtab problem at one parameter vector. */
export interface Evaluation {
  /** Log-likelihood Σ log p(m | y, σ) (no priors), as PEtab defines it. */
  readonly llh: number;
  /** −llh. */
  readonly nllh: number;
  /** Σ ((m̃ − ỹ)/σ)² on the transformed scale. */
  readonly chi2: number;
  /** Σ log prior density of the estimated parameters with objective priors (0 without priors). */
  readonly logPrior: number;
  /** The minimised objective: nllh − logPrior. */
  readonly objective: number;
  /** Simulated observable per measurement row (table order). */
  readonly simulations: Float64Array;
  /** σ per measurement row. */
  readonly sigmas: Float64Array;
  readonly trajectories: readonly ExperimentTrajectory[];
}

/** Σ −log prior over the estimated parameters with objective priors, and its gradient on their scales. */
export function priorTerm(model: PetabModel, theta: ArrayLike<number>, grad?: Float64Array): number {
  let total = 0;
  model.estimatedParameters.forEach((p, i) => {
    if (p.objectivePrior === undefined) return;
    const r = priorNegLog(p.objectivePrior, theta[i], p.scale);
    total += r.value;
    if (grad) grad[i] += r.dx;
  });
  return total;
}

/**
 * Simulates every experiment and evaluates the likelihood at θ (estimated parameters on their scales).
 */
export function evaluate(model: PetabModel, theta: ArrayLike<number>): Evaluation {
  const values = model.parameterValues(theta);
  const trajectories = model.experiments.map((_, e) => model.trajectory(e, values));
  const rows = model.rows;
  const simulations = new Float64Array(rows.length);
  const sigmas = new Float64Array(rows.length);
  const n = model.sim.n;
  const np = model.sim.np;
  const yAug = new Float64Array(model.obs.n);
  const pAug = new Float64Array(model.obs.np);
  const out = new Float64Array(model.obs.n);
  const term = newPointTerm();
  let nllh = 0;
  let chi2 = 0;
  rows.forEach((row, r) => {
    const tr = trajectories[row.experiment];
    const x = model.experiments[row.experiment];
    const inf = row.timeIndex < 0;
    const y = inf ? (tr.yInf as Float64Array) : tr.y.subarray(row.timeIndex * n, (row.timeIndex + 1) * n);
    const p = inf ? tr.p0 : tr.p.subarray(row.timeIndex * np, (row.timeIndex + 1) * np);
    const t = inf ? Number.POSITIVE_INFINITY : x.times[row.timeIndex];
    model.observationState(yAug, y);
    model.observationParams(pAug, p, row, values);
    model.obs.rhs(Number.isFinite(t) ? t : 0, yAug, pAug, out);
    const idx = model.outputIndex[row.observable];
    const ob = model.observable(row);
    simulations[r] = out[idx.observable];
    sigmas[r] = out[idx.noise];
    pointTerm(term, row.measurement, simulations[r], sigmas[r], ob.distribution, ob.transformation);
    nllh += term.nllh;
    chi2 += term.chi2;
  });
  const prior = priorTerm(model, theta);
  return {
    llh: -nllh,
    nllh,
    chi2,
    logPrior: -prior,
    objective: nllh + prior,
    simulations,
    sigmas,
    trajectories,
  };
}
