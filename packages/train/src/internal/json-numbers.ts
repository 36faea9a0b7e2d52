/**
 * Bit-exact JSON encoding of float64 arrays. JSON numbers round-trip every finite double exactly
 * (ECMAScript prints the shortest string that reads back to the same value), but not NaN, ±Infinity
 * or −0; those are written as strings so checkpoints and optimiser states resume bit-for-bit.
 */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

export function encodeNumber(x: number): JsonNumber {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (x === 0 && 1 / x < 0) return '-0';
  return x;
}

export function decodeNumber(x: unknown): number {
  if (typeof x === 'number') return x;
  switch (x) {
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
      return Number.POSITIVE_INFINITY;
    case '-Infinity':
      return Number.NEGATIVE_INFINITY;
    case '-0':
      return -0;
    default:
      throw new TypeError(`not an encoded number: ${String(x)}`);
  }
}

export function encodeArray(a: ArrayLike<number>): JsonNumber[] {
  const out: JsonNumber[] = new Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = encodeNumber(a[i]);
  return out;
}

export function decodeArray(a: unknown): Float64Array {
  if (!Array.isArray(a)) throw new TypeError('not an encoded array');
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = decodeNumber(a[i]);
  return out;
}
