/**
 * A multilayer perceptron with a flat float64 parameter layout, two evaluation paths that agree
 * exactly (a differentiable @odeon/tensor path and a fused allocation-free kernel), and seeded init.
 */
import { invalidOption } from '@odeon/ode';
import { add, matmul, mT, Rng, type Tensor, tensor } from '@odeon/tensor';
import { type ActivationName, activateTensor, checkActivation } from './activations.ts';
import { MlpKernel } from './mlp-kernel.ts';
import type { MlpInit, MlpLayerLayout, MlpLayout, MlpSpec } from './mlp-layout.ts';

/** Options of {@link MLP}. */
export interface MlpOptions {
  /** Input size. */
  readonly inputs: number;
  /** Output size. */
  readonly outputs: number;
  /** Width of every hidden layer. Default 32. */
  readonly width?: number;
  /** Number of hidden layers (so `depth + 1` affine maps); 0 gives an affine model. Default 2. */
  readonly depth?: number;
  /** Activation of the hidden layers. Default `tanh`. */
  readonly activation?: ActivationName;
  /** Activation applied to the output. Default `identity`. */
  readonly finalActivation?: ActivationName;
  /** Whether the last layer has a bias. Default true. */
  readonly useFinalBias?: boolean;
  /** Weight initialisation (biases start at zero). Default `glorot`. */
  readonly init?: MlpInit;
  /** Seed of the initialisation (xoshiro128** from @odeon/tensor). Default 0. */
  readonly seed?: number;
}

/** Defaults of {@link MlpOptions}. */
export const MLP_DEFAULTS = {
  width: 32,
  depth: 2,
  activation: 'tanh',
  finalActivation: 'identity',
  useFinalBias: true,
  init: 'glorot',
  seed: 0,
} as const satisfies Required<Omit<MlpOptions, 'inputs' | 'outputs'>>;

/** One layer of the parameter tree: `{ bias?: [out], weight: [out, in] }` (y = W x + b). */
export interface MlpLayerTree {
  readonly bias?: Tensor;
  readonly weight: Tensor;
  readonly [key: string]: Tensor | undefined;
}

/** The MLP parameter tree: one entry per affine layer. */
export type MlpTree = readonly { readonly [key: string]: Tensor }[];

function positiveInt(option: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw invalidOption(option, v, `an integer ≥ ${min}`);
  return v;
}

/**
 * A multilayer perceptron x ↦ act_L(W_L … act(W_1 x + b_1) … + b_L).
 *
 * Parameters live in a flat `Float64Array` block whose layout equals `flatten(tree)` of its tensor tree
 * (layers in order; within a layer `bias` then `weight`, row-major), so optimisers, adjoints and the
 * tensor path all see the same vector.
 */
export class MLP implements MlpLayout {
  readonly spec: MlpSpec;
  /** Number of parameters. */
  readonly np: number;
  /** Layer sizes [inputs, width × depth, outputs]. */
  readonly sizes: readonly number[];
  readonly layers: readonly MlpLayerLayout[];

  constructor(options: MlpOptions) {
    const o = { ...MLP_DEFAULTS, ...options };
    const spec: MlpSpec = {
      inputs: positiveInt('inputs', o.inputs, 1),
      outputs: positiveInt('outputs', o.outputs, 1),
      width: positiveInt('width', o.width, 1),
      depth: positiveInt('depth', o.depth, 0),
      activation: checkActivation('activation', o.activation),
      finalActivation: checkActivation('finalActivation', o.finalActivation),
      useFinalBias: o.useFinalBias,
      init: o.init,
      seed: o.seed,
    };
    if (spec.init !== 'glorot' && spec.init !== 'he')
      throw invalidOption('init', spec.init, "'glorot' or 'he'");
    if (!Number.isInteger(spec.seed)) throw invalidOption('seed', spec.seed, 'an integer');
    this.spec = spec;
    const sizes = [spec.inputs];
    for (let i = 0; i < spec.depth; i++) sizes.push(spec.width);
    sizes.push(spec.outputs);
    this.sizes = sizes;
    const layers: MlpLayerLayout[] = [];
    let off = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const inputs = sizes[l];
      const outputs = sizes[l + 1];
      const hasBias = l + 2 < sizes.length || spec.useFinalBias;
      const biasOffset = hasBias ? off : -1;
      if (hasBias) off += outputs;
      layers.push({ inputs, outputs, biasOffset, weightOffset: off });
      off += inputs * outputs;
    }
    this.layers = layers;
    this.np = off;
  }

  /** Writes seeded initial parameters into `out` at `offset` and returns `out`. */
  initInto(out: Float64Array, offset = 0, seed = this.spec.seed): Float64Array {
    const rng = new Rng(seed);
    for (const L of this.layers) {
      if (L.biasOffset >= 0) out.fill(0, offset + L.biasOffset, offset + L.biasOffset + L.outputs);
      const m = L.inputs * L.outputs;
      if (this.spec.init === 'glorot') {
        const a = Math.sqrt(6 / (L.inputs + L.outputs));
        for (let i = 0; i < m; i++) out[offset + L.weightOffset + i] = a * (2 * rng.uniform() - 1);
      } else {
        const s = Math.sqrt(2 / L.inputs);
        for (let i = 0; i < m; i++) out[offset + L.weightOffset + i] = s * rng.normalPaired();
      }
    }
    return out;
  }

  /** Fresh seeded initial parameters (length `np`). */
  init(seed = this.spec.seed): Float64Array {
    return this.initInto(new Float64Array(this.np), 0, seed);
  }

  /** The tensor tree of the parameters in `flat` starting at `offset` (values are copied). */
  tree(flat: ArrayLike<number>, offset = 0): MlpTree {
    const out: { [key: string]: Tensor }[] = [];
    const at = (o: number, len: number): number[] => {
      const v = new Array<number>(len);
      for (let i = 0; i < len; i++) v[i] = flat[offset + o + i];
      return v;
    };
    for (const L of this.layers) {
      const layer: { [key: string]: Tensor } = {
        weight: tensor(at(L.weightOffset, L.inputs * L.outputs), [L.outputs, L.inputs]),
      };
      if (L.biasOffset >= 0) layer.bias = tensor(at(L.biasOffset, L.outputs), [L.outputs]);
      out.push(layer);
    }
    return out;
  }

  /** The differentiable forward pass on `x` of shape `[inputs]` or `[batch, inputs]`. */
  apply(tree: MlpTree, x: Tensor): Tensor {
    let h = x;
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const layer = tree[l];
      h = matmul(h, mT(layer.weight as Tensor));
      if (layer.bias) h = add(h, layer.bias);
      h = activateTensor(l === last ? this.spec.finalActivation : this.spec.activation, h);
    }
    return h;
  }

  /** A fused float64 kernel (forward, VJP, JVP, Jacobian) with its own preallocated workspace. */
  kernel(): MlpKernel {
    return new MlpKernel(this);
  }
}
