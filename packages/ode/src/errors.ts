import type { OdeonErrorContextBase } from '@odeon/core';

/** The error codes `@odeon/ode` raises (integration and gradients), added to `@odeon/core`'s map. */
declare module '@odeon/core' {
  interface OdeonErrorContexts {
    /** The step budget (`maxSteps`) ran out before `t1`. */
    MaxStepsReached: OdeonErrorContextBase;
    /** The step size fell below what float64 can resolve at `t`. */
    StepSizeTooSmall: OdeonErrorContextBase;
    /** A state component became NaN or infinite. */
    NonFiniteState: OdeonErrorContextBase;
    /** A Newton or Rosenbrock matrix could not be factorised. */
    SingularMatrix: OdeonErrorContextBase & { readonly row?: number; readonly column?: number };
    /** An event root could not be bracketed or located. */
    EventLocationFailed: OdeonErrorContextBase;
    /** A gradient computation failed (forward or backward pass). */
    GradientFailed: OdeonErrorContextBase;
    /** The user's right-hand side threw (the original error is the `cause`). */
    RhsFailed: OdeonErrorContextBase;
    /** The algebraic components of a DAE could not be made consistent (at t0 or after an event). */
    InitializationFailed: OdeonErrorContextBase;
  }
}

export {
  invalidOption,
  isOdeonError,
  OdeonError,
  type OdeonErrorCode,
  type OdeonErrorContext,
  type OdeonErrorContextBase,
  type OdeonErrorContexts,
} from '@odeon/core';

/** The error codes of `@odeon/ode`. */
export type OdeErrorCode =
  | 'MaxStepsReached'
  | 'StepSizeTooSmall'
  | 'NonFiniteState'
  | 'RhsFailed'
  | 'SingularMatrix'
  | 'EventLocationFailed'
  | 'GradientFailed'
  | 'InitializationFailed';
