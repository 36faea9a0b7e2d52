import { invalidOption, OdeonError, rejectUnknownKeys } from '@odeon/ode';
import { decodeArray, encodeArray, type JsonNumber } from '../internal/json-numbers.ts';

/** Adam (Kingma & Ba 2015). */
export interface AdamSpec {
  readonly kind: 'adam';
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Default 1e-8. */
  readonly eps?: number;
}

/** AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019), θ ← θ(1 − lr·λ) − lr·Adam. */
export interface AdamWSpec {
  readonly kind: 'adamw';
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** λ; default 0.01 (PyTorch's default). */
  readonly weightDecay?: number;
}

/** AdaBelief (Zhuang et al. 2020): Adam with the second moment of g − m instead of g. */
export interface AdaBeliefSpec {
  readonly kind: 'adabelief';
  readonly beta1?: number;
  readonly beta2?: number;
  /** Default 1e-16 (the paper's and the reference implementation's). */
  readonly eps?: number;
  /** Decoupled weight decay λ; default 0. */
  readonly weightDecay?: number;
}

/** Plain gradient descent with optional heavy-ball momentum. */
export interface SgdSpec {
  readonly kind: 'sgd';
  /** Default 0. */
  readonly momentum?: number;
}

/** A first-order optimiser, described as plain JSON (stored in strategies and checkpoints). */
export type OptimizerSpec = AdamSpec | AdamWSpec | AdaBeliefSpec | SgdSpec;

/** Names of the first-order optimisers. */
export type OptimizerKind = OptimizerSpec['kind'];

/** JSON-safe optimiser state; `createOptimizer(spec, size, state)` resumes bit-for-bit. */
export interface OptimizerState {
  readonly kind: OptimizerKind;
  /** Number of updates done. */
  readonly step: number;
  /** Named moment vectors, bit-exactly encoded (NaN/±Infinity/−0 as strings). */
  readonly buffers: Readonly<Record<string, readonly JsonNumber[]>>;
}

/** A stateful first-order optimiser over a flat parameter vector. */
export interface Optimizer {
  readonly spec: OptimizerSpec;
  /** Number of parameters. */
  readonly size: number;
  /** Updates done so far. */
  readonly stepCount: number;
  /**
   * One update with learning rate `lr`: writes the new parameters into `out` (which holds the
   * current parameters on entry) and returns it.
   */
  update(out: Float64Array, grad: Float64Array, lr: number): Float64Array;
  /** A JSON-safe snapshot of the state. */
  state(): OptimizerState;
}

function checkBeta(name: string, v: number): number {
  if (!(v >= 0 && v < 1)) throw invalidOption(name, v, 'a number in [0, 1)');
  return v;
}

function checkNonNeg(name: string, v: number): number {
  if (!(v >= 0 && Number.isFinite(v))) throw invalidOption(name, v, 'a finite number ≥ 0');
  return v;
}

/** The keys each optimizer kind takes (anything else is an error, not a silent default). */
const OPTIMIZER_KEYS = {
  adam: ['kind', 'beta1', 'beta2', 'eps'],
  adamw: ['kind', 'beta1', 'beta2', 'eps', 'weightDecay'],
  adabelief: ['kind', 'beta1', 'beta2', 'eps', 'weightDecay'],
  sgd: ['kind', 'momentum'],
} as const;

/** Validates an optimiser spec, filling in defaults (throws `InvalidOption` naming the field). */
export function resolveOptimizerSpec(spec: OptimizerSpec): Required<OptimizerSpec> {
  if (spec === null || typeof spec !== 'object') {
    throw invalidOption('optimizer', spec, '{ kind: "adam" | "adamw" | "adabelief" | "sgd", ... }');
  }
  const keys = OPTIMIZER_KEYS[spec.kind as keyof typeof OPTIMIZER_KEYS];
  if (keys !== undefined) rejectUnknownKeys(spec, keys, `"${spec.kind}" optimizer spec`);
  switch (spec.kind) {
    case 'adam':
      return {
        kind: 'adam',
        beta1: checkBeta('optimizer.beta1', spec.beta1 ?? 0.9),
        beta2: checkBeta('optimizer.beta2', spec.beta2 ?? 0.999),
        eps: checkNonNeg('optimizer.eps', spec.eps ?? 1e-8),
      };
    case 'adamw':
      return {
        kind: 'adamw',
        beta1: checkBeta('optimizer.beta1', spec.beta1 ?? 0.9),
        beta2: checkBeta('optimizer.beta2', spec.beta2 ?? 0.999),
        eps: checkNonNeg('optimizer.eps', spec.eps ?? 1e-8),
        weightDecay: checkNonNeg('optimizer.weightDecay', spec.weightDecay ?? 0.01),
      };
    case 'adabelief':
      return {
        kind: 'adabelief',
        beta1: checkBeta('optimizer.beta1', spec.beta1 ?? 0.9),
        beta2: checkBeta('optimizer.beta2', spec.beta2 ?? 0.999),
        eps: checkNonNeg('optimizer.eps', spec.eps ?? 1e-16),
        weightDecay: checkNonNeg('optimizer.weightDecay', spec.weightDecay ?? 0),
      };
    case 'sgd':
      return { kind: 'sgd', momentum: checkBeta('optimizer.momentum', spec.momentum ?? 0) };
    default:
      throw invalidOption(
        'optimizer.kind',
        (spec as { kind?: unknown }).kind,
        '"adam", "adamw", "adabelief" or "sgd" (L-BFGS is `minimizeLbfgs`)',
      );
  }
}

class AdamFamily implements Optimizer {
  readonly spec: OptimizerSpec;
  readonly size: number;
  private t: number;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly r: Required<AdamSpec> & { weightDecay: number; belief: boolean };

  constructor(spec: OptimizerSpec, size: number, state?: OptimizerState) {
    const r = resolveOptimizerSpec(spec) as Required<AdamSpec | AdamWSpec | AdaBeliefSpec>;
    this.spec = r;
    this.r = {
      kind: 'adam',
      beta1: r.beta1,
      beta2: r.beta2,
      eps: r.eps,
      weightDecay: 'weightDecay' in r ? r.weightDecay : 0,
      belief: r.kind === 'adabelief',
    };
    this.size = size;
    this.t = state?.step ?? 0;
    this.m = state ? restoreBuffer(state, 'm', size) : new Float64Array(size);
    this.v = state ? restoreBuffer(state, 'v', size) : new Float64Array(size);
  }

  get stepCount(): number {
    return this.t;
  }

  update(out: Float64Array, grad: Float64Array, lr: number): Float64Array {
    checkUpdate(out, grad, lr, this.size);
    const { beta1, beta2, eps, weightDecay, belief } = this.r;
    const t = ++this.t;
    const bc1 = 1 - beta1 ** t;
    const bc2 = 1 - beta2 ** t;
    const m = this.m;
    const v = this.v;
    const decay = 1 - lr * weightDecay;
    for (let i = 0; i < out.length; i++) {
      const g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      if (belief) {
        const d = g - m[i];
        v[i] = beta2 * v[i] + (1 - beta2) * d * d + eps;
      } else {
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      }
      const mHat = m[i] / bc1;
      const vHat = v[i] / bc2;
      out[i] = out[i] * decay - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    return out;
  }

  state(): OptimizerState {
    return {
      kind: this.spec.kind,
      step: this.t,
      buffers: { m: encodeArray(this.m), v: encodeArray(this.v) },
    };
  }
}

class Sgd implements Optimizer {
  readonly spec: Required<SgdSpec>;
  readonly size: number;
  private t: number;
  private readonly velocity: Float64Array;

  constructor(spec: SgdSpec, size: number, state?: OptimizerState) {
    this.spec = resolveOptimizerSpec(spec) as Required<SgdSpec>;
    this.size = size;
    this.t = state?.step ?? 0;
    this.velocity = state ? restoreBuffer(state, 'velocity', size) : new Float64Array(size);
  }

  get stepCount(): number {
    return this.t;
  }

  update(out: Float64Array, grad: Float64Array, lr: number): Float64Array {
    checkUpdate(out, grad, lr, this.size);
    this.t++;
    const mu = this.spec.momentum;
    const vel = this.velocity;
    for (let i = 0; i < out.length; i++) {
      vel[i] = mu * vel[i] + grad[i];
      out[i] -= lr * vel[i];
    }
    return out;
  }

  state(): OptimizerState {
    return { kind: 'sgd', step: this.t, buffers: { velocity: encodeArray(this.velocity) } };
  }
}

function checkUpdate(out: Float64Array, grad: Float64Array, lr: number, size: number): void {
  if (out.length !== size || grad.length !== size) {
    throw new OdeonError(
      'ShapeMismatch',
      `Optimizer of ${size} parameters got params of length ${out.length} and grad of length ${grad.length}.`,
    );
  }
  if (!(lr >= 0 && Number.isFinite(lr))) throw invalidOption('lr', lr, 'a finite learning rate ≥ 0');
}

function restoreBuffer(state: OptimizerState, name: string, size: number): Float64Array {
  const raw = state.buffers?.[name];
  let buf: Float64Array;
  try {
    buf = decodeArray(raw);
  } catch {
    throw new OdeonError('CheckpointError', `Optimizer state lacks a valid \`${name}\` buffer.`, {
      element: name,
      hint: 'Resume from a state written by Optimizer.state() for the same optimizer.',
    });
  }
  if (buf.length !== size) {
    throw new OdeonError(
      'CheckpointError',
      `Optimizer state buffer \`${name}\` has ${buf.length} entries for ${size} parameters.`,
      { element: name, hint: 'The checkpoint belongs to a model with a different number of parameters.' },
    );
  }
  return buf;
}

/**
 * Creates an optimiser for `size` parameters, optionally resuming from `state`
 * (`Optimizer.state()`), after which updates continue bit-for-bit.
 */
export function createOptimizer(spec: OptimizerSpec, size: number, state?: OptimizerState): Optimizer {
  if (!Number.isInteger(size) || size < 0) throw invalidOption('size', size, 'a non-negative integer');
  const resolved = resolveOptimizerSpec(spec);
  if (state !== undefined) {
    if (state === null || typeof state !== 'object' || state.kind !== resolved.kind) {
      throw new OdeonError(
        'CheckpointError',
        `Optimizer state of kind ${JSON.stringify((state as { kind?: unknown } | null)?.kind)} cannot resume a ${resolved.kind} optimizer.`,
        { hint: 'Resume with the optimizer the state was saved from.' },
      );
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new OdeonError('CheckpointError', 'Optimizer state has an invalid step count.', {
        value: state.step,
      });
    }
  }
  return resolved.kind === 'sgd' ? new Sgd(resolved, size, state) : new AdamFamily(resolved, size, state);
}
