import type { OdeonErrorContextBase } from '@odeon/core';

/** The error codes `@odeon/petab` raises, added to `@odeon/core`'s map. */
declare module '@odeon/core' {
  interface OdeonErrorContexts {
    /** A malformed PEtab file or table entry. */
    PetabFormatError: OdeonErrorContextBase & {
      readonly file?: string | undefined;
      readonly row?: number;
      readonly column?: string;
    };
    /** A PEtab feature this implementation refuses rather than approximates. */
    UnsupportedPetabFeature: OdeonErrorContextBase;
  }
}

/** The error codes of `@odeon/petab`. */
export type PetabErrorCode = 'PetabFormatError' | 'UnsupportedPetabFeature';
