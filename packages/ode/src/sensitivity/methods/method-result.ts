import type { SolveStats, Vec } from '../../types.ts';
import type { DerivativeReport } from '../derivatives.ts';

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
  /** Summed over segments (events, tstops); absent: the context's own report. */
  readonly derivatives?: DerivativeReport;
}
