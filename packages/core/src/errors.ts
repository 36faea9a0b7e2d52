/**
 * Every error Odeon raises on purpose is an `OdeonError` with a `code`, the context a user needs to act
 * (the option, element, time or component at fault) and a hint saying what to do.
 *
 * Codes are the keys of {@link OdeonErrorContexts}. This package declares the codes every layer shares;
 * each package adds its own by declaration merging in its `errors.ts`:
 *
 * ```ts
 * declare module '@odeon/core' {
 *   interface OdeonErrorContexts {
 *     DatasetError: OdeonErrorContextBase & { readonly row?: number };
 *   }
 * }
 * ```
 */

/** Fields any error may carry. */
export interface OdeonErrorContextBase {
  /** What the user can do about it. */
  readonly hint?: string;
  /** Underlying error, if any. */
  readonly cause?: unknown;
  /** The option name at fault. */
  readonly option?: string;
  /** The offending value, when it is small enough to show. */
  readonly value?: unknown;
  /** What would have been allowed. */
  readonly allowed?: string;
  /** The model element (SBML id, species name, file, ...) at fault. */
  readonly element?: string;
  /** The feature at fault. */
  readonly feature?: string;
  /** Integration time at which it happened. */
  readonly t?: number;
  /** Step size at which it happened. */
  readonly dt?: number;
  /** State component at fault. */
  readonly component?: number;
  /** Row at fault (of a matrix or a table). */
  readonly row?: number;
  /** Column at fault: a matrix column index or a table column name. */
  readonly column?: number | string;
}

/** The context type of each error code; packages add their codes by declaration merging. */
export interface OdeonErrorContexts {
  /** An option outside what is allowed. */
  InvalidOption: OdeonErrorContextBase;
  /** A problem definition that cannot be solved as given. */
  InvalidProblem: OdeonErrorContextBase;
  /** Array or tensor shapes that do not fit together. */
  ShapeMismatch: OdeonErrorContextBase & { readonly template?: string; readonly tree?: string };
  /** A query outside the range a result covers. */
  OutOfRange: OdeonErrorContextBase;
  /** Input in a model or data format that cannot be read. */
  ModelFormatError: OdeonErrorContextBase;
  /** Input beyond the size limits (document, formula depth, model size, problem size). */
  InputTooLarge: OdeonErrorContextBase;
  /** A file that cannot be read or written. */
  IoError: OdeonErrorContextBase;
}

/** Every error code of the packages in the compilation. */
export type OdeonErrorCode = keyof OdeonErrorContexts & string;

/** The context carried by an error of code `C` (of any code by default). */
export type OdeonErrorContext<C extends OdeonErrorCode = OdeonErrorCode> = OdeonErrorContexts[C];

/**
 * An error Odeon raises on purpose: a `code`, the typed context of that code (what was at fault) and a
 * message that ends with the context's `hint` (what to do).
 */
export class OdeonError<C extends OdeonErrorCode = OdeonErrorCode> extends Error {
  override readonly name = 'OdeonError';
  readonly code: C;
  readonly context: OdeonErrorContexts[C];

  constructor(code: C, message: string, context: OdeonErrorContexts[C] = {} as OdeonErrorContexts[C]) {
    const base = context as OdeonErrorContextBase;
    super(base.hint === undefined ? message : `${message} ${base.hint}`, { cause: base.cause });
    this.code = code;
    this.context = context;
  }
}

/** Type guard for `OdeonError`, optionally of a given code (the context type narrows with it). */
export function isOdeonError<C extends OdeonErrorCode = OdeonErrorCode>(
  error: unknown,
  code?: C,
): error is OdeonError<C> {
  return error instanceof OdeonError && (code === undefined || error.code === code);
}

/** Shorthand for the commonest error: an option with a value outside what is allowed. */
export function invalidOption(option: string, value: unknown, allowed: string): OdeonError<'InvalidOption'> {
  return new OdeonError('InvalidOption', `Invalid option \`${option}\`: got ${formatValue(value)}.`, {
    option,
    value,
    allowed,
    hint: `Expected ${allowed}.`,
  });
}

function formatValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (ArrayBuffer.isView(value) || Array.isArray(value))
    return `an array of length ${(value as ArrayLike<unknown>).length}`;
  return typeof value;
}
