import { OdeonError } from '@odeon/ode';
import {
  isBackendReady,
  type Tensor,
  tensor,
  tidy,
  toBackend,
  treeLeaves,
  treeMap,
  vjp,
} from '@odeon/tensor';
import type { MLP, MlpTree } from './mlp.ts';

/**
 * A batched MLP on the tfjs WebAssembly backend: **float32**. Same interface as `BatchedMlpCpu`; inputs
 * and results are float64 arrays converted at the boundary (`toBackend`), parameters are uploaded once
 * per distinct parameter vector. Needs `await initBackend('wasm')` first.
 */
export class BatchedMlpWasmF32 {
  readonly inputs: number;
  readonly outputs: number;
  private readonly mlp: MLP;
  private uploadedFrom: Float64Array | undefined;
  private treeF32: MlpTree | undefined;
  private x: Float64Array = new Float64Array(0);
  private batch = 0;

  constructor(mlp: MLP) {
    if (!isBackendReady('wasm'))
      throw new OdeonError('BackendNotInitialized', 'The wasm backend is not initialised.', {
        hint: "Call `await initBackend('wasm')` of @odeon/tensor first, or use the cpu backend.",
      });
    this.mlp = mlp;
    this.inputs = mlp.spec.inputs;
    this.outputs = mlp.spec.outputs;
  }

  private params(p: Float64Array): MlpTree {
    if (this.treeF32 === undefined || this.uploadedFrom === undefined || !sameValues(this.uploadedFrom, p)) {
      if (this.treeF32 !== undefined) for (const t of treeLeaves(this.treeF32)) t.dispose();
      this.treeF32 = treeMap((t: Tensor) => toBackend(t, 'wasm'), this.mlp.tree(p)) as MlpTree;
      this.uploadedFrom = Float64Array.from(p);
    }
    return this.treeF32;
  }

  /** Y = mlp(X) in float32 for the B rows of X; writes the float64 copy into `out`. */
  forward(out: Float64Array, p: Float64Array, x: ArrayLike<number>, batch: number): Float64Array {
    const tree = this.params(p);
    if (this.x.length !== batch * this.inputs) this.x = new Float64Array(batch * this.inputs);
    for (let k = 0; k < batch * this.inputs; k++) this.x[k] = x[k];
    this.batch = batch;
    const y = tidy(() =>
      this.mlp.apply(tree, tensor(this.x, [batch, this.inputs], { backend: 'wasm' })).toFloat64(),
    );
    out.set(y.subarray(0, batch * this.outputs));
    return out;
  }

  /** Reverse pass at the last `forward` (float32), as `BatchedMlpCpu.vjp`: gp (if given) is added to. */
  vjp(gx: Float64Array, gp: Float64Array | null, p: Float64Array, v: ArrayLike<number>): Float64Array {
    const tree = this.params(p);
    const batch = this.batch;
    const ct = Float64Array.from({ length: batch * this.outputs }, (_, k) => v[k]);
    tidy(() => {
      const x = tensor(this.x, [batch, this.inputs], { backend: 'wasm' });
      const r = vjp(({ t, xx }: { t: MlpTree; xx: Tensor }) => this.mlp.apply(t, xx), { t: tree, xx: x });
      const g = r.vjp(tensor(ct, [batch, this.outputs], { backend: 'wasm' }));
      gx.set(g.xx.toFloat64().subarray(0, batch * this.inputs));
      if (gp !== null) {
        let off = 0;
        for (const leaf of treeLeaves(g.t)) {
          const values = leaf.toFloat64();
          for (let k = 0; k < values.length; k++) gp[off + k] += values[k];
          off += values.length;
        }
      }
    });
    return gx;
  }
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
