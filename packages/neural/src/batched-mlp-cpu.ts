import { type ActivationName, activateDerivativeInto, activateInto } from './activations.ts';
import type { MLP } from './mlp.ts';
import type { MlpLayerLayout } from './mlp-layout.ts';

/**
 * A batched float64 MLP: B inputs (rows of a row-major B × inputs matrix) through every layer as one
 * matrix product per layer. Each row is summed in the same order as `MlpKernel`, so every row equals
 * the kernel's result bit for bit. `vjp` differentiates at the last `forward`. Workspace for up to
 * `maxBatch` rows is allocated once.
 */
export class BatchedMlpCpu {
  readonly inputs: number;
  readonly outputs: number;
  readonly maxBatch: number;
  private readonly layers: readonly MlpLayerLayout[];
  private readonly acts: readonly ActivationName[];
  /** Post-activations A_0 … A_L, each maxBatch × size. */
  private readonly a: Float64Array[];
  /** Pre-activations Z_1 … Z_L. */
  private readonly z: Float64Array[];
  private readonly d: Float64Array;
  private readonly g0: Float64Array;
  private readonly g1: Float64Array;
  private batch = 0;

  constructor(mlp: MLP, maxBatch: number) {
    this.inputs = mlp.spec.inputs;
    this.outputs = mlp.spec.outputs;
    this.maxBatch = maxBatch;
    this.layers = mlp.layers;
    this.acts = mlp.layers.map((_, l) =>
      l === mlp.layers.length - 1 ? mlp.spec.finalActivation : mlp.spec.activation,
    );
    this.a = mlp.sizes.map((s) => new Float64Array(s * maxBatch));
    this.z = mlp.layers.map((L) => new Float64Array(L.outputs * maxBatch));
    const widest = Math.max(...mlp.sizes) * maxBatch;
    this.d = new Float64Array(widest);
    this.g0 = new Float64Array(widest);
    this.g1 = new Float64Array(widest);
  }

  /** Y = mlp(X) for the B rows of X (B × inputs); writes B × outputs into `out` and returns it. */
  forward(out: Float64Array, p: Float64Array, x: ArrayLike<number>, batch: number): Float64Array {
    this.batch = batch;
    const a0 = this.a[0];
    for (let k = 0; k < batch * this.inputs; k++) a0[k] = x[k];
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      const prev = this.a[l];
      const z = this.z[l];
      const nIn = L.inputs;
      const nOut = L.outputs;
      const b = L.biasOffset;
      for (let r = 0; r < batch; r++) {
        const row = r * nIn;
        let w = L.weightOffset;
        for (let i = 0; i < nOut; i++) {
          let s = 0;
          for (let j = 0; j < nIn; j++) s += p[w + j] * prev[row + j];
          w += nIn;
          if (b >= 0) s += p[b + i];
          z[r * nOut + i] = s;
        }
      }
      activateInto(this.a[l + 1], this.acts[l], z, batch * nOut);
    }
    const aL = this.a[this.layers.length];
    for (let k = 0; k < batch * this.outputs; k++) out[k] = aL[k];
    return out;
  }

  /**
   * Reverse pass at the last `forward`: with V (B × outputs), writes Vᵀ∂Y/∂X (B × inputs) into `gx`
   * and, unless `gp` is null, adds Σ_rows Vᵀ∂Y/∂p into `gp` (length np; the caller zeroes it).
   */
  vjp(gx: Float64Array, gp: Float64Array | null, p: Float64Array, v: ArrayLike<number>): Float64Array {
    const batch = this.batch;
    let g = this.g0;
    let gNext = this.g1;
    for (let k = 0; k < batch * this.outputs; k++) g[k] = v[k];
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const L = this.layers[l];
      const nIn = L.inputs;
      const nOut = L.outputs;
      const d = this.d;
      activateDerivativeInto(d, this.acts[l], this.z[l], batch * nOut);
      for (let k = 0; k < batch * nOut; k++) g[k] *= d[k];
      const prev = this.a[l];
      if (gp !== null) {
        const w0 = L.weightOffset;
        for (let r = 0; r < batch; r++) {
          for (let i = 0; i < nOut; i++) {
            const gi = g[r * nOut + i];
            if (L.biasOffset >= 0) gp[L.biasOffset + i] += gi;
            const w = w0 + i * nIn;
            for (let j = 0; j < nIn; j++) gp[w + j] += gi * prev[r * nIn + j];
          }
        }
      }
      {
        for (let r = 0; r < batch; r++) {
          for (let j = 0; j < nIn; j++) gNext[r * nIn + j] = 0;
          for (let i = 0; i < nOut; i++) {
            const gi = g[r * nOut + i];
            const w = L.weightOffset + i * nIn;
            for (let j = 0; j < nIn; j++) gNext[r * nIn + j] += gi * p[w + j];
          }
        }
        const t = g;
        g = gNext;
        gNext = t;
      }
    }
    for (let k = 0; k < batch * this.inputs; k++) gx[k] = g[k];
    return gx;
  }
}
