import { invalidOption } from './errors.ts';

/** The complete state of an {@link Rng}: four 32-bit words (and a pending {@link Rng.normalPaired} deviate). Plain JSON. */
export interface RngState {
  readonly kind: 'xoshiro128**';
  readonly s: readonly [number, number, number, number];
  /** The cached second deviate of {@link Rng.normalPaired}, when one is pending. */
  readonly spare?: number;
}

const TWO_POW_M53 = 1 / 9007199254740992;
const GOLDEN = 0x9e3779b9;

/** SplitMix32 step (Vigna): a well-mixed 32-bit hash used for seeding and stream derivation. */
function splitmix32(x: number): number {
  let z = (x + GOLDEN) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function checkSeed(seed: number, name: string): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw invalidOption(name, seed, 'a non-negative safe integer');
  }
}

/**
 * The one seeded, serialisable pseudo-random generator of Odeon: xoshiro128** (Blackman & Vigna 2018),
 * 128 bits of state, period 2¹²⁸ − 1. Not for cryptography.
 *
 * Two seedings, kept so that every recorded stream stays bit-identical:
 * - `Rng.fromSeed(seed)` / `Rng.derive(seed, ...streams)`: validated, counter-based streams (training,
 *   splits, multi-starts);
 * - `new Rng(seed)`: the state words are the first four outputs of a SplitMix32 sequence started at
 *   `seed >>> 0` (tensor creation and network initialisation).
 *
 * Hand-written because the platform offers no seedable generator (`Math.random` cannot be seeded or
 * saved) and the state must live in checkpoints ({@link Rng.state} round-trips through JSON exactly).
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /** A generator whose state words are SplitMix32 outputs of `seed >>> 0`, `+φ`, `+2φ`, `+3φ`. */
  constructor(seed = 0) {
    const x = seed >>> 0;
    this.setWords(
      splitmix32(x),
      splitmix32(x + GOLDEN),
      splitmix32(x + 2 * GOLDEN),
      splitmix32(x + 3 * GOLDEN),
    );
  }

  /** A generator seeded from a non-negative safe integer (different seeds give unrelated streams). */
  static fromSeed(seed: number): Rng {
    checkSeed(seed, 'seed');
    return Rng.derive(seed);
  }

  /**
   * A generator for stream `streams` of `seed`: a counter-based derivation, so stream k of a seed
   * can be created directly (e.g. the randomness of training step k) without replaying 0..k−1.
   */
  static derive(seed: number, ...streams: readonly number[]): Rng {
    checkSeed(seed, 'seed');
    for (const s of streams) checkSeed(s, 'stream');
    let h = splitmix32((seed % 4294967296) >>> 0) ^ splitmix32(Math.floor(seed / 4294967296) + 0x6a09e667);
    for (const s of streams) {
      h = splitmix32(h ^ splitmix32((s % 4294967296) >>> 0));
      h = splitmix32(h ^ splitmix32(Math.floor(s / 4294967296) + 0xbb67ae85));
    }
    const a = splitmix32(h);
    const b = splitmix32(a);
    const c = splitmix32(b);
    const d = splitmix32(c);
    return Rng.fromWords(a, b, c, d, null);
  }

  /** Restores a generator from {@link Rng.state}; the restored stream continues bit-for-bit. */
  static fromState(state: RngState): Rng {
    const s = state?.s;
    if (
      state?.kind !== 'xoshiro128**' ||
      !Array.isArray(s) ||
      s.length !== 4 ||
      !s.every((w) => Number.isInteger(w) && w >= 0 && w < 4294967296) ||
      (state.spare !== undefined && !Number.isFinite(state.spare))
    ) {
      throw invalidOption('rngState', state, 'an RngState { kind: "xoshiro128**", s: four uint32 words }');
    }
    return Rng.fromWords(s[0], s[1], s[2], s[3], state.spare ?? null);
  }

  private static fromWords(a: number, b: number, c: number, d: number, spare: number | null): Rng {
    const rng = new Rng();
    rng.setWords(a, b, c, d);
    rng.spare = spare;
    return rng;
  }

  private setWords(a: number, b: number, c: number, d: number): void {
    this.s0 = a >>> 0;
    this.s1 = b >>> 0;
    this.s2 = c >>> 0;
    this.s3 = d >>> 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is absorbing
  }

  /** A JSON-safe snapshot of the state. */
  state(): RngState {
    const s: [number, number, number, number] = [this.s0, this.s1, this.s2, this.s3];
    return this.spare === null ? { kind: 'xoshiro128**', s } : { kind: 'xoshiro128**', s, spare: this.spare };
  }

  /** An independent copy (same state, separate future). */
  clone(): Rng {
    return Rng.fromWords(this.s0, this.s1, this.s2, this.s3, this.spare);
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_M53;
  }

  /** Uniform integer in [0, n) without modulo bias (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
      throw invalidOption('n', n, 'an integer in [1, 2^32]');
    }
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal deviate (Box–Muller; one uniform pair per deviate, so no cached state). */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * Standard normal deviate (Box–Muller using both values of a pair: the sine deviate is cached and
   * returned by the next call). Used by tensor creation and network initialisation.
   */
  normalPaired(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Bernoulli draw: true with probability `p`. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i];
      out[i] = out[j];
      out[j] = tmp;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
