import { unsupportedPetab } from './errors.ts';
import type { PetabModel } from './petab-model.ts';
import { forEachRowSensitivity, type RowSensitivity } from './row-sensitivities.ts';

/**
 * The Fisher information matrix of the likelihood at θ (k × k, row-major, k estimated parameters on
 * their scales), the Gauss–Newton approximation of the objective's Hessian:
 * Σ_points ∇ỹ∇ỹᵀ/σ² + 2∇σ∇σᵀ/σ² (normal) or ∇ỹ∇ỹᵀ/σ² + ∇σ∇σᵀ/σ² (laplace), with ỹ the transformed
 * simulation. The state sensitivities S = ∂y/∂θ come from the forward sensitivity equations
 * S' = (∂f/∂y)S + (∂f/∂p)(∂p/∂θ), integrated with y over each experiment (see
 * `experimentSensitivities`); steady states by −J⁻¹(∂f/∂p)(∂p/∂θ) (Newton) or the same equations over
 * the integration that reached them. Priors are not included.
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
  const fim = new Float64Array(model.size * model.size);
  forEachRowSensitivity(model, theta, (r) => addFisherTerm(fim, model, r));
  return fim;
}

/** Adds one row's Gauss–Newton term to `fim` (k × k). */
export function addFisherTerm(fim: Float64Array, model: PetabModel, r: RowSensitivity): Float64Array {
  const { row, mu, sigma, gMu, gSigma } = r;
  const k = gMu.length;
  const ob = model.observable(row);
  const dt = ob.transformation === 'lin' ? 1 : ob.transformation === 'log' ? 1 / mu : 1 / (mu * Math.LN10);
  const wSigma = ob.distribution === 'normal' ? 2 : 1;
  const s2 = sigma * sigma;
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++)
      fim[a * k + b] += (dt * dt * gMu[a] * gMu[b] + wSigma * gSigma[a] * gSigma[b]) / s2;
  return fim;
}
