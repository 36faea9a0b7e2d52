import { invalidOption } from '@odeon/ode';

/** The complete state of an {@link Rng}: four 32-bit words. Plain JSON. */
export interface RngState {
  readonly kind: 'xoshiro128**';
  readonly s: readonly [number, number, number, number];
}

const TWO_POW_M53 = 1 / 9007199254740992;

/** SplitMix32 step (Vigna): a well-mixed 32-bit hash used for seeding and stream derivation. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
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
 * A seeded, serialisable pseudo-random generator: xoshiro128** (Blackman & Vigna 2018), 128 bits
 * of state, period 2¹²⁸ − 1. Every source of randomness in `@odeon/train` draws from an `Rng`, so
 * a run is reproducible from its seed and resumable from {@link Rng.state} (the state round-trips
 * through JSON exactly).
 *
 * Hand-written because the platform offers no seedable generator (`Math.random` cannot be seeded
 * or saved) and the state must live in our checkpoints.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is absorbing
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
    return new Rng(a, b, c, d);
  }

  /** Restores a generator from {@link Rng.state}; the restored stream continues bit-for-bit. */
  static fromState(state: RngState): Rng {
    const s = state?.s;
    if (
      state?.kind !== 'xoshiro128**' ||
      !Array.isArray(s) ||
      s.length !== 4 ||
      !s.every((w) => Number.isInteger(w) && w >= 0 && w < 4294967296)
    ) {
      throw invalidOption('rngState', state, 'an RngState { kind: "xoshiro128**", s: four uint32 words }');
    }
    return new Rng(s[0], s[1], s[2], s[3]);
  }

  /** A JSON-safe snapshot of the state. */
  state(): RngState {
    return { kind: 'xoshiro128**', s: [this.s0, this.s1, this.s2, this.s3] };
  }

  /** An independent copy (same state, separate future). */
  clone(): Rng {
    return new Rng(this.s0, this.s1, this.s2, this.s3);
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

  /** Standard normal deviate (Box–Muller; one uniform pair per deviate, so no hidden cache state). */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
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
