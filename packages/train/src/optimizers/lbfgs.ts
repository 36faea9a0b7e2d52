import { invalidOption, OdeonError } from '@odeon/ode';
import { decodeArray, encodeArray, type JsonNumber } from '../internal/json-numbers.ts';
import { norm2 } from './clip.ts';
import { type ValueAndGrad, wolfeLineSearch } from './line-search.ts';

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Number of correction pairs kept; default 10. */
  readonly memory?: number;
  /** Iteration limit; default 1000. */
  readonly maxIterations?: number;
  /**
   * Stop when the relative gradient max_i |∂f/∂x_i|·max(|x_i|, 1) ≤ gradTol · max(|f|, |f₀|) (f₀ the
   * value at the start), so the test does not depend on the units of f; default 1e-10.
   */
  readonly gradTol?: number;
  /**
   * Stop when the decrease the quasi-Newton model predicts for a full step, ½ ∇fᵀH∇f, is at most
   * decreaseTol · max(|f|, |f₀|): at a minimum with a non-zero loss it vanishes, and for an exact fit
   * it tracks f, so this holds once the loss fell by that factor. Invariant to the scale of f and
   * of x; needs one curvature pair. Default 1e-20.
   */
  readonly decreaseTol?: number;
  /**
   * When the line search cannot lower f although the predicted decrease is at most
   * noiseTol · max(|f|, |f₀|), f is at the floor of its own evaluation error (an ODE solution's error
   * under an exact fit): stop as converged (`noiseFloor`) instead of `lineSearchFailed`. Default 1e-10.
   */
  readonly noiseTol?: number;
  /** Stop (stagnation) when |f_k − f_{k+1}| ≤ fTol · max(|f_k|, |f_{k+1}|); default 1e-15. */
  readonly fTol?: number;
  /** Sufficient-decrease constant c₁; default 1e-4. */
  readonly c1?: number;
  /** Curvature constant c₂; default 0.9 (quasi-Newton). */
  readonly c2?: number;
  /** Function evaluations per line search; default 30. */
  readonly maxLineSearch?: number;
  /** Called after every iteration; return `false` to stop. */
  readonly onIteration?: (info: {
    readonly iteration: number;
    readonly value: number;
    readonly gradNorm: number;
    /** The current iterate (do not modify; copy it to keep it). */
    readonly x: Float64Array;
  }) => unknown;
}

const LBFGS_DEFAULTS = {
  memory: 10,
  maxIterations: 1000,
  gradTol: 1e-10,
  decreaseTol: 1e-20,
  noiseTol: 1e-10,
  fTol: 1e-15,
  c1: 1e-4,
  c2: 0.9,
  maxLineSearch: 30,
  onIteration: () => true,
} as const satisfies Required<LbfgsOptions>;

/** Why L-BFGS stopped. */
export type LbfgsReason =
  | 'gradientTolerance'
  | 'decreaseTolerance'
  | 'noiseFloor'
  | 'functionTolerance'
  | 'maxIterations'
  | 'lineSearchFailed'
  | 'stoppedByCallback';

/** The reasons that mean a tolerance was met (`LbfgsResult.converged`). */
export const LBFGS_CONVERGED: ReadonlySet<LbfgsReason> = new Set<LbfgsReason>([
  'gradientTolerance',
  'decreaseTolerance',
  'noiseFloor',
  'functionTolerance',
]);

/** Result of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly grad: Float64Array;
  readonly iterations: number;
  readonly evaluations: number;
  /** True when a tolerance was met (not the iteration limit or a failed line search). */
  readonly converged: boolean;
  readonly reason: LbfgsReason;
}

/** JSON-safe L-BFGS state (`Lbfgs.state()`); resuming continues bit-for-bit. */
export interface LbfgsState {
  readonly kind: 'lbfgs';
  readonly iteration: number;
  readonly evaluations: number;
  readonly x: readonly JsonNumber[];
  readonly value: JsonNumber;
  /** The value at the start (the scale of the relative tests); older states lack it. */
  readonly initialValue?: JsonNumber;
  readonly grad: readonly JsonNumber[];
  readonly s: readonly (readonly JsonNumber[])[];
  readonly y: readonly (readonly JsonNumber[])[];
}

/**
 * Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) with the two-loop recursion, the scaling
 * H₀ = (sᵀy / yᵀy) I, and a strong-Wolfe line search, for small smooth problems such as
 * mechanistic parameter fits. Stateful and serialisable: `step()` does one iteration; `state()`
 * can be saved and passed back to the constructor to continue bit-for-bit.
 *
 * Hand-written: no maintained float64 L-BFGS for the browser with a resumable state exists.
 */
export class Lbfgs {
  private readonly f: (x: Float64Array) => ValueAndGrad;
  private readonly o: Required<LbfgsOptions>;
  private x: Float64Array;
  private value: number;
  private readonly initialValue: number;
  private grad: Float64Array;
  private s: Float64Array[] = [];
  private y: Float64Array[] = [];
  private iteration = 0;
  private evaluations = 0;
  private lastReason: LbfgsReason | undefined;

  constructor(
    f: (x: Float64Array) => ValueAndGrad,
    x0: ArrayLike<number>,
    options: LbfgsOptions = {},
    state?: LbfgsState,
  ) {
    this.f = f;
    this.o = { ...LBFGS_DEFAULTS, ...options };
    const o = this.o;
    if (!Number.isInteger(o.memory) || o.memory < 1)
      throw invalidOption('memory', o.memory, 'an integer ≥ 1');
    if (!(o.c1 > 0 && o.c1 < o.c2 && o.c2 < 1)) {
      throw invalidOption('c1, c2', [o.c1, o.c2], '0 < c1 < c2 < 1');
    }
    if (state !== undefined) {
      if (state?.kind !== 'lbfgs') throw new OdeonError('CheckpointError', 'Not an L-BFGS state.');
      this.x = decodeArray(state.x);
      this.grad = decodeArray(state.grad);
      this.value = decodeArray([state.value])[0];
      this.initialValue =
        state.initialValue === undefined ? this.value : decodeArray([state.initialValue])[0];
      this.s = state.s.map(decodeArray);
      this.y = state.y.map(decodeArray);
      this.iteration = state.iteration;
      this.evaluations = state.evaluations;
      return;
    }
    this.x = Float64Array.from(x0);
    const r = this.evaluate(this.x);
    if (!Number.isFinite(r.value) || !r.grad.every(Number.isFinite)) {
      throw new OdeonError('TrainingDiverged', 'The objective is not finite at the starting point.', {
        value: r.value,
        hint: 'Start from parameters where the model can be evaluated.',
      });
    }
    this.value = r.value;
    this.initialValue = r.value;
    this.grad = Float64Array.from(r.grad);
  }

  private evaluate(x: Float64Array): ValueAndGrad {
    this.evaluations++;
    const r = this.f(x);
    if (r.grad.length !== x.length) {
      throw new OdeonError(
        'ShapeMismatch',
        `The objective returned a gradient of length ${r.grad.length} for ${x.length} parameters.`,
      );
    }
    return r;
  }

  /** Current iterate, value and gradient (copies). */
  current(): { readonly x: Float64Array; readonly value: number; readonly grad: Float64Array } {
    return { x: this.x.slice(), value: this.value, grad: this.grad.slice() };
  }

  /** Performs one iteration. Returns the stopping reason if it should stop, else undefined. */
  step(): LbfgsReason | undefined {
    const o = this.o;
    const fScale = Math.max(Math.abs(this.value), Math.abs(this.initialValue));
    let gRel = 0;
    for (let i = 0; i < this.grad.length; i++)
      gRel = Math.max(gRel, Math.abs(this.grad[i]) * Math.max(Math.abs(this.x[i]), 1));
    if (gRel <= o.gradTol * fScale) return (this.lastReason = 'gradientTolerance');
    if (this.iteration >= o.maxIterations) return (this.lastReason = 'maxIterations');
    const n = this.x.length;
    // Two-loop recursion: d = −H ∇f.
    const q = this.grad.slice();
    const k = this.s.length;
    const alpha = new Float64Array(k);
    const rho = new Float64Array(k);
    for (let j = k - 1; j >= 0; j--) {
      rho[j] = 1 / dot(this.y[j], this.s[j]);
      alpha[j] = rho[j] * dot(this.s[j], q);
      axpy(q, -alpha[j], this.y[j]);
    }
    let gamma = 1;
    if (k > 0) gamma = dot(this.s[k - 1], this.y[k - 1]) / dot(this.y[k - 1], this.y[k - 1]);
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let j = 0; j < k; j++) {
      const beta = rho[j] * dot(this.y[j], q);
      axpy(q, alpha[j] - beta, this.s[j]);
    }
    const d = q;
    for (let i = 0; i < n; i++) d[i] = -d[i];
    let slope = dot(this.grad, d);
    // −slope = ∇fᵀH∇f: twice the decrease the quasi-Newton model predicts for the full step.
    if (k > 0 && slope < 0 && -slope / 2 <= o.decreaseTol * fScale)
      return (this.lastReason = 'decreaseTolerance');
    if (!(slope < 0)) {
      // Not a descent direction (should not happen with positive curvature pairs): restart.
      this.s = [];
      this.y = [];
      for (let i = 0; i < n; i++) d[i] = -this.grad[i];
      slope = dot(this.grad, d);
    }
    const alpha1 = this.s.length === 0 ? Math.min(1, 1 / norm2(this.grad)) : 1;
    const ls = wolfeLineSearch((x) => this.evaluate(x), this.x, this.value, this.grad, d, alpha1, {
      c1: o.c1,
      c2: o.c2,
      maxEvaluations: o.maxLineSearch,
      alphaMax: 1e10,
    });
    if (!ls.ok) {
      if (k > 0 && -slope / 2 <= o.noiseTol * fScale) return (this.lastReason = 'noiseFloor');
      if (this.s.length > 0) {
        // Drop the curvature memory and retry along steepest descent next time.
        this.s = [];
        this.y = [];
        this.iteration++;
        return undefined;
      }
      return (this.lastReason = 'lineSearchFailed');
    }
    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sNew[i] = ls.x[i] - this.x[i];
      yNew[i] = ls.grad[i] - this.grad[i];
    }
    const fOld = this.value;
    this.x = ls.x;
    this.value = ls.value;
    this.grad = Float64Array.from(ls.grad);
    this.iteration++;
    const sy = dot(sNew, yNew);
    if (sy > 1e-12 * norm2(sNew) * norm2(yNew)) {
      this.s.push(sNew);
      this.y.push(yNew);
      if (this.s.length > o.memory) {
        this.s.shift();
        this.y.shift();
      }
    }
    const cont = o.onIteration({
      iteration: this.iteration,
      value: this.value,
      gradNorm: norm2(this.grad),
      x: this.x,
    });
    if (cont === false) return (this.lastReason = 'stoppedByCallback');
    if (Math.abs(fOld - this.value) <= o.fTol * Math.max(Math.abs(fOld), Math.abs(this.value))) {
      return (this.lastReason = 'functionTolerance');
    }
    return undefined;
  }

  /** Iterates until a stopping rule holds. */
  run(): LbfgsResult {
    let reason: LbfgsReason | undefined;
    while ((reason = this.step()) === undefined) {
      /* iterate */
    }
    return this.result(reason);
  }

  private result(reason: LbfgsReason): LbfgsResult {
    return {
      x: this.x.slice(),
      value: this.value,
      grad: this.grad.slice(),
      iterations: this.iteration,
      evaluations: this.evaluations,
      converged: LBFGS_CONVERGED.has(reason),
      reason,
    };
  }

  /** The reason of the last stop, if any. */
  get reason(): LbfgsReason | undefined {
    return this.lastReason;
  }

  /** A JSON-safe snapshot; `new Lbfgs(f, x0, options, state)` resumes from it. */
  state(): LbfgsState {
    return {
      kind: 'lbfgs',
      iteration: this.iteration,
      evaluations: this.evaluations,
      x: encodeArray(this.x),
      value: encodeArray([this.value])[0],
      initialValue: encodeArray([this.initialValue])[0],
      grad: encodeArray(this.grad),
      s: this.s.map(encodeArray),
      y: this.y.map(encodeArray),
    };
  }
}

/**
 * Minimises a smooth function with L-BFGS. `f(x)` returns the value and gradient; `x0` is not
 * modified.
 *
 * ```ts
 * const r = minimizeLbfgs((x) => ({ value: x[0] ** 2, grad: Float64Array.of(2 * x[0]) }), [3]);
 * ```
 */
export function minimizeLbfgs(
  f: (x: Float64Array) => ValueAndGrad,
  x0: ArrayLike<number>,
  options: LbfgsOptions = {},
): LbfgsResult {
  return new Lbfgs(f, x0, options).run();
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(out: Float64Array, a: number, x: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] += a * x[i];
  return out;
}
