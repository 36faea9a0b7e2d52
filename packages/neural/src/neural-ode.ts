/**
 * NeuralODE: dy/dt = MLP(y) ⊙ y_scale / t_scale (optionally MLP([y, t])), with the equation scaling of
 * Kim et al. 2021, "Stiff neural ordinary differential equations" (Chaos 31, 093122).
 */
import { invalidOption, OdeonError, type OdeProblem } from '@odeon/ode';
import { concat, full, mul, reshape, type Tensor, tensor } from '@odeon/tensor';
import { base64ToFloat64, float64ToBase64 } from './internal/base64.ts';
import { intAtLeast, vecOfLength } from './internal/validate.ts';
import { MLP, type MlpOptions, type MlpTree } from './mlp.ts';
import type { MlpSpec } from './mlp-layout.ts';
import type { ModelJson, ModelProblemOptions, OdeModel, ParamTree } from './model.ts';

/** Hidden-layer options of a model's network (inputs and outputs follow from the model). */
export type NetworkOptions = Omit<MlpOptions, 'inputs' | 'outputs'>;

/** Per-species output scale and time scale of Kim et al. 2021. */
export interface EquationScaling {
  /** y_scale per species: max − min of the data (1 where the species is constant). */
  readonly yScale: ArrayLike<number>;
  /** t_scale = t1 − t0. */
  readonly tScale: number;
}

/** Options of {@link NeuralODE}. */
export interface NeuralOdeOptions {
  /** Number of states. */
  readonly n: number;
  /** The network (default width 32, depth 2, tanh). */
  readonly network?: NetworkOptions;
  /** Feed t as an extra network input (non-autonomous field). Default false. */
  readonly timeInput?: boolean;
  /** Output scaling (default none: y_scale = 1, t_scale = 1). See {@link equationScaling}. */
  readonly scaling?: EquationScaling;
  /** Initial flat parameters (default: the network's seeded initialisation). */
  readonly params?: ArrayLike<number>;
}

/**
 * The equation scaling of Kim et al. 2021 from data: y_scale_i = max_k y_k,i − min_k y_k,i (1 where
 * that range is 0, so constant species stay unscaled) and t_scale = t[last] − t[0].
 *
 * @param t sample times (at least 2, increasing)
 * @param y samples, row-major `t.length × n`
 */
export function equationScaling(t: ArrayLike<number>, y: ArrayLike<number>, n: number): EquationScaling {
  intAtLeast('n', n, 1);
  if (t.length < 2) throw invalidOption('t', t.length, 'at least two sample times');
  if (y.length !== t.length * n)
    throw new OdeonError(
      'ShapeMismatch',
      `y has ${y.length} values, expected t.length × n = ${t.length * n}.`,
      {
        option: 'y',
      },
    );
  const yScale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < t.length; k++) {
      const v = y[k * n + i];
      if (Number.isNaN(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const r = hi - lo;
    yScale[i] = Number.isFinite(r) && r > 0 ? r : 1;
  }
  const tScale = t[t.length - 1] - t[0];
  if (!(tScale > 0)) throw invalidOption('t', tScale, 'increasing sample times (t_scale = t1 − t0 > 0)');
  return { yScale, tScale };
}

/** Parameter tree of a NeuralODE. */
export interface NeuralOdeTree extends ParamTree {
  readonly mlp: MlpTree;
}

/**
 * dy/dt = MLP(y) ⊙ c with c_i = y_scale_i / t_scale (Kim et al. 2021), or MLP([y, t]) ⊙ c with
 * `timeInput`. Flat parameters: the network's (see {@link MLP}).
 */
export class NeuralODE implements OdeModel {
  readonly kind = 'neural-ode' as const;
  readonly n: number;
  readonly np: number;
  readonly p: Float64Array;
  readonly mlp: MLP;
  readonly timeInput: boolean;
  /** c_i = y_scale_i / t_scale. */
  readonly outputScale: Float64Array;
  readonly scaling: { readonly yScale: Float64Array; readonly tScale: number };

  constructor(options: NeuralOdeOptions) {
    this.n = intAtLeast('n', options.n, 1);
    this.timeInput = options.timeInput ?? false;
    this.mlp = new MLP({ ...options.network, inputs: this.n + (this.timeInput ? 1 : 0), outputs: this.n });
    this.np = this.mlp.np;
    const yScale = options.scaling
      ? vecOfLength('scaling.yScale', options.scaling.yScale, this.n)
      : new Float64Array(this.n).fill(1);
    const tScale = options.scaling ? options.scaling.tScale : 1;
    if (!(Number.isFinite(tScale) && tScale > 0))
      throw invalidOption('scaling.tScale', tScale, 'a positive number');
    this.scaling = { yScale, tScale };
    this.outputScale = yScale.map((v) => v / tScale);
    this.p = options.params ? vecOfLength('params', options.params, this.np) : this.mlp.init();
  }

  setParams(flat: ArrayLike<number>): void {
    this.p.set(vecOfLength('params', flat, this.np));
  }

  paramTree(flat: ArrayLike<number> = this.p): NeuralOdeTree {
    return { mlp: this.mlp.tree(flat, 0) };
  }

  vectorField(tree: ParamTree, y: Tensor, t = 0): Tensor {
    const mlpTree = (tree as NeuralOdeTree).mlp;
    let x = y;
    if (this.timeInput) {
      const tCol = y.rank === 1 ? tensor([t]) : full([y.shape[0], 1], t);
      x = concat([y, tCol], y.rank - 1);
    }
    const out = this.mlp.apply(mlpTree, x);
    return mul(out, reshape(tensor(this.outputScale), [this.n]));
  }

  problem(options: ModelProblemOptions): OdeProblem {
    const n = this.n;
    const nIn = this.mlp.spec.inputs;
    const c = this.outputScale;
    const k = this.mlp.kernel();
    const x = new Float64Array(nIn);
    const gx = new Float64Array(nIn);
    const u = new Float64Array(nIn);
    const jm = new Float64Array(n * nIn);
    const timeInput = this.timeInput;
    const load = (t: number, y: Float64Array): Float64Array => {
      for (let i = 0; i < n; i++) x[i] = y[i];
      if (timeInput) x[n] = t;
      return x;
    };
    const problem: OdeProblem = {
      y0: vecOfLength('y0', options.y0, n),
      t0: options.t0,
      t1: options.t1,
      p: options.p ? vecOfLength('p', options.p, this.np) : Float64Array.from(this.p),
      rhs: (t, y, p, dydt) => {
        k.forward(dydt, p, 0, load(t, y));
        for (let i = 0; i < n; i++) dydt[i] *= c[i];
      },
      jacobian: (t, y, p, J) => {
        k.forward(gx, p, 0, load(t, y));
        k.jacobian(jm, p, 0);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) J[i * n + j] = c[i] * jm[i * nIn + j];
      },
      vjp: (t, y, p, v, outY, outP) => {
        k.forward(gx, p, 0, load(t, y));
        for (let i = 0; i < n; i++) u[i] = v[i] * c[i];
        k.vjp(gx, outP, p, 0, u, 0);
        for (let i = 0; i < n; i++) outY[i] = gx[i];
      },
      // state-only VJP for adjoint stages: skips the (np-sized) parameter part of the backward pass
      vjpY: (t, y, p, v, outY) => {
        k.forward(gx, p, 0, load(t, y));
        for (let i = 0; i < n; i++) u[i] = v[i] * c[i];
        k.vjp(gx, null, p, 0, u, 0);
        for (let i = 0; i < n; i++) outY[i] = gx[i];
      },
      jvp: (t, y, p, du, out) => {
        k.forward(gx, p, 0, load(t, y));
        for (let i = 0; i < n; i++) u[i] = du[i];
        if (timeInput) u[n] = 0;
        k.jvp(out, p, 0, u);
        for (let i = 0; i < n; i++) out[i] *= c[i];
      },
      tgrad: (t, y, p, out) => {
        if (!timeInput) {
          out.fill(0, 0, n);
          return;
        }
        k.forward(gx, p, 0, load(t, y));
        u.fill(0);
        u[n] = 1;
        k.jvp(out, p, 0, u);
        for (let i = 0; i < n; i++) out[i] *= c[i];
      },
    };
    return problem;
  }

  toJSON(): ModelJson {
    return {
      format: 'odeon-neural-model',
      version: 1,
      kind: this.kind,
      spec: {
        n: this.n,
        network: mlpNetworkSpec(this.mlp.spec),
        timeInput: this.timeInput,
        scaling: { yScale: Array.from(this.scaling.yScale), tScale: this.scaling.tScale },
      },
      params: float64ToBase64(this.p),
      paramsReadable: Array.from(this.p),
    };
  }

  /** Restores a model from {@link NeuralODE.toJSON} output. */
  static fromJSON(json: ModelJson): NeuralODE {
    const s = json.spec as {
      n: number;
      network: NetworkOptions;
      timeInput: boolean;
      scaling: { yScale: number[]; tScale: number };
    };
    return new NeuralODE({
      n: s.n,
      network: s.network,
      timeInput: s.timeInput,
      scaling: s.scaling,
      params: decodeParams(json),
    });
  }
}

/** The hidden-layer part of an MLP spec (what a model's JSON stores). */
export function mlpNetworkSpec(spec: MlpSpec): NetworkOptions {
  return {
    width: spec.width,
    depth: spec.depth,
    activation: spec.activation,
    finalActivation: spec.finalActivation,
    useFinalBias: spec.useFinalBias,
    init: spec.init,
    seed: spec.seed,
  };
}

/** The bit-exact parameters of a model JSON document. */
export function decodeParams(json: ModelJson): Float64Array {
  const p = typeof json.params === 'string' ? base64ToFloat64(json.params) : null;
  if (p === null)
    throw new OdeonError('ModelFormatError', 'The model JSON has no valid `params` (base64 float64 data).', {
      element: 'params',
      hint: 'Save models with JSON.stringify(model) / modelToJson(model) and load the unmodified text.',
    });
  return p;
}
