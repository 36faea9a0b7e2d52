import { gammaP, logGamma, normalCdf } from './prior-cdf.ts';
import { fromScale } from './scale.ts';
import type { ParameterScale, Prior, PriorTypeV2 } from './tables.ts';

/**
 * −log density of an objective prior at the scaled parameter x and its derivative with respect to x.
 * `uniform`, `normal`, `laplace`, `logNormal`, `logLaplace` are densities of the linear value;
 * `parameterScale*` of the value on the parameter scale (PEtab 1). Densities of the linear value are
 * taken as they are (no change-of-variables term), as PEtab and pyPESTO define the objective. PEtab 2
 * priors (all of the linear value) with `truncation` are renormalised to their mass inside the bounds.
 */
export function priorNegLog(prior: Prior, x: number, scale: ParameterScale): { value: number; dx: number } {
  const r = untruncatedNegLog(prior, x, scale);
  if (prior.truncation === undefined) return r;
  // Renormalised to the mass inside the bounds (a constant in x).
  const [lo, hi] = prior.truncation;
  const mass = priorCdf(prior, hi) - priorCdf(prior, lo);
  return { value: r.value + Math.log(mass), dx: r.dx };
}

function untruncatedNegLog(prior: Prior, x: number, scale: ParameterScale): { value: number; dx: number } {
  const [a, b] = prior.parameters;
  const onScale = prior.type.startsWith('parameterScale');
  const v = onScale ? x : fromScale(x, scale);
  // dv/dx
  const dv = onScale ? 1 : scale === 'lin' ? 1 : scale === 'log' ? v : v * Math.LN10;
  switch (prior.type) {
    case 'uniform':
    case 'parameterScaleUniform': {
      const inside = v >= a && v <= b;
      return { value: inside ? Math.log(b - a) : Number.POSITIVE_INFINITY, dx: 0 };
    }
    case 'normal':
    case 'parameterScaleNormal': {
      const z = (v - a) / b;
      return { value: 0.5 * Math.log(2 * Math.PI * b * b) + 0.5 * z * z, dx: (z / b) * dv };
    }
    case 'laplace':
    case 'parameterScaleLaplace': {
      const d = v - a;
      return { value: Math.log(2 * b) + Math.abs(d) / b, dx: ((d > 0 ? 1 : d < 0 ? -1 : 0) / b) * dv };
    }
    case 'logNormal': {
      const lv = Math.log(v);
      const z = (lv - a) / b;
      return {
        value: lv + 0.5 * Math.log(2 * Math.PI * b * b) + 0.5 * z * z,
        dx: (1 / v + z / (b * v)) * dv,
      };
    }
    case 'logLaplace': {
      const lv = Math.log(v);
      const d = lv - a;
      return {
        value: lv + Math.log(2 * b) + Math.abs(d) / b,
        dx: (1 / v + (d > 0 ? 1 : d < 0 ? -1 : 0) / (b * v)) * dv,
      };
    }
    default: {
      const r = negLogV2(prior.type, a, b, v);
      return { value: r.value, dx: r.dv * dv };
    }
  }
}

/** −log density and its v-derivative of the PEtab 2 priors without a PEtab 1 name. */
function negLogV2(type: PriorTypeV2, a: number, b: number, v: number): { value: number; dv: number } {
  const outside = { value: Number.POSITIVE_INFINITY, dv: 0 };
  switch (type) {
    case 'cauchy': {
      const z = (v - a) / b;
      return { value: Math.log(Math.PI * b * (1 + z * z)), dv: (2 * z) / (b * (1 + z * z)) };
    }
    case 'chisquare': {
      if (!(v > 0)) return outside;
      const k = a / 2;
      return {
        value: -(k - 1) * Math.log(v) + v / 2 + k * Math.LN2 + logGamma(k),
        dv: -(k - 1) / v + 0.5,
      };
    }
    case 'exponential':
      if (!(v >= 0)) return outside;
      return { value: Math.log(a) + v / a, dv: 1 / a };
    case 'gamma': {
      if (!(v > 0)) return outside;
      return {
        value: -(a - 1) * Math.log(v) + v / b + logGamma(a) + a * Math.log(b),
        dv: -(a - 1) / v + 1 / b,
      };
    }
    case 'rayleigh':
      if (!(v >= 0)) return outside;
      return { value: -Math.log(v / (a * a)) + (v * v) / (2 * a * a), dv: -1 / v + v / (a * a) };
    case 'logUniform':
      if (!(v >= a && v <= b)) return outside;
      return { value: Math.log(v * (Math.log(b) - Math.log(a))), dv: 1 / v };
  }
}

/** CDF of a prior of the linear value at v (for truncation to bounds). */
export function priorCdf(prior: Prior, v: number): number {
  const [a, b] = prior.parameters;
  const pos = (f: () => number): number => (v <= 0 ? 0 : f());
  switch (prior.type) {
    case 'uniform':
    case 'parameterScaleUniform':
      return Math.min(1, Math.max(0, (v - a) / (b - a)));
    case 'normal':
    case 'parameterScaleNormal':
      return normalCdf((v - a) / b);
    case 'laplace':
    case 'parameterScaleLaplace':
      return v < a ? 0.5 * Math.exp((v - a) / b) : 1 - 0.5 * Math.exp(-(v - a) / b);
    case 'logNormal':
      return pos(() => normalCdf((Math.log(v) - a) / b));
    case 'logLaplace':
      return pos(() => {
        const d = Math.log(v) - a;
        return d < 0 ? 0.5 * Math.exp(d / b) : 1 - 0.5 * Math.exp(-d / b);
      });
    case 'cauchy':
      return 0.5 + Math.atan((v - a) / b) / Math.PI;
    case 'chisquare':
      return pos(() => gammaP(a / 2, v / 2));
    case 'exponential':
      return pos(() => 1 - Math.exp(-v / a));
    case 'gamma':
      return pos(() => gammaP(a, v / b));
    case 'rayleigh':
      return pos(() => 1 - Math.exp(-(v * v) / (2 * a * a)));
    case 'logUniform':
      return v <= a ? 0 : v >= b ? 1 : (Math.log(v) - Math.log(a)) / (Math.log(b) - Math.log(a));
  }
}
