import type { OdeonErrorContextBase } from '@odeon/core';
import { OdeonError } from '@odeon/ode';

/** The error codes `@odeon/petab` raises, added to `@odeon/core`'s map. */
declare module '@odeon/core' {
  interface OdeonErrorContexts {
    /** A PEtab file or table entry that is malformed (file, row and column in the context). */
    PetabFormatError: OdeonErrorContextBase & {
      readonly file?: string | undefined;
      readonly row?: number;
      readonly column?: string;
    };
    /** A PEtab feature this implementation refuses rather than approximates. */
    UnsupportedPetabFeature: OdeonErrorContextBase;
  }
}

/** Where in a PEtab file a problem sits: the file, the 1-based data row (0 = header) and the column. */
export interface PetabLocation {
  readonly file: string;
  readonly row?: number;
  readonly column?: string;
}

/** A malformed PEtab file or table entry, naming the file, row and column. */
export function petabFormatError(where: PetabLocation, message: string, hint: string): OdeonError {
  const at = [
    where.file,
    where.row === undefined ? '' : where.row === 0 ? 'header' : `row ${where.row}`,
    where.column === undefined ? '' : `column ${where.column}`,
  ]
    .filter((s) => s !== '')
    .join(', ');
  return new OdeonError('PetabFormatError', `${at}: ${message}`, {
    file: where.file,
    ...(where.row === undefined ? {} : { row: where.row }),
    ...(where.column === undefined ? {} : { column: where.column }),
    hint,
  });
}

/** A PEtab feature this implementation does not support, named in `feature`. */
export function unsupportedPetab(
  feature: string,
  message: string,
  hint: string,
  element?: string,
): OdeonError {
  return new OdeonError('UnsupportedPetabFeature', message, {
    feature,
    ...(element === undefined ? {} : { element }),
    hint,
  });
}
