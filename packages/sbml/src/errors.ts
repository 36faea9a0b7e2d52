import type { OdeonErrorContextBase } from '@odeon/core';

/** The error codes `@odeon/sbml` raises, added to `@odeon/core`'s map. */
declare module '@odeon/core' {
  interface OdeonErrorContexts {
    /** SBML or formula text that cannot be parsed. */
    SbmlParseError: OdeonErrorContextBase;
    /** SBML that parses but is inconsistent (undefined ids, cycles, bad units). */
    SbmlSemanticError: OdeonErrorContextBase;
    /** An SBML construct Odeon refuses rather than approximates. */
    UnsupportedSbmlFeature: OdeonErrorContextBase;
    /** Input that would reach generated code or the XML parser unsafely. */
    UnsafeInput: OdeonErrorContextBase;
    /** A comp `externalModelDefinition` whose file cannot be read (no resolver, or the resolver has none). */
    SbmlExternalModelMissing: OdeonErrorContextBase;
  }
}

/** The error codes of `@odeon/sbml`. */
export type SbmlErrorCode =
  | 'SbmlParseError'
  | 'SbmlSemanticError'
  | 'UnsupportedSbmlFeature'
  | 'UnsafeInput'
  | 'SbmlExternalModelMissing';
