import type { SolveStats, Vec } from '../../types.ts';

/** What each method returns to `gradient()` (which adds the derivative report). */
export interface MethodResult {
  readonly value: number;
  readonly dp: Vec;
  readonly dy0: Vec;
  readonly forward: SolveStats;
  readonly backward: SolveStats;
  readonly storedStates: number;
  readonly maxLuSize: number;
  readonly checkpoints: number;
  readonly forwardSteps: number;
  readonly quadratureError: number;
}
