import type { OdeonErrorContextBase } from '@odeon/core';

/** The error codes the `odeon` CLI raises, added to `@odeon/core`'s map. */
declare module '@odeon/core' {
  interface OdeonErrorContexts {
    /** A command line that does not fit the command. */
    UsageError: OdeonErrorContextBase;
  }
}

/** The error codes of the `odeon` CLI. */
export type CliErrorCode = 'UsageError';
