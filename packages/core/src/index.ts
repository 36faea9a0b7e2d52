/** @odeon/core: the foundations every Odeon package shares. Zero dependencies. */
export {
  invalidOption,
  isOdeonError,
  OdeonError,
  type OdeonErrorCode,
  type OdeonErrorContext,
  type OdeonErrorContextBase,
  type OdeonErrorContexts,
} from './errors.ts';
export { Rng, type RngState } from './rng.ts';
export type { Vec } from './vec.ts';
