import { luFactor, luSolve, OdeonError, solve } from '@odeon/ode';
import { unsupportedPetab } from './errors.ts';
import type { PetabModel } from './petab-model.ts';
import { fromScaleDerivative } from './scale.ts';
import type { SteadyState } from './steady-state.ts';

/**
 * The Fisher information matrix of the likelihood at θ (k × k, row-major, k estimated parameters on
 * their scales), the Gauss–Newton approximation of the objective's Hessian:
 * Σ_points ∇ỹ∇ỹᵀ/σ² + 2∇σ∇σᵀ/σ² (normal) or ∇ỹ∇ỹᵀ/σ² + ∇σ∇σᵀ/σ² (laplace), with ỹ the transformed
 * simulation. The state sensitivities S = ∂y/∂θ come from the forward sensitivity equations
 * S' = (∂f/∂y)S + (∂f/∂p)(∂p/∂θ), integrated with y by `@odeon/ode` (Rodas5P) over each experiment;
 * steady states by −J⁻¹(∂f/∂p)(∂p/∂θ) (Newton) or the same equations over the integration that
 * reached them. Priors are not included.
 *
 * @throws OdeonError `UnsupportedPetabFeature` for models with events.
 */
export function fisherInformation(model: PetabModel, theta: ArrayLike<number>): Float64Array {
  if (model.sim.events.length > 0)
    throw unsupportedPetab(
      'sensitivities through events',
      'Fisher information of models with events is not supported yet.',
      'Remove the events or use a gradient-based optimiser without the Gauss–Newton Hessian.',
    );
  const sim = model.sim;
  const n = sim.n;
  const np = sim.np;
  const nd = n + np;
  const k = model.size;
  const values = model.parameterValues(theta);
  const dValue = Float64Array.from(model.estimated, (j, i) =>
    fromScaleDerivative(theta[i], model.problem.parameters[j].scale),
  );
  const column = new Map(model.estimated.map((j, i) => [j, i]));
  /** ∂[y0; p]/∂θ of a condition (nd × k). */
  const initialSensitivity = (condition: string): Float64Array => {
    const out = new Float64Array(nd * k);
    const recipe = model.recipes.get(condition);
    if (!recipe) return out;
    const entries = [...recipe].flatMap(([d, s]) => {
      const i = s.kind === 'table' ? column.get(s.index) : undefined;
      return i === undefined ? [] : [[d, i] as const];
    });
    if (entries.length === 0) return out;
    const ij = sim.initialJacobian(model.declared(condition, values), 0);
    for (let r = 0; r < nd; r++) for (const [d, i] of entries) out[r * k + i] += ij[r * nd + d] * dValue[i];
    return out;
  };
  /** Integrates [y; S] over [0, t1] with S(0) = s0 and parameter sensitivity dp (np × k); returns states at `times`. */
  const sensitivities = (
    y0: Float64Array,
    p: Float64Array,
    s0: Float64Array,
    dp: Float64Array,
    times: Float64Array,
  ) => {
    const J = new Float64Array(n * n);
    const Jp = new Float64Array(n * np);
    const fpT = new Float64Array(n * k);
    const size = n * (1 + k);
    const rhs = (t: number, z: Float64Array, _p: Float64Array, dz: Float64Array) => {
      const y = z.subarray(0, n);
      sim.rhs(t, y, p, dz);
      sim.jacobian(t, y, p, J);
      sim.paramJacobian(t, y, p, Jp);
      fpT.fill(0);
      for (let r = 0; r < n; r++)
        for (let q = 0; q < np; q++) {
          const a = Jp[r * np + q];
          if (a !== 0) for (let i = 0; i < k; i++) fpT[r * k + i] += a * dp[q * k + i];
        }
      for (let r = 0; r < n; r++)
        for (let i = 0; i < k; i++) {
          let acc = fpT[r * k + i];
          for (let c = 0; c < n; c++) acc += J[r * n + c] * z[n + c * k + i];
          dz[n + r * k + i] = acc;
        }
    };
    const z0 = new Float64Array(size);
    z0.set(y0);
    z0.set(s0, n);
    const t1 = times[times.length - 1];
    if (!(t1 > 0)) return Array.from(times, () => z0);
    const sol = solve(
      { rhs, y0: z0, t0: 0, t1, p: new Float64Array(0) },
      {
        method: 'rodas5p',
        rtol: model.options.rtol,
        atol: model.options.atol,
        saveAt: times,
        maxSteps: model.options.maxSteps,
      },
    );
    return Array.from(times, (_, i) => sol.y.subarray(i * size, (i + 1) * size));
  };
  const steadySensitivity = (
    state: SteadyState,
    y0: Float64Array,
    p: Float64Array,
    s0: Float64Array,
    dp: Float64Array,
  ) => {
    if (state.method === 'newton') {
      const J = new Float64Array(n * n);
      const Jp = new Float64Array(n * np);
      sim.jacobian(0, state.y, p, J);
      sim.paramJacobian(0, state.y, p, Jp);
      const piv = new Int32Array(n);
      if (luFactor(J, piv, n) === null)
        throw new OdeonError('SingularMatrix', 'The steady-state Jacobian became singular.', {
          hint: 'Tighten the steady-state tolerances.',
        });
      const out = new Float64Array(n * k);
      const col = new Float64Array(n);
      for (let i = 0; i < k; i++) {
        for (let r = 0; r < n; r++) {
          let acc = 0;
          for (let q = 0; q < np; q++) acc += Jp[r * np + q] * dp[q * k + i];
          col[r] = -acc;
        }
        luSolve(col, J, piv, n);
        for (let r = 0; r < n; r++) out[r * k + i] = col[r];
      }
      return out;
    }
    return sensitivities(y0, p, s0, dp, Float64Array.of(state.time))[0].slice(n);
  };

  const fim = new Float64Array(k * k);
  const yAug = new Float64Array(model.obs.n);
  const pAug = new Float64Array(model.obs.np);
  const v = new Float64Array(model.obs.n);
  const outY = new Float64Array(model.obs.n);
  const outP = new Float64Array(model.obs.np);
  const out = new Float64Array(model.obs.n);
  const gMu = new Float64Array(k);
  const gSigma = new Float64Array(k);
  /** ∇ of output `index` of the observation model for a row, given S (n × k) and dp (np × k). */
  const outputGradient = (
    g: Float64Array,
    index: number,
    t: number,
    S: Float64Array,
    dp: Float64Array,
    row: (typeof model.rows)[number],
  ) => {
    v.fill(0);
    v[index] = 1;
    model.obs.vjp(t, yAug, pAug, v, outY, outP);
    g.fill(0);
    const placeholder = new Set(row.placeholders.map((ph) => ph.p));
    for (let r = 0; r < n; r++) {
      const a = outY[model.stateMap[r]];
      if (a !== 0) for (let i = 0; i < k; i++) g[i] += a * S[r * k + i];
    }
    for (let q = 0; q < np; q++) {
      const idx = model.paramMap[q];
      const a = outP[idx];
      if (a !== 0 && !placeholder.has(idx)) for (let i = 0; i < k; i++) g[i] += a * dp[q * k + i];
    }
    for (const ph of row.placeholders) {
      const i = ph.source.kind === 'table' ? column.get(ph.source.index) : undefined;
      if (i !== undefined) g[i] += outP[ph.p] * dValue[i];
    }
  };

  model.experiments.forEach((x, e) => {
    const init = model.initial(e, values);
    const ds = initialSensitivity(x.condition);
    let s0 = ds.slice(0, n * k);
    const dp = ds.slice(n * k);
    if (init.pre) {
      const dsPre = initialSensitivity(x.preequilibration);
      const sPre = steadySensitivity(
        init.pre.state,
        init.pre.y0,
        init.pre.p,
        dsPre.slice(0, n * k),
        dsPre.slice(n * k),
      );
      const reinit = new Set(model.reinitialized.get(x.condition) ?? []);
      const mixed = Float64Array.from(sPre);
      for (const r of reinit) mixed.set(s0.subarray(r * k, (r + 1) * k), r * k);
      s0 = mixed;
    }
    const states = x.times.length > 0 ? sensitivities(init.y0, init.p0, s0, dp, x.times) : [];
    const inf = x.steadyState ? model.trajectorySteadyState(init.y0, init.p0) : undefined;
    const sInf = inf ? steadySensitivity(inf, init.y0, init.p0, s0, dp) : undefined;
    for (const row of model.rows) {
      if (row.experiment !== e) continue;
      const atInf = row.timeIndex < 0;
      const z = atInf ? undefined : states[row.timeIndex];
      const y = atInf ? (inf as SteadyState).y : (z as Float64Array).subarray(0, n);
      const S = atInf ? (sInf as Float64Array) : (z as Float64Array).subarray(n);
      const t = atInf ? 0 : x.times[row.timeIndex];
      model.observationState(yAug, y);
      model.observationParams(pAug, init.p0, row, values);
      model.obs.rhs(t, yAug, pAug, out);
      const idx = model.outputIndex[row.observable];
      const ob = model.observable(row);
      const mu = out[idx.observable];
      const sigma = out[idx.noise];
      outputGradient(gMu, idx.observable, t, S, dp, row);
      outputGradient(gSigma, idx.noise, t, S, dp, row);
      const dt =
        ob.transformation === 'lin' ? 1 : ob.transformation === 'log' ? 1 / mu : 1 / (mu * Math.LN10);
      const wSigma = ob.distribution === 'normal' ? 2 : 1;
      const s2 = sigma * sigma;
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++)
          fim[a * k + b] += (dt * dt * gMu[a] * gMu[b] + wSigma * gSigma[a] * gSigma[b]) / s2;
    }
  });
  return fim;
}
