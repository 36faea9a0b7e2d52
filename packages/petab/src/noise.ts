import type { NoiseDistribution, ObservableTransformation } from './tables.ts';

/** One data point's contribution: negative log-likelihood, squared residual and their derivatives. */
export interface PointTerm {
  /** −log p(measurement | simulation, σ). */
  nllh: number;
  /** ((m̃ − ỹ)/σ)² on the transformed scale (PEtab's χ² term). */
  chi2: number;
  /** ∂nllh/∂simulation. */
  dSim: number;
  /** ∂nllh/∂σ. */
  dSigma: number;
  /** Residual (m̃ − ỹ)/σ and its derivatives (for Gauss–Newton). */
  residual: number;
  dResidualSim: number;
  dResidualSigma: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

function transform(v: number, t: ObservableTransformation): number {
  return t === 'lin' ? v : t === 'log' ? Math.log(v) : Math.log10(v);
}

/** d transform(v)/dv. */
function transformDerivative(v: number, t: ObservableTransformation): number {
  return t === 'lin' ? 1 : t === 'log' ? 1 / v : 1 / (v * Math.LN10);
}

/**
 * PEtab's noise model for one point: with m̃, ỹ the transformed measurement and simulation,
 * normal: ½log(2πσ²) + ½((m̃−ỹ)/σ)², laplace: log(2σ) + |m̃−ỹ|/σ, plus the Jacobian of the
 * transformation log|dm̃/dm| (log m for `log`, log(m ln 10) for `log10`), so that the likelihood is a
 * density of the untransformed measurement.
 */
export function pointTerm(
  out: PointTerm,
  measurement: number,
  simulation: number,
  sigma: number,
  distribution: NoiseDistribution,
  transformation: ObservableTransformation,
): PointTerm {
  const mt = transform(measurement, transformation);
  const yt = transform(simulation, transformation);
  const dyt = transformDerivative(simulation, transformation);
  const jac =
    transformation === 'lin' ? 0 : Math.log(measurement * (transformation === 'log' ? 1 : Math.LN10));
  const r = (mt - yt) / sigma;
  out.residual = r;
  out.chi2 = r * r;
  out.dResidualSim = -dyt / sigma;
  out.dResidualSigma = -r / sigma;
  if (distribution === 'normal') {
    out.nllh = 0.5 * (LOG_2PI + 2 * Math.log(sigma)) + 0.5 * r * r + jac;
    out.dSim = r * out.dResidualSim;
    out.dSigma = 1 / sigma - (r * r) / sigma;
  } else {
    const a = Math.abs(r);
    out.nllh = Math.log(2 * sigma) + a + jac;
    const s = r > 0 ? 1 : r < 0 ? -1 : 0;
    out.dSim = s * out.dResidualSim;
    out.dSigma = 1 / sigma - a / sigma;
  }
  return out;
}

/** A fresh term record. */
export function newPointTerm(): PointTerm {
  return { nllh: 0, chi2: 0, dSim: 0, dSigma: 0, residual: 0, dResidualSim: 0, dResidualSigma: 0 };
}
