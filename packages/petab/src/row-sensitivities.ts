import { unsupportedPetab } from './errors.ts';
import { experimentSensitivities, scaleFactors } from './forward-sensitivities.ts';
import type { PetabModel, ResolvedMeasurement } from './petab-model.ts';

/** A measurement row's simulated observable μ and noise σ with their gradients on the parameter scales. */
export interface RowSensitivity {
  readonly row: ResolvedMeasurement;
  readonly mu: number;
  readonly sigma: number;
  /** ∂μ/∂θ and ∂σ/∂θ (length k; reused between calls). */
  readonly gMu: Float64Array;
  readonly gSigma: Float64Array;
}

/**
 * Visits every measurement row with μ, σ and their gradients with respect to the estimated parameters on
 * their scales, from forward sensitivities of every experiment (models without events): states through
 * S = ∂y/∂θ, model parameters in observable formulas through ∂p/∂θ, and placeholder overrides directly.
 */
export function forEachRowSensitivity(
  model: PetabModel,
  theta: ArrayLike<number>,
  visit: (r: RowSensitivity) => void,
): void {
  refuseUndifferentiable(model);
  const sim = model.sim;
  const n = sim.n;
  const np = sim.np;
  const k = model.size;
  const values = model.parameterValues(theta);
  const dValue = scaleFactors(model, theta);
  const column = model.estimatedColumn;
  const yAug = new Float64Array(model.obs.n);
  const pAug = new Float64Array(model.obs.np);
  const v = new Float64Array(model.obs.n);
  const outY = new Float64Array(model.obs.n);
  const outP = new Float64Array(model.obs.np);
  const out = new Float64Array(model.obs.n);
  const gMu = new Float64Array(k);
  const gSigma = new Float64Array(k);
  const isPlaceholder = new Uint8Array(model.obs.np);
  const byExperiment = model.experiments.map(() => [] as ResolvedMeasurement[]);
  for (const r of model.rows) byExperiment[r.experiment].push(r);
  const outputGradient = (
    g: Float64Array,
    index: number,
    t: number,
    S: Float64Array,
    dp: Float64Array,
    row: ResolvedMeasurement,
  ): void => {
    v.fill(0);
    v[index] = 1;
    model.obs.vjp(t, yAug, pAug, v, outY, outP);
    g.fill(0);
    for (let r = 0; r < n; r++) {
      const a = outY[model.stateMap[r]];
      if (a !== 0) for (let i = 0; i < k; i++) g[i] += a * S[r * k + i];
    }
    for (const ph of row.placeholders) isPlaceholder[ph.p] = 1;
    for (let q = 0; q < np; q++) {
      const idx = model.paramMap[q];
      const a = outP[idx];
      if (a !== 0 && isPlaceholder[idx] === 0) for (let i = 0; i < k; i++) g[i] += a * dp[q * k + i];
    }
    for (const ph of row.placeholders) {
      isPlaceholder[ph.p] = 0;
      const i = ph.source.kind === 'table' ? column.get(ph.source.index) : undefined;
      if (i !== undefined) g[i] += outP[ph.p] * dValue[i];
    }
  };
  model.experiments.forEach((x, e) => {
    const rows = byExperiment[e];
    if (rows.length === 0) return;
    const s = experimentSensitivities(model, values, dValue, e);
    const { y: ys, S: Ss } = s.trajectory;
    for (const row of rows) {
      const atInf = row.timeIndex < 0;
      const y = atInf ? (s.yInf as Float64Array) : ys.subarray(row.timeIndex * n, (row.timeIndex + 1) * n);
      const S = atInf
        ? (s.sInf as Float64Array)
        : Ss.subarray(row.timeIndex * n * k, (row.timeIndex + 1) * n * k);
      const t = atInf ? 0 : x.times[row.timeIndex];
      model.observationState(yAug, y);
      model.observationParams(pAug, s.init.p0, row, values);
      model.obs.rhs(t, yAug, pAug, out);
      const idx = model.outputIndex[row.observable];
      outputGradient(gMu, idx.observable, t, S, s.dp, row);
      outputGradient(gSigma, idx.noise, t, S, s.dp, row);
      visit({ row, mu: out[idx.observable], sigma: out[idx.noise], gMu, gSigma });
    }
  });
}

/**
 * Refuses gradients of models with delays or fast reactions (their sensitivities are not derived here).
 *
 * @throws OdeonError `UnsupportedPetabFeature`.
 */
export function refuseUndifferentiable(model: PetabModel): void {
  const { delays, fast } = model.sim;
  if (delays.count > 0 || fast.count > 0)
    throw unsupportedPetab(
      delays.count > 0 ? 'gradients through delays' : 'gradients through fast reactions',
      `Gradients of models with ${delays.count > 0 ? 'delay terms' : `fast reactions (${fast.ids.join(', ')})`} are not supported.`,
      'Use evaluate (no gradient) with a derivative-free optimiser, or a model without them.',
    );
}
