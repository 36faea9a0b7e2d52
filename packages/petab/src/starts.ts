import { Rng } from '@odeon/train';
import type { PetabModel } from './petab-model.ts';
import { toScale } from './scale.ts';

/**
 * `count` start points by Latin-hypercube sampling of the estimated parameters' bounds on their
 * parameter scales (one stratum per start and parameter, strata permuted independently), seeded.
 * A parameter with a `uniform` or `parameterScaleUniform` initialization prior is sampled in the
 * prior's interval instead (clipped to the bounds).
 */
export function latinHypercubeStarts(model: PetabModel, count: number, seed = 1): Float64Array[] {
  const rng = Rng.fromSeed(seed);
  const params = model.estimatedParameters;
  const starts = Array.from({ length: count }, () => new Float64Array(params.length));
  params.forEach((p, i) => {
    let lo = toScale(p.lowerBound, p.scale);
    let hi = toScale(p.upperBound, p.scale);
    const prior = p.initializationPrior;
    if (prior?.type === 'parameterScaleUniform' || prior?.type === 'uniform') {
      const a = prior.type === 'uniform' ? toScale(prior.parameters[0], p.scale) : prior.parameters[0];
      const b = prior.type === 'uniform' ? toScale(prior.parameters[1], p.scale) : prior.parameters[1];
      if (Number.isFinite(a) && Number.isFinite(b)) {
        lo = Math.max(lo, a);
        hi = Math.min(hi, b);
      }
    }
    const perm = rng.permutation(count);
    for (let k = 0; k < count; k++) starts[k][i] = lo + ((perm[k] + rng.uniform()) / count) * (hi - lo);
  });
  return starts;
}
