export interface AllcloseOptions {
  /** Relative tolerance (default 1e-7). */
  readonly rtol?: number;
  /** Absolute tolerance (default 0). */
  readonly atol?: number;
  /** Treat NaN as equal to NaN (default false). */
  readonly equalNan?: boolean;
}

export interface AllcloseReport {
  readonly pass: boolean;
  /** Index of the worst element (-1 when lengths differ or both are empty). */
  readonly worstIndex: number;
  /** max_i |a_i - b_i| / (atol + rtol |b_i|): pass iff ≤ 1. */
  readonly worstRatio: number;
  readonly lengthMismatch: boolean;
}

/**
 * NumPy's allclose rule, |actual − expected| ≤ atol + rtol·|expected| elementwise, with a report of
 * the worst element so failures say where and by how much.
 */
export function allclose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  options: AllcloseOptions = {},
): AllcloseReport {
  const rtol = options.rtol ?? 1e-7;
  const atol = options.atol ?? 0;
  const a = typeof actual === 'number' ? [actual] : actual;
  const b = typeof expected === 'number' ? [expected] : expected;
  if (a.length !== b.length)
    return { pass: false, worstIndex: -1, worstRatio: Number.POSITIVE_INFINITY, lengthMismatch: true };
  let worstIndex = -1;
  let worstRatio = 0;
  let pass = true;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    let ratio: number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      ratio = options.equalNan && Number.isNaN(x) && Number.isNaN(y) ? 0 : Number.POSITIVE_INFINITY;
    } else if (!Number.isFinite(x) || !Number.isFinite(y)) {
      ratio = x === y ? 0 : Number.POSITIVE_INFINITY;
    } else {
      const diff = Math.abs(x - y);
      const bound = atol + rtol * Math.abs(y);
      ratio = diff === 0 ? 0 : bound === 0 ? Number.POSITIVE_INFINITY : diff / bound;
    }
    if (ratio > 1) pass = false;
    if (ratio > worstRatio || worstIndex < 0) {
      worstRatio = ratio;
      worstIndex = i;
    }
  }
  return { pass, worstIndex, worstRatio, lengthMismatch: false };
}
