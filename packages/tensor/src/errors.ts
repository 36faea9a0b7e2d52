import type { OdeonErrorContextBase } from '@odeon/core';

/** The error codes `@odeon/tensor` raises, added to `@odeon/core`'s map. */
declare module '@odeon/core' {
  interface OdeonErrorContexts {
    /** A backend was used before `await initBackend(name)`. */
    BackendNotInitialized: OdeonErrorContextBase;
    /** A backend could not be loaded on this platform. */
    BackendUnavailable: OdeonErrorContextBase;
    /** A derivative was requested of something that has none. */
    NotDifferentiable: OdeonErrorContextBase;
  }
}

/** The error codes of `@odeon/tensor`. */
export type TensorErrorCode = 'BackendNotInitialized' | 'BackendUnavailable' | 'NotDifferentiable';
