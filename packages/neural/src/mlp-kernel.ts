/**
 * The fused float64 MLP kernel: forward pass, vector–Jacobian product (w.r.t. input and parameters),
 * Jacobian–vector product and dense input Jacobian, on preallocated buffers.
 *
 * Why hand-written: a stiff neural-ODE gradient calls the RHS, VJP and Jacobian thousands of times on
 * networks of a few dozen units (e.g. 3→[5]×6→3). At that size any tensor library's per-op dispatch
 * and allocation costs far more than the arithmetic; a fused loop over `Float64Array`s does not.
 * It evaluates exactly the same formulas as the tensor path (`MLP.apply`), which the tests check.
 */
import { type ActivationName, activateDerivativeInto, activateInto } from './activations.ts';
import type { MlpLayerLayout, MlpLayout } from './mlp-layout.ts';

/**
 * A workspace-owning evaluator of one {@link MLP}. Call `forward` first; `vjp`, `jvp` and `jacobian`
 * then differentiate at the point of the last `forward` (the usual RHS-then-derivative pattern of
 * solvers). Parameters are read from `p` starting at `offset`, so one kernel serves any parameter vector.
 * Not re-entrant: use one kernel per concurrent evaluation.
 */
export class MlpKernel {
  readonly inputs: number;
  readonly outputs: number;
  private readonly layers: readonly MlpLayerLayout[];
  private readonly acts: readonly ActivationName[];
  /** Post-activations a_0 (the input copy) … a_L. */
  private readonly a: Float64Array[];
  /** Pre-activations z_1 … z_L (index l−1). */
  private readonly z: Float64Array[];
  /** Activation derivatives act'(z_l) (index l−1), filled lazily. */
  private readonly d: Float64Array[];
  private derivsValid = false;
  private readonly g0: Float64Array;
  private readonly g1: Float64Array;
  private readonly t0: Float64Array;
  private readonly t1: Float64Array;

  constructor(mlp: MlpLayout) {
    this.inputs = mlp.spec.inputs;
    this.outputs = mlp.spec.outputs;
    this.layers = mlp.layers;
    this.acts = mlp.layers.map((_, l) =>
      l === mlp.layers.length - 1 ? mlp.spec.finalActivation : mlp.spec.activation,
    );
    this.a = mlp.sizes.map((s) => new Float64Array(s));
    this.z = mlp.layers.map((L) => new Float64Array(L.outputs));
    this.d = mlp.layers.map((L) => new Float64Array(L.outputs));
    const maxWidth = Math.max(...mlp.sizes);
    this.g0 = new Float64Array(maxWidth);
    this.g1 = new Float64Array(maxWidth);
    this.t0 = new Float64Array(maxWidth * this.inputs);
    this.t1 = new Float64Array(maxWidth * this.inputs);
  }

  /** Evaluates the network at `x` with parameters `p[offset…]`, writes the output into `out`, returns `out`. */
  forward(out: Float64Array, p: Float64Array, offset: number, x: ArrayLike<number>): Float64Array {
    const a0 = this.a[0];
    for (let j = 0; j < this.inputs; j++) a0[j] = x[j];
    const layers = this.layers;
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l];
      const prev = this.a[l];
      const z = this.z[l];
      const next = this.a[l + 1];
      const act = this.acts[l];
      const nIn = L.inputs;
      let w = offset + L.weightOffset;
      const b = L.biasOffset >= 0 ? offset + L.biasOffset : -1;
      for (let i = 0; i < L.outputs; i++) {
        let s = 0;
        for (let j = 0; j < nIn; j++) s += p[w + j] * prev[j];
        w += nIn;
        if (b >= 0) s += p[b + i];
        z[i] = s;
      }
      activateInto(next, act, z, L.outputs);
    }
    const aL = this.a[layers.length];
    for (let i = 0; i < this.outputs; i++) out[i] = aL[i];
    this.derivsValid = false;
    return out;
  }

  private ensureDerivatives(): void {
    if (this.derivsValid) return;
    for (let l = 0; l < this.layers.length; l++) {
      activateDerivativeInto(this.d[l], this.acts[l], this.z[l], this.z[l].length);
    }
    this.derivsValid = true;
  }

  /**
   * Reverse mode at the last `forward` point: writes vᵀ ∂out/∂x into `outX` (length `inputs`, skipped
   * when null) and vᵀ ∂out/∂θ into `outP[pOffset…]` (overwriting the MLP's block; skipped when null).
   */
  vjp(
    outX: Float64Array | null,
    outP: Float64Array | null,
    p: Float64Array,
    offset: number,
    v: ArrayLike<number>,
    pOffset = 0,
  ): void {
    this.ensureDerivatives();
    const layers = this.layers;
    let g = this.g0;
    let gPrev = this.g1;
    const last = layers.length - 1;
    const dL = this.d[last];
    for (let i = 0; i < this.outputs; i++) g[i] = v[i] * dL[i];
    for (let l = last; l >= 0; l--) {
      const L = layers[l];
      const prev = this.a[l];
      const nIn = L.inputs;
      const nOut = L.outputs;
      if (outP !== null) {
        if (L.biasOffset >= 0) {
          const b = pOffset + L.biasOffset;
          for (let i = 0; i < nOut; i++) outP[b + i] = g[i];
        }
        let w = pOffset + L.weightOffset;
        for (let i = 0; i < nOut; i++) {
          const gi = g[i];
          for (let j = 0; j < nIn; j++) outP[w + j] = gi * prev[j];
          w += nIn;
        }
      }
      if (l === 0 && outX === null) break;
      const target = l === 0 ? (outX as Float64Array) : gPrev;
      for (let j = 0; j < nIn; j++) target[j] = 0;
      let w = offset + L.weightOffset;
      for (let i = 0; i < nOut; i++) {
        const gi = g[i];
        for (let j = 0; j < nIn; j++) target[j] += p[w + j] * gi;
        w += nIn;
      }
      if (l > 0) {
        const dPrev = this.d[l - 1];
        for (let j = 0; j < nIn; j++) gPrev[j] *= dPrev[j];
        const tmp = g;
        g = gPrev;
        gPrev = tmp;
      }
    }
  }

  /** Forward mode at the last `forward` point: writes (∂out/∂x) u into `out` and returns it. */
  jvp(out: Float64Array, p: Float64Array, offset: number, u: ArrayLike<number>): Float64Array {
    this.ensureDerivatives();
    let t = this.g0;
    let next = this.g1;
    for (let j = 0; j < this.inputs; j++) t[j] = u[j];
    const layers = this.layers;
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l];
      const d = this.d[l];
      const nIn = L.inputs;
      let w = offset + L.weightOffset;
      for (let i = 0; i < L.outputs; i++) {
        let s = 0;
        for (let j = 0; j < nIn; j++) s += p[w + j] * t[j];
        w += nIn;
        next[i] = d[i] * s;
      }
      const tmp = t;
      t = next;
      next = tmp;
    }
    for (let i = 0; i < this.outputs; i++) out[i] = t[i];
    return out;
  }

  /** Writes the row-major `outputs × inputs` Jacobian at the last `forward` point into `out`, returns it. */
  jacobian(out: Float64Array, p: Float64Array, offset: number): Float64Array {
    this.ensureDerivatives();
    const n = this.inputs;
    let T = this.t0;
    let next = this.t1;
    T.fill(0, 0, n * n);
    for (let k = 0; k < n; k++) T[k * n + k] = 1;
    const layers = this.layers;
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l];
      const d = this.d[l];
      const nIn = L.inputs;
      let w = offset + L.weightOffset;
      for (let i = 0; i < L.outputs; i++) {
        const row = i * n;
        for (let k = 0; k < n; k++) next[row + k] = 0;
        for (let j = 0; j < nIn; j++) {
          const wij = p[w + j];
          if (wij === 0) continue;
          const src = j * n;
          for (let k = 0; k < n; k++) next[row + k] += wij * T[src + k];
        }
        const di = d[i];
        for (let k = 0; k < n; k++) next[row + k] *= di;
        w += nIn;
      }
      const tmp = T;
      T = next;
      next = tmp;
    }
    const m = this.outputs * n;
    for (let i = 0; i < m; i++) out[i] = T[i];
    return out;
  }
}
