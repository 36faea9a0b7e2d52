/**
 * Test helper: the analytic solution of A → B → C with first-order rates k1 ≠ k2 and A(0) = a0,
 * B(0) = C(0) = 0 (Bateman 1910).
 */
export function bateman(t: number, k1: number, k2: number, a0 = 1): [number, number, number] {
  const a = a0 * Math.exp(-k1 * t);
  const b = ((a0 * k1) / (k2 - k1)) * (Math.exp(-k1 * t) - Math.exp(-k2 * t));
  return [a, b, a0 - a - b];
}
