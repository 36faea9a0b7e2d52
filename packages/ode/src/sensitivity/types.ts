/** Public types of `gradient()`. */
import type { MethodName } from '../solve-options.ts';
import type { Solver } from '../solvers/solver-values.ts';
import type { OdeEvent, SolveStats, Vec } from '../types.ts';
import type { DerivativeReport } from './derivatives.ts';

/** How the gradient is computed. See the README's "Gradients" section for when to use which. */
export type SensitivityKind = 'quadrature' | 'interpolating' | 'backsolve' | 'forward' | 'discrete';

/**
 * The integrator of `gradient`: every adaptive method of `solve`. The forward pass of `quadrature`,
 * `backsolve` and `discrete` (Rosenbrock) is `solve` itself with this method; the backward solves, and
 * `forward`, `interpolating` and `discrete` with `dopri5`, run the gradient code's steppers, which exist
 * for `rodas5p`, `rodas4` and `dopri5` (the other methods are accepted by `quadrature` and `backsolve`).
 */
export type GradientMethod = Exclude<MethodName, 'euler' | 'midpoint' | 'rk4'>;

/**
 * A loss on the solution at the observation times: L = Σ_i value(i, t_i, y(t_i)).
 * `grad` writes ∂value/∂y (length n) into `out` (a callback, so `out` comes last as in `rhs`).
 */
export interface GradientLoss {
  value(i: number, t: number, y: Vec): number;
  grad(i: number, t: number, y: Vec, out: Vec): void;
}

/** An optional running cost ∫_{t0}^{t1} q(t, y) dt added to the loss (adjoint methods only). */
export interface IntegralLoss {
  value(t: number, y: Vec): number;
  grad(t: number, y: Vec, out: Vec): void;
}

/** The sensitivity method of `gradient` (`quadrature`, `interpolating`, `forward`, `backsolve` or `discrete`) and its checkpointing bounds. */
export interface SensitivityOptions {
  readonly kind: SensitivityKind;
  /**
   * Bound on stored states: `interpolating` and `discrete` keep at most this many checkpoints
   * (default: 32 for `interpolating`; for `discrete` every step while the records fit in 32 MB, else
   * √(2N)). For `discrete` a given K also bounds the steps recomputed at once (longer segments are
   * reversed by bisection: O(K·n) memory, O(N·log(N/K)) recomputed steps). `Infinity` keeps every step
   * (for `discrete`: every step's stages, so nothing is recomputed).
   */
  readonly checkpoints?: number;
  /**
   * `interpolating` only: keep a checkpoint every this many accepted steps instead (CVODES' `Nd`; no
   * bound on their number). Exclusive with `checkpoints`.
   */
  readonly checkpointEvery?: number;
}

/** Options of `gradient`: integrator, tolerances, observation times, the loss and the sensitivity method. */
export interface GradientOptions {
  /** Integrator (default `rodas5p`), for the forward solve and every backward or sensitivity solve. */
  readonly method?: GradientMethod | Solver;
  readonly rtol?: number;
  /** Absolute tolerance, scalar or per component (as `solve`). */
  readonly atol?: number | ArrayLike<number>;
  /** Initial step size (as `solve`; default Hairer's selection). */
  readonly dt0?: number;
  /** Largest allowed step (as `solve`). */
  readonly dtMax?: number;
  /**
   * Times the integration must land on (dosing times, discontinuities of the right-hand side), as
   * `solve`'s `tstops`: the gradient restarts there.
   */
  readonly tstops?: ArrayLike<number>;
  /**
   * Events, as `solve`'s: state- or time-dependent conditions, `affect`s that jump y and p, terminal
   * events. The gradient includes the event-time sensitivity (the jump conditions); observations after
   * a terminal event read the final state.
   */
  readonly events?: readonly OdeEvent[];
  /** Observation times t_i, non-decreasing, within [t0, t1] (default: [t1]). */
  readonly saveAt?: ArrayLike<number>;
  readonly loss: GradientLoss;
  readonly integral?: IntegralLoss;
  /** Default: `{ kind: 'quadrature' }`. */
  readonly sensitivity?: SensitivityOptions;
  /** Relative tolerance of the backward (adjoint) solve; default `rtol`. */
  readonly adjointRtol?: number;
  /**
   * Absolute tolerance of the adjoint λ; default adjointRtol·max_i‖∂g_i/∂y‖∞. Lower it when λ decays
   * by orders of magnitude backward (e.g. a single late observation of a stiff system).
   */
  readonly adjointAtol?: number;
  /** Step limit per integration (default 1e6). */
  readonly maxSteps?: number;
}

/** Work counters of a `gradient` call: forward and backward solve statistics, stored states, the largest LU formed, and derivative sources. */
export interface GradientStats {
  readonly forward: SolveStats;
  readonly backward: SolveStats;
  /** State-sized vectors held in memory at the peak (dense-output coefficients, checkpoints, observations). */
  readonly storedStates: number;
  /** Largest linear system factorised (always n: parameters never enter an implicit solve). */
  readonly maxLuSize: number;
  /** Checkpoints kept (`interpolating`, `discrete`). */
  readonly checkpoints: number;
  /** Accepted steps of the forward solve (`discrete`: the differentiated step sequence). */
  readonly forwardSteps: number;
  /**
   * Sum over backward steps of the Kronrod − Gauss estimate of the parameter integral (|K7 − G3|, or
   * |K15 − G7| on steps where K7 failed its test) (`quadrature`, `interpolating`).
   */
  readonly quadratureError: number;
  /** Where each derivative came from, and the cost of finite-difference fallbacks. */
  readonly derivatives: DerivativeReport;
}

/** The result of `gradient`: the loss value, dL/dp, dL/dy0 and the work counters. */
export interface GradientResult {
  /** The loss L. */
  readonly value: number;
  /** dL/dp (length np). */
  readonly dp: Vec;
  /** dL/dy0 (length n). */
  readonly dy0: Vec;
  readonly stats: GradientStats;
  readonly sensitivity: SensitivityKind;
  readonly method: GradientMethod;
}
