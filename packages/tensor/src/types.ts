/** Element type of a tensor's storage: `float64` on the cpu backend, `float32` on wasm. */
export type DType = 'float64' | 'float32';

/** Names of the available backends. */
export type BackendName = 'cpu' | 'wasm';

/** A tensor shape: one non-negative integer per axis; `[]` is a scalar. */
export type Shape = readonly number[];

/**
 * The primitive operations. Every public op is either one of these or a composition of them, so
 * differentiation rules (`rules.ts`) and backend kernels are tables keyed by this union: a missing
 * rule or kernel is a compile error.
 */
export type OpName =
  | 'identity'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'greater'
  | 'greaterEqual'
  | 'less'
  | 'lessEqual'
  | 'equal'
  | 'neg'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'square'
  | 'abs'
  | 'sign'
  | 'tanh'
  | 'sigmoid'
  | 'softplus'
  | 'sin'
  | 'cos'
  | 'erf'
  | 'gelu'
  | 'geluDerivative'
  | 'where'
  | 'sum'
  | 'max'
  | 'reshape'
  | 'transpose'
  | 'broadcastTo'
  | 'slice'
  | 'pad'
  | 'concat'
  | 'gather'
  | 'scatterAdd'
  | 'matmul';

/** Elementwise binary primitives (NumPy broadcasting). */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'greater'
  | 'greaterEqual'
  | 'less'
  | 'lessEqual'
  | 'equal';

/** Elementwise unary primitives. */
export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'square'
  | 'abs'
  | 'sign'
  | 'tanh'
  | 'sigmoid'
  | 'softplus'
  | 'sin'
  | 'cos'
  | 'erf'
  | 'gelu'
  | 'geluDerivative';

type NoAttrs = Readonly<Record<string, never>>;

/** Static attributes of each primitive (shapes are passed separately). */
export interface OpAttrsMap {
  readonly identity: NoAttrs;
  readonly add: NoAttrs;
  readonly sub: NoAttrs;
  readonly mul: NoAttrs;
  readonly div: NoAttrs;
  readonly pow: NoAttrs;
  readonly maximum: NoAttrs;
  readonly minimum: NoAttrs;
  readonly greater: NoAttrs;
  readonly greaterEqual: NoAttrs;
  readonly less: NoAttrs;
  readonly lessEqual: NoAttrs;
  readonly equal: NoAttrs;
  readonly neg: NoAttrs;
  readonly exp: NoAttrs;
  readonly log: NoAttrs;
  readonly log1p: NoAttrs;
  readonly sqrt: NoAttrs;
  readonly square: NoAttrs;
  readonly abs: NoAttrs;
  readonly sign: NoAttrs;
  readonly tanh: NoAttrs;
  readonly sigmoid: NoAttrs;
  readonly softplus: NoAttrs;
  readonly sin: NoAttrs;
  readonly cos: NoAttrs;
  readonly erf: NoAttrs;
  readonly gelu: NoAttrs;
  readonly geluDerivative: NoAttrs;
  readonly where: NoAttrs;
  /** Sorted, unique axes to reduce; `keepDims` keeps them with size 1. */
  readonly sum: { readonly axes: readonly number[]; readonly keepDims: boolean };
  readonly max: { readonly axes: readonly number[]; readonly keepDims: boolean };
  readonly reshape: NoAttrs;
  readonly transpose: { readonly perm: readonly number[] };
  readonly broadcastTo: NoAttrs;
  readonly slice: { readonly begin: readonly number[]; readonly size: readonly number[] };
  /** `before[i]`/`after[i]` zeros added on axis i. */
  readonly pad: { readonly before: readonly number[]; readonly after: readonly number[] };
  readonly concat: { readonly axis: number };
  /** Indices are integers along `axis`; out shape = x.shape[:axis] + [k] + x.shape[axis+1:]. */
  readonly gather: { readonly axis: number; readonly indices: Int32Array };
  /** Adds rows of the input into a zero tensor of `size` along `axis` at `indices` (gather's adjoint). */
  readonly scatterAdd: { readonly axis: number; readonly indices: Int32Array; readonly size: number };
  readonly matmul: NoAttrs;
}

/** Attributes of primitive `K`. */
export type OpAttrs<K extends OpName> = OpAttrsMap[K];
