import type { OdeonErrorContextBase } from '@odeon/core';

/** The error codes `@odeon/ensemble` raises, added to `@odeon/core`'s map. */
declare module '@odeon/core' {
  interface OdeonErrorContexts {
    /** A task threw an error that is not an `OdeonError`. */
    TaskFailed: OdeonErrorContextBase;
    /** The job queue (Redis) cannot be reached. */
    QueueUnavailable: OdeonErrorContextBase;
    /** A worker runs another version of the program than the caller. */
    VersionMismatch: OdeonErrorContextBase;
  }
}

/** The error codes of `@odeon/ensemble`. */
export type EnsembleErrorCode = 'TaskFailed' | 'QueueUnavailable' | 'VersionMismatch';
