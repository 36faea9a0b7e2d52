import { OdeonError } from '@odeon/ode';

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
