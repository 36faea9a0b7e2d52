import { fromScale } from './scale.ts';
import type { ParameterScale, Prior } from './tables.ts';

/**
 * −log density of an objective prior at the scaled parameter x and its derivative with respect to x.
 * `uniform`, `normal`, `laplace`, `logNormal`, `logLaplace` are densities of the linear value;
 * `parameterScale*` of the value on the parameter scale (PEtab 1). Densities of the linear value are
 * taken as they are (no change-of-variables term), as PEtab and pyPESTO define the objective.
 */
export function priorNegLog(prior: Prior, x: number, scale: ParameterScale): { value: number; dx: number } {
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
  }
}
