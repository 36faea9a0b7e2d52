/**
 * Regularisers of the vector field's Jacobian J = ∂f/∂y at given states (Finlay et al. 2020, "How to
 * train your neural ODE"; Josias & Brink 2022, "Jacobian norm regularisation and conditioning in neural
 * ODEs"). Each is a mean over the m states in `context.states`. Their parameter gradients contain
 * derivatives of a VJP/JVP (second order), which @odeon/tensor differentiates exactly.
 */

import type { OdeModel, ParamTree, UniversalODE } from '@odeon/neural';
import { invalidOption } from '@odeon/ode';
import { div, flatten, jvp, mul, Rng, sum, sumSquares, type Tensor, tensor, vjp } from '@odeon/tensor';
import { statesTensor, sumAll } from './internal/model-parts.ts';
import { smallSvd } from './internal/svd.ts';
import type { PenaltyContext, PenaltyFn } from './penalty.ts';

/**
 * The field a Jacobian penalty differentiates: `vectorField` for NeuralODE and RateFlowODE, and the
 * neural residual (`residualField`) for UniversalODE, whose SBML part has no tensor form.
 */
export function penaltyField(model: OdeModel, tree: ParamTree, y: Tensor, t: number): Tensor {
  if (model.kind === 'universal-ode') return (model as UniversalODE).residualField(tree, y);
  return model.vectorField(tree, y, t);
}

function oneHotColumns(m: number, n: number, i: number): Tensor {
  const e = new Float64Array(m * n);
  for (let k = 0; k < m; k++) e[k * n + i] = 1;
  return tensor(e, [m, n]);
}

/** Dense Jacobians (m × n × n, row-major per point) as constants, from a detached copy of the tree. */
function constantJacobians(
  model: OdeModel,
  tree: ParamTree,
  Y: Tensor,
  m: number,
  n: number,
  t: number,
): Float64Array {
  const detached = model.paramTree(flatten(tree));
  const pull = vjp((yy: Tensor) => penaltyField(model, detached, yy, t), Y).vjp;
  const J = new Float64Array(m * n * n);
  for (let i = 0; i < n; i++) {
    const row = pull(oneHotColumns(m, n, i)).toFloat64();
    for (let k = 0; k < m; k++) for (let j = 0; j < n; j++) J[k * n * n + i * n + j] = row[k * n + j];
  }
  return J;
}

/** Σ_k u_kᵀ J_k v_k as a differentiable scalar (J applied through a JVP: second order in the parameters). */
function bilinear(
  model: OdeModel,
  tree: ParamTree,
  Y: Tensor,
  U: Float64Array,
  V: Float64Array,
  t: number,
): Tensor {
  const shape = Y.shape;
  const Jv = jvp((yy: Tensor) => penaltyField(model, tree, yy, t), Y, tensor(V, shape)).tangent;
  return sum(mul(tensor(U, shape), Jv), 1);
}

/** Options of {@link jacobianFrobenius}. */
export interface FrobeniusOptions {
  /** `exact` (n VJPs), `hutchinson` (one VJP per probe, unbiased), or `auto`: exact for n ≤ 16. Default `auto`. */
  readonly method?: 'auto' | 'exact' | 'hutchinson';
  /** Rademacher probes of the Hutchinson estimate. Default 1 (as Finlay et al.). */
  readonly probes?: number;
}

/**
 * Frobenius norm: (1/m) Σ_k ‖J(y_k)‖_F². Exact via n VJPs ‖J‖_F² = Σ_i ‖e_iᵀJ‖², or Hutchinson's
 * unbiased estimate E‖εᵀJ‖² with Rademacher ε (seeded by `context.seed`).
 */
export function jacobianFrobenius(options: FrobeniusOptions = {}): PenaltyFn {
  const method = options.method ?? 'auto';
  if (!['auto', 'exact', 'hutchinson'].includes(method))
    throw invalidOption('method', method, "'auto', 'exact' or 'hutchinson'");
  const probes = options.probes ?? 1;
  if (!Number.isInteger(probes) || probes < 1) throw invalidOption('probes', probes, 'an integer ≥ 1');
  return (tree, model, context) => {
    const n = model.n;
    const { Y, m } = statesTensor(context.states, n, 'jacobianFrobenius');
    const t = context.t ?? 0;
    const pull = vjp((yy: Tensor) => penaltyField(model, tree, yy, t), Y).vjp;
    const exact = method === 'exact' || (method === 'auto' && n <= 16);
    const terms: Tensor[] = [];
    if (exact) for (let i = 0; i < n; i++) terms.push(sumSquares(pull(oneHotColumns(m, n, i))));
    else {
      const rng = new Rng(context.seed ?? 0);
      for (let r = 0; r < probes; r++) {
        const eps = new Float64Array(m * n);
        for (let i = 0; i < eps.length; i++) eps[i] = rng.uniform() < 0.5 ? -1 : 1;
        terms.push(div(sumSquares(pull(tensor(eps, [m, n]))), probes));
      }
    }
    return div(sumAll(terms), m);
  };
}

/** Options of the spectral-norm and condition-number penalties. */
export interface SpectralOptions {
  /** `dense`: SVD of the n×n Jacobian; `power`: power iteration with JVP/VJP; `auto`: dense for n ≤ 50. */
  readonly method?: 'auto' | 'dense' | 'power';
  /** Power iterations (method `power`). Default 50. */
  readonly iterations?: number;
}

function resolveSpectral(options: SpectralOptions): {
  method: 'auto' | 'dense' | 'power';
  iterations: number;
} {
  const method = options.method ?? 'auto';
  if (!['auto', 'dense', 'power'].includes(method))
    throw invalidOption('method', method, "'auto', 'dense' or 'power'");
  const iterations = options.iterations ?? 50;
  if (!Number.isInteger(iterations) || iterations < 1)
    throw invalidOption('iterations', iterations, 'an integer ≥ 1');
  return { method, iterations };
}

/** Leading (or, with `shift`, trailing) singular pairs by power iteration on JᵀJ (or shift·I − JᵀJ). */
function powerPairs(
  model: OdeModel,
  tree: ParamTree,
  Y: Tensor,
  m: number,
  n: number,
  t: number,
  iterations: number,
  seed: number,
  shift: Float64Array | null,
): { U: Float64Array; V: Float64Array } {
  const detached = model.paramTree(flatten(tree));
  const f = (yy: Tensor) => penaltyField(model, detached, yy, t);
  const pull = vjp(f, Y).vjp;
  const rng = new Rng(seed + 104729);
  let V: Float64Array = Float64Array.from({ length: m * n }, () => rng.normalPaired());
  const normalise = (X: Float64Array): Float64Array => {
    for (let k = 0; k < m; k++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += X[k * n + j] ** 2;
      const r = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let j = 0; j < n; j++) X[k * n + j] *= r;
    }
    return X;
  };
  normalise(V);
  for (let it = 0; it < iterations; it++) {
    const Jv = jvp(f, Y, tensor(V, [m, n])).tangent;
    const JtJv = pull(Jv).toFloat64();
    if (shift)
      for (let k = 0; k < m; k++)
        for (let j = 0; j < n; j++) JtJv[k * n + j] = shift[k] * V[k * n + j] - JtJv[k * n + j];
    V = normalise(JtJv);
  }
  const U = normalise(jvp(f, Y, tensor(V, [m, n])).tangent.toFloat64());
  return { U, V };
}

/**
 * Spectral norm: (1/m) Σ_k σ_max(J(y_k)). σ_max is evaluated as u₁ᵀ J v₁ with the singular vectors held
 * constant, whose parameter gradient u₁ᵀ (∂J) v₁ is the exact derivative of a simple singular value.
 */
export function jacobianSpectral(options: SpectralOptions = {}): PenaltyFn {
  const { method, iterations } = resolveSpectral(options);
  return (tree, model, context) => {
    const n = model.n;
    const { Y, m } = statesTensor(context.states, n, 'jacobianSpectral');
    const t = context.t ?? 0;
    let U: Float64Array;
    let V: Float64Array;
    if (method === 'dense' || (method === 'auto' && n <= 50)) {
      const J = constantJacobians(model, tree, Y, m, n, t);
      U = new Float64Array(m * n);
      V = new Float64Array(m * n);
      for (let k = 0; k < m; k++) {
        const d = smallSvd(J.subarray(k * n * n, (k + 1) * n * n), n);
        for (let i = 0; i < n; i++) {
          U[k * n + i] = d.u[i * n];
          V[k * n + i] = d.v[i * n];
        }
      }
    } else ({ U, V } = powerPairs(model, tree, Y, m, n, t, iterations, context.seed ?? 0, null));
    return div(sum(bilinear(model, tree, Y, U, V, t)), m);
  };
}

/**
 * Condition number: (1/m) Σ_k σ_max(J_k) / σ_min(J_k), each singular value as uᵀ J v with constant
 * singular vectors (exact first derivatives). Dense SVD for n ≤ 50; otherwise power iteration for
 * σ_max and shifted power iteration on σ_max²·I − JᵀJ for σ_min.
 */
export function jacobianCondition(options: SpectralOptions = {}): PenaltyFn {
  const { method, iterations } = resolveSpectral(options);
  return (tree, model, context) => {
    const n = model.n;
    const { Y, m } = statesTensor(context.states, n, 'jacobianCondition');
    const t = context.t ?? 0;
    const U1 = new Float64Array(m * n);
    const V1 = new Float64Array(m * n);
    const Un = new Float64Array(m * n);
    const Vn = new Float64Array(m * n);
    if (method === 'dense' || (method === 'auto' && n <= 50)) {
      const J = constantJacobians(model, tree, Y, m, n, t);
      for (let k = 0; k < m; k++) {
        const d = smallSvd(J.subarray(k * n * n, (k + 1) * n * n), n);
        for (let i = 0; i < n; i++) {
          U1[k * n + i] = d.u[i * n];
          V1[k * n + i] = d.v[i * n];
          Un[k * n + i] = d.u[i * n + n - 1];
          Vn[k * n + i] = d.v[i * n + n - 1];
        }
      }
    } else {
      const seed = context.seed ?? 0;
      const top = powerPairs(model, tree, Y, m, n, t, iterations, seed, null);
      U1.set(top.U);
      V1.set(top.V);
      const sMax = bilinear(model, model.paramTree(flatten(tree)), Y, top.U, top.V, t).toFloat64();
      const shift = sMax.map((s) => 1.01 * s * s);
      const bottom = powerPairs(model, tree, Y, m, n, t, iterations, seed + 1, shift);
      Un.set(bottom.U);
      Vn.set(bottom.V);
    }
    const sMax = bilinear(model, tree, Y, U1, V1, t);
    const sMin = bilinear(model, tree, Y, Un, Vn, t);
    return div(sum(div(sMax, sMin)), m);
  };
}

/** Kinetic energy (Finlay et al. 2020): (1/m) Σ_k ‖f(y_k)‖². */
export const kineticEnergy: PenaltyFn = (tree, model, context: PenaltyContext) => {
  const { Y, m } = statesTensor(context.states, model.n, 'kineticEnergy');
  return div(sumSquares(penaltyField(model, tree, Y, context.t ?? 0)), m);
};
