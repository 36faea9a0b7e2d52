/**
 * Scaled RMS norm of an error vector: sqrt(mean_i (err_i / (atol_i + rtol·max(|y0_i|, |y1_i|)))²).
 * NaN propagates (the driver treats it as a rejected step).
 */
export function errorNorm(
  err: Float64Array,
  y0: Float64Array,
  y1: Float64Array,
  rtol: number,
  atol: Float64Array,
  n: number,
): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(y0[i]);
    const b = Math.abs(y1[i]);
    const sc = atol[i] + rtol * Math.max(a, b);
    const r = err[i] / sc;
    sum += r * r;
  }
  return Math.sqrt(sum / n);
}

/** Scaled RMS norm of one vector against the weights of y. */
export function weightedNorm(
  v: Float64Array,
  y: Float64Array,
  rtol: number,
  atol: Float64Array,
  n: number,
): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = v[i] / (atol[i] + rtol * Math.abs(y[i]));
    sum += r * r;
  }
  return Math.sqrt(sum / n);
}
