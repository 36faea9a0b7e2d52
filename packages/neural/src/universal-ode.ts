/**
 * UniversalODE: a mechanistic model from @odeon/sbml plus a gated neural residual,
 * dy/dt = f_mech(y; θ) + softplus(α) ⊙ σ(G·y) ⊙ MLP(y).
 */
import { invalidOption, OdeonError, type OdeProblem } from '@odeon/ode';
import { type CompiledModel, compileModel, loadModel, type Model, writeSbml } from '@odeon/sbml';
import { matmul, mT, mul, sigmoid, softplus, type Tensor, tensor } from '@odeon/tensor';
import { sigmoidScalar, softplusScalar } from './activations.ts';
import { float64ToBase64 } from './internal/base64.ts';
import { vecOfLength } from './internal/validate.ts';
import { MLP, type MlpTree } from './mlp.ts';
import type { ModelJson, ModelProblemOptions, OdeModel, ParamTree } from './model.ts';
import { decodeParams, mlpNetworkSpec, type NetworkOptions } from './neural-ode.ts';

/** Options of {@link UniversalODE}. */
export interface UniversalOdeOptions {
  /** The mechanistic model: SBML or Odeon JSON model text, or a parsed `Model`. */
  readonly model: string | Model;
  /** Ids of the model parameters (see `CompiledModel.paramIds`) to train as θ. Default: none. */
  readonly trainable?: readonly string[];
  /** The residual network's hidden layers. Default width 32, depth 2, tanh. */
  readonly network?: NetworkOptions;
  /** Gate the residual with softplus(α) ⊙ σ(G·y). Default true; false gives f_mech + MLP(y). */
  readonly gate?: boolean;
  /** Initial α (all species); softplus(α) is the residual's amplitude. Default 0 (amplitude ln 2). */
  readonly alphaInit?: number;
  /** Initial flat parameters (default: θ from the model, G = 0, α = alphaInit, seeded network). */
  readonly params?: ArrayLike<number>;
}

/** Parameter tree of a UniversalODE (keys sorted: `G`, `alpha`, `mlp`, `theta`). */
export interface UniversalTree extends ParamTree {
  readonly mlp: MlpTree;
}

/**
 * dy/dt = f_mech(y; θ) + softplus(α) ⊙ σ(G·y) ⊙ MLP(y) (or f_mech + MLP(y) with `gate: false`).
 *
 * States are the compiled model's states (`stateIds`). Flat parameters (object keys sorted):
 * `G` (n×n, row-major) and `alpha` (n) when gated, the network, then `theta` (the `trainable` model
 * parameters, in the given order).
 *
 * f_mech's kernels (RHS, Jacobian, VJP, JVP) come from @odeon/sbml's symbolic differentiation. On the
 * tensor path only the residual is expressible (`residualField`); `vectorField` throws
 * `NotDifferentiable`, so Jacobian-norm penalties apply to RateFlowODE and NeuralODE, and to a
 * UniversalODE's residual through `residualField`.
 */
export class UniversalODE implements OdeModel {
  readonly kind = 'universal-ode' as const;
  readonly n: number;
  readonly np: number;
  readonly p: Float64Array;
  readonly mlp: MLP;
  readonly gate: boolean;
  readonly compiled: CompiledModel;
  readonly trainable: readonly string[];
  /** Indices of θ in the compiled model's parameter vector. */
  readonly thetaIndex: Int32Array;
  /** Offsets in the flat parameters. */
  readonly offsets: {
    readonly G: number;
    readonly alpha: number;
    readonly mlp: number;
    readonly theta: number;
  };
  private readonly source: string;

  constructor(options: UniversalOdeOptions) {
    this.source = typeof options.model === 'string' ? options.model : writeSbml(options.model);
    const model = typeof options.model === 'string' ? loadModel(options.model) : options.model;
    this.trainable = [...(options.trainable ?? [])];
    this.compiled = compileModel(model, this.trainable.length > 0 ? { sensitivities: this.trainable } : {});
    const n = this.compiled.n;
    // problem() is the mechanistic rhs plus the network: SBML events would be dropped from it
    const event = this.compiled.events[0];
    if (event !== undefined)
      throw new OdeonError(
        'UnsupportedSbmlFeature',
        `UniversalODE: the mechanistic model has event ${event.id}, which its problem() cannot carry.`,
        {
          element: event.id,
          hint: 'Train on a model without events, or differentiate the plain SBML model with its events (problemWithEvents from @odeon/sbml and gradient).',
        },
      );
    if (n < 1)
      throw new OdeonError('InvalidProblem', 'The mechanistic model has no state variables.', {
        hint: 'Give a model with species or rate rules.',
      });
    this.n = n;
    this.thetaIndex = Int32Array.from(this.trainable, (id) => {
      const i = this.compiled.paramIds.indexOf(id);
      if (i < 0)
        throw invalidOption(
          'trainable',
          id,
          `parameter ids of the model: ${this.compiled.paramIds.join(', ')}`,
        );
      return i;
    });
    this.gate = options.gate ?? true;
    this.mlp = new MLP({ ...options.network, inputs: n, outputs: n });
    const gSize = this.gate ? n * n : 0;
    const aSize = this.gate ? n : 0;
    this.offsets = { G: 0, alpha: gSize, mlp: gSize + aSize, theta: gSize + aSize + this.mlp.np };
    this.np = this.offsets.theta + this.trainable.length;
    if (options.params) this.p = vecOfLength('params', options.params, this.np);
    else {
      const p = new Float64Array(this.np);
      if (this.gate) p.fill(options.alphaInit ?? 0, this.offsets.alpha, this.offsets.alpha + n);
      this.mlp.initInto(p, this.offsets.mlp);
      for (let k = 0; k < this.thetaIndex.length; k++)
        p[this.offsets.theta + k] = this.compiled.p[this.thetaIndex[k]];
      this.p = p;
    }
  }

  /** State ids of the mechanistic model (the order of y). */
  get stateIds(): readonly string[] {
    return this.compiled.stateIds;
  }

  /** Initial state declared by the mechanistic model. */
  get y0(): Float64Array {
    return Float64Array.from(this.compiled.y0);
  }

  /** θ (the trainable mechanistic parameters) in `flat`. */
  theta(flat: ArrayLike<number> = this.p): Float64Array {
    return Float64Array.from({ length: this.trainable.length }, (_, k) => flat[this.offsets.theta + k]);
  }

  setParams(flat: ArrayLike<number>): void {
    this.p.set(vecOfLength('params', flat, this.np));
  }

  paramTree(flat: ArrayLike<number> = this.p): UniversalTree {
    const n = this.n;
    const o = this.offsets;
    const slice = (a: number, len: number): number[] => Array.from({ length: len }, (_, i) => flat[a + i]);
    const tree: { [key: string]: MlpTree | Tensor } = { mlp: this.mlp.tree(flat, o.mlp) };
    if (this.gate) {
      tree.G = tensor(slice(o.G, n * n), [n, n]);
      tree.alpha = tensor(slice(o.alpha, n), [n]);
    }
    if (this.trainable.length > 0)
      tree.theta = tensor(slice(o.theta, this.trainable.length), [this.trainable.length]);
    return tree as UniversalTree;
  }

  /** The residual softplus(α) ⊙ σ(G·y) ⊙ MLP(y) (or MLP(y) ungated) on the tensor path. */
  residualField(tree: ParamTree, y: Tensor): Tensor {
    const t = tree as UniversalTree & { G?: Tensor; alpha?: Tensor };
    const m = this.mlp.apply(t.mlp, y);
    if (!this.gate) return m;
    const g = sigmoid(matmul(y, mT(t.G as Tensor)));
    return mul(mul(softplus(t.alpha as Tensor), g), m);
  }

  vectorField(_tree: ParamTree, _y: Tensor): Tensor {
    throw new OdeonError(
      'NotDifferentiable',
      'UniversalODE.vectorField: the SBML mechanistic part has no tensor form.',
      {
        hint: 'Use residualField(tree, y) for penalties on the neural residual; the solver problem (problem()) has exact derivatives.',
      },
    );
  }

  problem(options: ModelProblemOptions): OdeProblem {
    const n = this.n;
    const cm = this.compiled;
    const o = this.offsets;
    const gate = this.gate;
    const idx = this.thetaIndex;
    const nTheta = idx.length;
    const k = this.mlp.kernel();
    const pm = Float64Array.from(cm.p);
    const pmGrad = new Float64Array(cm.np);
    const m = new Float64Array(n);
    const s = new Float64Array(n);
    const amp = new Float64Array(n);
    const q = new Float64Array(n);
    const w = new Float64Array(n);
    const gx = new Float64Array(n);
    const jm = new Float64Array(n * n);
    const tmp = new Float64Array(n);
    const loadTheta = (p: Float64Array): Float64Array => {
      for (let j = 0; j < nTheta; j++) pm[idx[j]] = p[o.theta + j];
      return pm;
    };
    /** Fills m = MLP(y), and when gated s = σ(Gy), amp = softplus(α). */
    const residual = (y: Float64Array, p: Float64Array): void => {
      k.forward(m, p, o.mlp, y);
      if (!gate) return;
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += p[o.G + i * n + j] * y[j];
        s[i] = sigmoidScalar(acc);
        amp[i] = softplusScalar(p[o.alpha + i]);
      }
    };
    return {
      y0: vecOfLength('y0', options.y0, n),
      t0: options.t0,
      t1: options.t1,
      p: options.p ? vecOfLength('p', options.p, this.np) : Float64Array.from(this.p),
      rhs: (t, y, p, dydt) => {
        cm.rhs(t, y, loadTheta(p), dydt);
        residual(y, p);
        if (gate) for (let i = 0; i < n; i++) dydt[i] += amp[i] * s[i] * m[i];
        else for (let i = 0; i < n; i++) dydt[i] += m[i];
      },
      jacobian: (t, y, p, J) => {
        cm.jacobian(t, y, loadTheta(p), J);
        residual(y, p);
        k.jacobian(jm, p, o.mlp);
        for (let i = 0; i < n; i++) {
          const a = gate ? amp[i] * s[i] : 1;
          const b = gate ? amp[i] * s[i] * (1 - s[i]) * m[i] : 0;
          for (let j = 0; j < n; j++) J[i * n + j] += a * jm[i * n + j] + b * (gate ? p[o.G + i * n + j] : 0);
        }
      },
      vjp: (t, y, p, v, outY, outP) => {
        cm.vjp(t, y, loadTheta(p), v, outY, pmGrad);
        for (let j = 0; j < nTheta; j++) outP[o.theta + j] = pmGrad[idx[j]];
        residual(y, p);
        for (let i = 0; i < n; i++) w[i] = gate ? v[i] * amp[i] * s[i] : v[i];
        k.vjp(gx, outP, p, o.mlp, w, o.mlp);
        for (let i = 0; i < n; i++) outY[i] += gx[i];
        if (!gate) return;
        for (let i = 0; i < n; i++) {
          q[i] = v[i] * amp[i] * s[i] * (1 - s[i]) * m[i];
          outP[o.alpha + i] = v[i] * sigmoidScalar(p[o.alpha + i]) * s[i] * m[i];
        }
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            outP[o.G + i * n + j] = q[i] * y[j];
            outY[j] += p[o.G + i * n + j] * q[i];
          }
      },
      // state-only VJP for adjoint stages: skips the network's parameter part of the backward pass
      vjpY: (t, y, p, v, outY) => {
        cm.vjp(t, y, loadTheta(p), v, outY, pmGrad);
        residual(y, p);
        for (let i = 0; i < n; i++) w[i] = gate ? v[i] * amp[i] * s[i] : v[i];
        k.vjp(gx, null, p, o.mlp, w, o.mlp);
        for (let i = 0; i < n; i++) outY[i] += gx[i];
        if (!gate) return;
        for (let i = 0; i < n; i++) q[i] = v[i] * amp[i] * s[i] * (1 - s[i]) * m[i];
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) outY[j] += p[o.G + i * n + j] * q[i];
      },
      jvp: (t, y, p, u, out) => {
        cm.jvp(t, y, loadTheta(p), u, out);
        residual(y, p);
        k.jvp(tmp, p, o.mlp, u);
        for (let i = 0; i < n; i++) {
          if (!gate) {
            out[i] += tmp[i];
            continue;
          }
          let gu = 0;
          for (let j = 0; j < n; j++) gu += p[o.G + i * n + j] * u[j];
          out[i] += amp[i] * (s[i] * tmp[i] + s[i] * (1 - s[i]) * m[i] * gu);
        }
      },
    };
  }

  toJSON(): ModelJson {
    return {
      format: 'odeon-neural-model',
      version: 1,
      kind: this.kind,
      spec: {
        model: this.source,
        trainable: [...this.trainable],
        network: mlpNetworkSpec(this.mlp.spec),
        gate: this.gate,
      },
      params: float64ToBase64(this.p),
      paramsReadable: Array.from(this.p),
    };
  }

  /** Restores a model from {@link UniversalODE.toJSON} output. */
  static fromJSON(json: ModelJson): UniversalODE {
    const s = json.spec as { model: string; trainable: string[]; network: NetworkOptions; gate: boolean };
    return new UniversalODE({
      model: s.model,
      trainable: s.trainable,
      network: s.network,
      gate: s.gate,
      params: decodeParams(json),
    });
  }
}
