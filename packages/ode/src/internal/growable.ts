/** An append-only Float64 buffer that doubles its capacity (amortised O(1), no per-push allocation). */
export class GrowableF64 {
  data: Float64Array;
  length = 0;

  constructor(capacity = 64) {
    this.data = new Float64Array(Math.max(capacity, 8));
  }

  /** Makes room for `extra` more values. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < need) cap *= 2;
    const next = new Float64Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  push(v: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = v;
  }

  /** Appends the first `n` values of `v`. */
  pushVec(v: Float64Array, n: number): void {
    this.reserve(n);
    const d = this.data;
    const off = this.length;
    for (let i = 0; i < n; i++) d[off + i] = v[i];
    this.length = off + n;
  }

  /** A trimmed copy. */
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}
