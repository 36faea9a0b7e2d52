import type { OdeonErrorContextBase } from '@odeon/core';

/** The error codes `@odeon/ensemble` raises, added to `@odeon/core`'s map. */
declare module '@odeon/core' {
  interface OdeonErrorContexts {
    /** A member or task threw; the original error is the `cause`. */
    TaskFailed: OdeonErrorContextBase;
    /** The job queue (Redis) could not be reached or answered badly. */
    QueueUnavailable: OdeonErrorContextBase;
    /** A worker runs another version of Odeon than the coordinator. */
    VersionMismatch: OdeonErrorContextBase;
  }
}

/** The error codes of `@odeon/ensemble`. */
export type EnsembleErrorCode = 'TaskFailed' | 'QueueUnavailable' | 'VersionMismatch';
