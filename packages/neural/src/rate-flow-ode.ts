/**
 * RateFlowODE: dy/dt = S · r(y), a reaction network whose rates r are a neural network (one output
 * per reaction, made non-negative by relu or softplus) and whose stoichiometry S is learnable or fixed.
 */
import { invalidOption, type OdeProblem } from '@odeon/ode';
import { matmul, mT, Rng, type Tensor, tensor } from '@odeon/tensor';
import { float64ToBase64 } from './internal/base64.ts';
import { intAtLeast, matrixOf, vecOfLength } from './internal/validate.ts';
import { MLP, type MlpTree } from './mlp.ts';
import type { ModelJson, ModelProblemOptions, OdeModel, ParamTree } from './model.ts';
import { decodeParams, mlpNetworkSpec, type NetworkOptions } from './neural-ode.ts';

/** How rates are made non-negative. */
export type RateActivation = 'softplus' | 'relu';

/** Options of {@link RateFlowODE}. */
export interface RateFlowOdeOptions {
  /** Number of species (states). */
  readonly species: number;
  /** Number of reactions (columns of S). */
  readonly reactions: number;
  /** The rate network's hidden layers (its final activation is `rate`). */
  readonly network?: Omit<NetworkOptions, 'finalActivation'>;
  /** Non-negativity of the rates. Default `softplus`. */
  readonly rate?: RateActivation;
  /** Initial (or fixed) stoichiometry, species × reactions. Default: seeded N(0, 0.5²) entries. */
  readonly stoichiometry?: readonly (readonly number[])[];
  /** Learn S (it is then part of the flat parameters). Default true. */
  readonly learnStoichiometry?: boolean;
  /** Mass-conservation matrix M (constraints × species) for the conservation penalty (M·S ≈ 0). */
  readonly conservation?: readonly (readonly number[])[];
  /** Seed of the network and S initialisation. Default: the network's seed (0). */
  readonly seed?: number;
  /** Initial flat parameters (default: the seeded initialisation). */
  readonly params?: ArrayLike<number>;
}

/** Parameter tree of a RateFlowODE: `S` (when learnable) and the rate network. */
export interface RateFlowTree extends ParamTree {
  readonly mlp: MlpTree;
}

/**
 * dy/dt = S · r(y), r = rate(MLP(y)) ∈ ℝ^reactions (relu or softplus keeps rates ≥ 0), S ∈ ℝ^{species×reactions}.
 *
 * Flat parameters (the order of `flatten(paramTree())`, object keys sorted): `S` row-major (when
 * learnable), then the network.
 */
export class RateFlowODE implements OdeModel {
  readonly kind = 'rate-flow-ode' as const;
  readonly n: number;
  readonly reactions: number;
  readonly np: number;
  readonly p: Float64Array;
  readonly mlp: MLP;
  readonly rate: RateActivation;
  readonly learnStoichiometry: boolean;
  /** Offset of the network block in the flat parameters. */
  readonly mlpOffset: number;
  /** M (constraints × species, row-major) or null. */
  readonly conservation: Float64Array | null;
  readonly conservationRows: number;
  private readonly fixedS: Float64Array | null;

  constructor(options: RateFlowOdeOptions) {
    const n = intAtLeast('species', options.species, 1);
    const r = intAtLeast('reactions', options.reactions, 1);
    this.n = n;
    this.reactions = r;
    this.rate = options.rate ?? 'softplus';
    if (this.rate !== 'softplus' && this.rate !== 'relu')
      throw invalidOption('rate', this.rate, "'softplus' or 'relu'");
    this.learnStoichiometry = options.learnStoichiometry ?? true;
    const seed = options.seed ?? options.network?.seed ?? 0;
    this.mlp = new MLP({ ...options.network, seed, inputs: n, outputs: r, finalActivation: this.rate });
    this.mlpOffset = this.learnStoichiometry ? n * r : 0;
    this.np = this.mlpOffset + this.mlp.np;
    let S: Float64Array;
    if (options.stoichiometry) S = matrixOf('stoichiometry', options.stoichiometry, n, r);
    else {
      if (!this.learnStoichiometry)
        throw invalidOption(
          'stoichiometry',
          undefined,
          'a species × reactions matrix when learnStoichiometry is false',
        );
      const rng = new Rng(seed + 7919);
      S = new Float64Array(n * r);
      for (let i = 0; i < S.length; i++) S[i] = 0.5 * rng.normalPaired();
    }
    if (options.conservation) {
      const rows = options.conservation.length;
      intAtLeast('conservation (rows)', rows, 1);
      this.conservation = matrixOf('conservation', options.conservation, rows, n);
      this.conservationRows = rows;
    } else {
      this.conservation = null;
      this.conservationRows = 0;
    }
    this.fixedS = this.learnStoichiometry ? null : S;
    if (options.params) this.p = vecOfLength('params', options.params, this.np);
    else {
      this.p = new Float64Array(this.np);
      if (this.learnStoichiometry) this.p.set(S, 0);
      this.mlp.initInto(this.p, this.mlpOffset);
    }
  }

  /** The stoichiometry S (species × reactions, row-major) for flat parameters `flat`. */
  stoichiometry(flat: ArrayLike<number> = this.p): Float64Array {
    if (this.fixedS) return Float64Array.from(this.fixedS);
    const S = new Float64Array(this.n * this.reactions);
    for (let i = 0; i < S.length; i++) S[i] = flat[i];
    return S;
  }

  /**
   * Flat parameters with every column of a learnable S rescaled so that its largest |entry| is 1, and
   * the rate network's output layer (weights and bias of that reaction) multiplied by the same factor c,
   * so that S·r(y) is unchanged: exactly for `relu` rates (relu(c·z) = c·relu(z)), and where rates are
   * large for `softplus` (softplus(c·z) ≈ c·softplus(z) for z ≫ 1; a few training steps absorb the rest).
   *
   * S is only determined up to a positive scale per column (S_j·r_j = (c·S_j)·(r_j/c)). Call this after
   * a data-only fit and before switching on scale-dependent structure penalties (integer, bipolar), so
   * that rounding to integers sees columns of order 1 instead of whatever scale the fit drifted to.
   * Columns that are entirely zero are left alone. Throws `InvalidOption` for a fixed S.
   */
  columnNormalizedParams(flat: ArrayLike<number> = this.p): Float64Array {
    if (!this.learnStoichiometry)
      throw invalidOption('learnStoichiometry', false, 'true (a fixed S has no scale to normalise)');
    const out = Float64Array.from(vecOfLength('params', flat, this.np));
    const n = this.n;
    const nr = this.reactions;
    const L = this.mlp.layers[this.mlp.layers.length - 1];
    for (let j = 0; j < nr; j++) {
      let c = 0;
      for (let i = 0; i < n; i++) c = Math.max(c, Math.abs(out[i * nr + j]));
      if (c === 0) continue;
      for (let i = 0; i < n; i++) out[i * nr + j] /= c;
      const w = this.mlpOffset + L.weightOffset + j * L.inputs;
      for (let q = 0; q < L.inputs; q++) out[w + q] *= c;
      if (L.biasOffset >= 0) out[this.mlpOffset + L.biasOffset + j] *= c;
    }
    return out;
  }

  setParams(flat: ArrayLike<number>): void {
    this.p.set(vecOfLength('params', flat, this.np));
  }

  paramTree(flat: ArrayLike<number> = this.p): RateFlowTree {
    const mlp = this.mlp.tree(flat, this.mlpOffset);
    if (!this.learnStoichiometry) return { mlp };
    return { S: tensor(this.stoichiometry(flat), [this.n, this.reactions]), mlp };
  }

  /** S as a tensor: the tree's `S` when learnable, else the fixed constant. */
  stoichiometryTensor(tree: ParamTree): Tensor {
    const S = (tree as { S?: Tensor }).S;
    return S ?? tensor(this.fixedS as Float64Array, [this.n, this.reactions]);
  }

  /** The reaction rates r(y) on the tensor path (`[reactions]` or `[batch, reactions]`). */
  rates(tree: ParamTree, y: Tensor): Tensor {
    return this.mlp.apply((tree as RateFlowTree).mlp, y);
  }

  vectorField(tree: ParamTree, y: Tensor): Tensor {
    const r = this.rates(tree, y);
    return matmul(r, mT(this.stoichiometryTensor(tree)));
  }

  problem(options: ModelProblemOptions): OdeProblem {
    const n = this.n;
    const nr = this.reactions;
    const off = this.mlpOffset;
    const learn = this.learnStoichiometry;
    const fixed = this.fixedS;
    const k = this.mlp.kernel();
    const rates = new Float64Array(nr);
    const w = new Float64Array(nr);
    const jr = new Float64Array(nr * n);
    const tmp = new Float64Array(nr);
    const S = (p: Float64Array): Float64Array => (learn ? p : (fixed as Float64Array));
    /** out = S·x (species from reaction-space x), S row-major n × nr. */
    const mulS = (out: Float64Array, s: Float64Array, x: Float64Array): void => {
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < nr; j++) acc += s[i * nr + j] * x[j];
        out[i] = acc;
      }
    };
    /** out = Sᵀ·v (reaction-space cotangent of a species-space v). */
    const mulSt = (out: Float64Array, s: Float64Array, v: Float64Array): void => {
      for (let j = 0; j < nr; j++) {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += s[i * nr + j] * v[i];
        out[j] = acc;
      }
    };
    return {
      y0: vecOfLength('y0', options.y0, n),
      t0: options.t0,
      t1: options.t1,
      p: options.p ? vecOfLength('p', options.p, this.np) : Float64Array.from(this.p),
      rhs: (_t, y, p, dydt) => {
        k.forward(rates, p, off, y);
        mulS(dydt, S(p), rates);
      },
      jacobian: (_t, y, p, J) => {
        k.forward(rates, p, off, y);
        k.jacobian(jr, p, off);
        const s = S(p);
        for (let i = 0; i < n; i++)
          for (let c = 0; c < n; c++) {
            let acc = 0;
            for (let j = 0; j < nr; j++) acc += s[i * nr + j] * jr[j * n + c];
            J[i * n + c] = acc;
          }
      },
      vjp: (_t, y, p, v, outY, outP) => {
        k.forward(rates, p, off, y);
        mulSt(w, S(p), v);
        k.vjp(outY, outP, p, off, w, off);
        if (learn)
          for (let i = 0; i < n; i++) for (let j = 0; j < nr; j++) outP[i * nr + j] = v[i] * rates[j];
      },
      // state-only VJP for adjoint stages: skips the parameter part of the backward pass
      vjpY: (_t, y, p, v, outY) => {
        k.forward(rates, p, off, y);
        mulSt(w, S(p), v);
        k.vjp(outY, null, p, off, w, off);
      },
      jvp: (_t, y, p, u, out) => {
        k.forward(rates, p, off, y);
        k.jvp(tmp, p, off, u);
        mulS(out, S(p), tmp);
      },
      tgrad: (_t, _y, _p, out) => {
        out.fill(0, 0, n);
      },
    };
  }

  toJSON(): ModelJson {
    const rows = (m: Float64Array, r: number, c: number): number[][] =>
      Array.from({ length: r }, (_, i) => Array.from(m.subarray(i * c, (i + 1) * c)));
    return {
      format: 'odeon-neural-model',
      version: 1,
      kind: this.kind,
      spec: {
        species: this.n,
        reactions: this.reactions,
        network: mlpNetworkSpec(this.mlp.spec),
        rate: this.rate,
        learnStoichiometry: this.learnStoichiometry,
        ...(this.fixedS ? { stoichiometry: rows(this.fixedS, this.n, this.reactions) } : {}),
        ...(this.conservation
          ? { conservation: rows(this.conservation, this.conservationRows, this.n) }
          : {}),
      },
      params: float64ToBase64(this.p),
      paramsReadable: Array.from(this.p),
    };
  }

  /** Restores a model from {@link RateFlowODE.toJSON} output. */
  static fromJSON(json: ModelJson): RateFlowODE {
    const s = json.spec as unknown as RateFlowOdeOptions & { network: NetworkOptions };
    const { finalActivation: _f, ...network } = s.network;
    return new RateFlowODE({ ...s, network, params: decodeParams(json) });
  }
}
