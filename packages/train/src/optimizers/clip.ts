import { invalidOption } from '@odeon/ode';

/** Euclidean norm of a vector. Scaled to avoid overflow/underflow for extreme components. */
export function norm2(x: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < x.length; i++) scale = Math.max(scale, Math.abs(x[i]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] / scale;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

/**
 * Gradient clipping by global norm: writes `grad · min(1, maxNorm/‖grad‖)` into `out` (which may be
 * `grad` itself) and returns the norm before clipping.
 */
export function clipByNorm(out: Float64Array, grad: ArrayLike<number>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw invalidOption('clipNorm', maxNorm, 'a positive number');
  const nrm = norm2(grad);
  if (nrm > maxNorm) scaleTo(out, grad, maxNorm);
  else for (let i = 0; i < out.length; i++) out[i] = grad[i];
  return nrm;
}

/**
 * Fixed-norm rescaling (used for POLLU in Kim et al. 2021): writes `grad · norm/‖grad‖` into `out`,
 * so every step has gradient norm exactly `norm` (a zero gradient stays zero). Returns the norm
 * before rescaling.
 */
export function rescaleToNorm(out: Float64Array, grad: ArrayLike<number>, norm: number): number {
  if (!(norm > 0)) throw invalidOption('rescaleNorm', norm, 'a positive number');
  const nrm = norm2(grad);
  if (nrm > 0) scaleTo(out, grad, norm);
  else for (let i = 0; i < out.length; i++) out[i] = 0;
  return nrm;
}

/** out = grad · target/‖grad‖, computed as (grad/max|g|)·(target/‖grad/max|g|‖) so subnormal or huge gradients neither overflow nor underflow. */
function scaleTo(out: Float64Array, grad: ArrayLike<number>, target: number): void {
  let scale = 0;
  for (let i = 0; i < grad.length; i++) scale = Math.max(scale, Math.abs(grad[i]));
  let s = 0;
  for (let i = 0; i < grad.length; i++) {
    const v = grad[i] / scale;
    s += v * v;
  }
  const f = target / Math.sqrt(s);
  for (let i = 0; i < out.length; i++) out[i] = (grad[i] / scale) * f;
}
