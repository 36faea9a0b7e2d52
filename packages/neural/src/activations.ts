/**
 * Activation functions of the MLP, in two consistent forms: scalar float64 functions with their
 * derivatives (for the fused kernel) and @odeon/tensor ops (for the differentiable tensor path).
 */
import { OdeonError } from '@odeon/ode';
import {
  celu,
  erfScalar as erf,
  gelu,
  relu,
  sigmoid,
  silu,
  softplus,
  type Tensor,
  tanh,
} from '@odeon/tensor';

/** The activations an MLP layer can use. `identity` is the usual choice for the last layer. */
export type ActivationName = 'identity' | 'tanh' | 'gelu' | 'relu' | 'softplus' | 'celu' | 'silu' | 'sigmoid';

/** Every activation name, for validation and documentation. */
export const ACTIVATIONS: readonly ActivationName[] = [
  'identity',
  'tanh',
  'gelu',
  'relu',
  'softplus',
  'celu',
  'silu',
  'sigmoid',
];

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/** Logistic sigmoid, overflow-safe (the same formula as @odeon/tensor's CPU kernel). */
export function sigmoidScalar(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** softplus(v) = log(1 + eᵛ), overflow-safe (the same formula as @odeon/tensor's CPU kernel). */
export function softplusScalar(v: number): number {
  return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
}

/** The activation `name` at `v`, in float64. */
export function activate(name: ActivationName, v: number): number {
  switch (name) {
    case 'identity':
      return v;
    case 'tanh':
      return Math.tanh(v);
    case 'gelu':
      return 0.5 * v * (1 + erf(v * INV_SQRT2));
    case 'relu':
      return Math.max(v, 0);
    case 'softplus':
      return softplusScalar(v);
    case 'celu':
      return Math.max(v, 0) + Math.min(Math.exp(v) - 1, 0);
    case 'silu':
      return v * sigmoidScalar(v);
    case 'sigmoid':
      return sigmoidScalar(v);
  }
}

/**
 * The derivative of activation `name` at `v`. At the kinks of relu (v = 0) and celu the one-sided
 * value of the tensor path's `maximum`/`minimum` rules is irrelevant in practice; relu uses 0 at 0.
 */
export function activateDerivative(name: ActivationName, v: number): number {
  switch (name) {
    case 'identity':
      return 1;
    case 'tanh': {
      const t = Math.tanh(v);
      return 1 - t * t;
    }
    case 'gelu':
      return 0.5 * (1 + erf(v * INV_SQRT2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
    case 'relu':
      return v > 0 ? 1 : 0;
    case 'softplus':
      return sigmoidScalar(v);
    case 'celu':
      return v > 0 ? 1 : Math.exp(v);
    case 'silu': {
      const s = sigmoidScalar(v);
      return s * (1 + v * (1 - s));
    }
    case 'sigmoid': {
      const s = sigmoidScalar(v);
      return s * (1 - s);
    }
  }
}

/** Writes activation `name` of `z[0..len)` into `out` and returns `out` (one dispatch per call, not per element). */
export function activateInto(
  out: Float64Array,
  name: ActivationName,
  z: Float64Array,
  len: number,
): Float64Array {
  switch (name) {
    case 'identity':
      for (let i = 0; i < len; i++) out[i] = z[i];
      return out;
    case 'tanh':
      for (let i = 0; i < len; i++) out[i] = Math.tanh(z[i]);
      return out;
    case 'relu':
      for (let i = 0; i < len; i++) out[i] = Math.max(z[i], 0);
      return out;
    default:
      for (let i = 0; i < len; i++) out[i] = activate(name, z[i]);
      return out;
  }
}

/** Writes the derivative of activation `name` at `z[0..len)` into `out` and returns `out`. */
export function activateDerivativeInto(
  out: Float64Array,
  name: ActivationName,
  z: Float64Array,
  len: number,
): Float64Array {
  switch (name) {
    case 'identity':
      out.fill(1, 0, len);
      return out;
    case 'tanh':
      for (let i = 0; i < len; i++) {
        const t = Math.tanh(z[i]);
        out[i] = 1 - t * t;
      }
      return out;
    default:
      for (let i = 0; i < len; i++) out[i] = activateDerivative(name, z[i]);
      return out;
  }
}

/** The activation `name` applied elementwise to a tensor (differentiable to any order). */
export function activateTensor(name: ActivationName, x: Tensor): Tensor {
  switch (name) {
    case 'identity':
      return x;
    case 'tanh':
      return tanh(x);
    case 'gelu':
      return gelu(x);
    case 'relu':
      return relu(x);
    case 'softplus':
      return softplus(x);
    case 'celu':
      return celu(x);
    case 'silu':
      return silu(x);
    case 'sigmoid':
      return sigmoid(x);
  }
}

/** Throws `InvalidOption` unless `name` is an activation. */
export function checkActivation(option: string, name: unknown): ActivationName {
  if (typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name))
    return name as ActivationName;
  throw new OdeonError('InvalidOption', `Unknown activation ${JSON.stringify(name)} for ${option}.`, {
    option,
    value: name,
    allowed: ACTIVATIONS.join(', '),
    hint: 'Pick one of the listed activations.',
  });
}
