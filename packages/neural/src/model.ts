/** The contract shared by NeuralODE, RateFlowODE and UniversalODE. */
import type { OdeProblem } from '@odeon/ode';
import type { Tensor, Tree } from '@odeon/tensor';

/** Which model class a JSON document or an object is. */
export type ModelKind = 'neural-ode' | 'rate-flow-ode' | 'universal-ode';

/** A model's parameter tree: plain objects/arrays of tensors whose `flatten` is the flat vector `p`. */
export type ParamTree = { readonly [key: string]: Tree };

/** Options of `model.problem(...)`. */
export interface ModelProblemOptions {
  readonly y0: ArrayLike<number>;
  readonly t0: number;
  readonly t1: number;
  /** Flat parameters (default: a copy of the model's current `p`). */
  readonly p?: ArrayLike<number>;
}

/** JSON form of a model: architecture plus bit-exact parameters. */
export interface ModelJson {
  readonly format: 'odeon-neural-model';
  readonly version: 1;
  readonly kind: ModelKind;
  /** Architecture and fixed data (kind-specific). */
  readonly spec: Record<string, unknown>;
  /** The flat parameters, little-endian IEEE 754 doubles in base64 (bit-exact, including −0 and NaN). */
  readonly params: string;
  /** The same parameters as decimal numbers, for reading (ignored on load). */
  readonly paramsReadable?: readonly number[];
}

/**
 * A trainable ODE model dy/dt = f(t, y; p) with a flat float64 parameter vector `p`.
 *
 * - `p` is the model's current parameters; `setParams` copies new values in (optimisers do this).
 * - `paramTree(flat?)` is the same vector as a tensor tree (`flatten(paramTree(p))` equals `p`), for
 *   penalties and any differentiable code; `vectorField(tree, y, t)` evaluates f on that path.
 * - `problem(...)` is the allocation-free `@odeon/ode` problem (rhs, jacobian, vjp w.r.t. y and p,
 *   jvp, tgrad) used by solvers and adjoint gradients, with `p` as the ODE parameter vector.
 */
export interface OdeModel {
  readonly kind: ModelKind;
  /** Number of states. */
  readonly n: number;
  /** Number of flat parameters. */
  readonly np: number;
  /** Current flat parameters (owned by the model; copy before keeping). */
  readonly p: Float64Array;
  /** Copies `flat` (length `np`) into the model's parameters. */
  setParams(flat: ArrayLike<number>): void;
  /** The tensor tree of `flat` (default: the current parameters). */
  paramTree(flat?: ArrayLike<number>): ParamTree;
  /** The vector field on the differentiable tensor path; `y` has shape `[n]` or `[batch, n]`. */
  vectorField(tree: ParamTree, y: Tensor, t?: number): Tensor;
  /** An `@odeon/ode` problem over [t0, t1] (a fresh workspace per problem; no allocation per call). */
  problem(options: ModelProblemOptions): OdeProblem;
  /** JSON form (bit-exact parameters); `modelFromJson` restores it. */
  toJSON(): ModelJson;
}
