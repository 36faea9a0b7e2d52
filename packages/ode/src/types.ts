/**
 * The problem and solution contract of `@odeon/ode`. Other packages (sbml, tensor, neural, train)
 * produce `OdeProblem`s and consume `Solution`s, so these names are stable.
 */

import type { Vec } from '@odeon/core';
import type { SparsityPattern } from './linalg/sparsity.ts';

export type { Vec };

/** dy/dt = rhs(t, y, p), written into `dydt` (the mutation rule: output first... here last, as in SciML/CVODE). */
export type RhsFunction = (t: number, y: Vec, p: Vec, dydt: Vec) => void;

/** Row-major n×n Jacobian ∂f/∂y written into `J` (length n*n). */
export type JacobianFunction = (t: number, y: Vec, p: Vec, J: Vec) => void;

/**
 * The structural non-zeros of ∂f/∂y written into `values` (length nnz) in the order of the problem's
 * `jacobianSparsity` (CSR): values[q] = ∂f_i/∂y_j for the q-th entry (i, colIdx[q]) of row i.
 */
export type SparseJacobianFunction = (t: number, y: Vec, p: Vec, values: Vec) => void;

/** Row-major n×np parameter Jacobian ∂f/∂p written into `Jp` (length n*np). */
export type ParamJacobianFunction = (t: number, y: Vec, p: Vec, Jp: Vec) => void;

/** Vector–Jacobian product: outY = vᵀ ∂f/∂y (length n), outP = vᵀ ∂f/∂p (length np). */
export type VjpFunction = (t: number, y: Vec, p: Vec, v: Vec, outY: Vec, outP: Vec) => void;

/**
 * State-only vector–Jacobian product: outY = vᵀ ∂f/∂y (length n), without the parameter part. Adjoint
 * solves call it at every stage; supply it when vᵀ∂f/∂p is expensive (large np, e.g. neural networks).
 */
export type VjpStateFunction = (t: number, y: Vec, p: Vec, v: Vec, outY: Vec) => void;

/** Jacobian–vector product: out = (∂f/∂y) u (length n). */
export type JvpFunction = (t: number, y: Vec, p: Vec, u: Vec, out: Vec) => void;

/** ∂f/∂t at (t, y) written into `out` (length n). */
export type JvpTimeFunction = (t: number, y: Vec, p: Vec, out: Vec) => void;

/** An initial value problem. `y0` and `p` accept any array-like and are copied to Float64Array. */
export interface OdeProblem {
  readonly rhs: RhsFunction;
  readonly y0: ArrayLike<number>;
  readonly t0: number;
  readonly t1: number;
  readonly p?: ArrayLike<number>;
  readonly jacobian?: JacobianFunction;
  /**
   * The sparsity pattern of ∂f/∂y in compressed sparse rows (see `SparsityPattern`). With it, the stiff
   * methods work on sparse matrices only (no n×n array is allocated), using `sparseJacobian` or, when
   * that is absent, a coloured finite-difference Jacobian (one RHS evaluation per colour).
   */
  readonly jacobianSparsity?: SparsityPattern;
  /** ∂f/∂y's structural non-zeros in the order of `jacobianSparsity` (needs it). */
  readonly sparseJacobian?: SparseJacobianFunction;
  readonly paramJacobian?: ParamJacobianFunction;
  readonly vjp?: VjpFunction;
  /** Optional state-only VJP (vᵀ∂f/∂y); when absent, `vjp` or `jacobian` stand in for it. */
  readonly vjpY?: VjpStateFunction;
  readonly jvp?: JvpFunction;
  /**
   * ∂f/∂t written into `out` (length n), used by the Rosenbrock methods; when absent they use a forward
   * difference (one extra RHS evaluation per step). Pass a function writing zeros for autonomous problems.
   */
  readonly tgrad?: JvpTimeFunction;
  /**
   * A constant mass matrix M for `M y′ = f(t, y, p)`: its diagonal (length n) or the full matrix,
   * row-major (length n²). Zero rows are algebraic equations 0 = f_i, zero columns algebraic variables
   * (an index-1 DAE: as many of each, determined by the equations). The algebraic components of `y0` are
   * made consistent before the solve and after every event affect. Solved by `rodas5p` (also under
   * `auto`), `rodas4` and `rosenbrock(tableau)`; other methods and `gradient` refuse it.
   */
  readonly massMatrix?: ArrayLike<number>;
  /** Optional component names, used in error messages and CSV output. */
  readonly names?: readonly string[];
  /**
   * Events that belong to the model (e.g. an SBML model's events and piecewise switches): `solve` and
   * `gradient` run them before `options.events` (fired indices count these first).
   */
  readonly events?: readonly OdeEvent[];
}

/** An event: fires where `condition` crosses zero (in `direction`, 0 = both). */
export interface OdeEvent {
  condition(t: number, y: Vec, p: Vec): number;
  /** +1: only rising (negative to positive) crossings; -1: only falling; 0 (default): both. */
  readonly direction?: 1 | -1 | 0;
  /** Stop the integration at this event. */
  readonly terminal?: boolean;
  /** May change `y` and `p` in place; the integrator restarts cleanly afterwards. */
  affect?(t: number, y: Vec, p: Vec): void;
}

/** Work counters of one solve. */
export interface SolveStats {
  rhsEvals: number;
  jacobianEvals: number;
  luFactorizations: number;
  linearSolves: number;
  steps: number;
  acceptedSteps: number;
  rejectedSteps: number;
  /** Number of switches between the non-stiff and stiff method (`auto` only). */
  stiffnessSwitches: number;
}

/** An event that fired during a solve: its time and its index in `options.events`. */
export interface FiredEvent {
  readonly t: number;
  readonly index: number;
}

/** The result of `solve`: saved times and states, work counters, fired events, and dense output. */
export interface Solution {
  /** Saved times: `saveAt`, or every step when `saveAt` is absent. */
  readonly t: Float64Array;
  /** Saved states, row-major: t.length × n. */
  readonly y: Float64Array;
  /** Number of state components. */
  readonly n: number;
  readonly stats: SolveStats;
  readonly events: readonly FiredEvent[];
  /** Why the integration stopped: reached t1, or a terminal event. */
  readonly status: 'success' | 'terminated';
  /** Dense output over the integrated interval (needs `dense: true`). Writes into `out` if given. */
  interpolate(t: number, out?: Float64Array): Float64Array;
}

/** A user preconditioner: out ≈ P⁻¹ v for P ≈ shift·I + scale·J at (t, y). */
export type StagePreconditioner = (
  out: Float64Array,
  v: Float64Array,
  t: number,
  y: Float64Array,
  scale: number,
  shift: number,
) => void;
