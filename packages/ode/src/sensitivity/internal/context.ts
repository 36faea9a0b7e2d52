/** The validated inputs every gradient method works from (built once by `gradient()`). */

import type { OdeProblem, Vec } from '../../types.ts';
import type { Derivatives } from '../derivatives.ts';
import type { GradientLoss, GradientMethod, IntegralLoss } from '../types.ts';

export interface GradientContext {
  readonly problem: OdeProblem;
  readonly n: number;
  readonly np: number;
  readonly p: Vec;
  readonly y0: Vec;
  readonly t0: number;
  readonly t1: number;
  /** Observation times, non-decreasing, in [t0, t1]. */
  readonly obsT: Float64Array;
  readonly loss: GradientLoss;
  readonly integral: IntegralLoss | undefined;
  readonly method: GradientMethod;
  readonly rtol: number;
  /** Per-component absolute tolerance (length n). */
  readonly atol: Float64Array;
  readonly adjointRtol: number;
  /** Undefined: `defaultAdjointAtol`. */
  readonly adjointAtol: number | undefined;
  readonly maxSteps: number;
  /** Initial step (NaN: Hairer's selection) and largest step of the forward solve. */
  readonly dt0: number;
  readonly dtMax: number;
  readonly checkpoints: number | undefined;
  readonly checkpointEvery?: number | undefined;
  readonly deriv: Derivatives;
  /** Replay this step sequence without error control (checks of the discrete adjoint). */
  readonly fixedSteps?: Float64Array;
}
