/**
 * Every error Odeon raises on purpose is an `OdeonError` with a `code` from this union, the context
 * a user needs to act (the option, element, time or component at fault) and a hint saying what to do.
 * The union is the single registry of codes across all Odeon packages.
 */
export type OdeonErrorCode =
  // options and problem definitions
  | 'InvalidOption'
  | 'InvalidProblem'
  | 'ShapeMismatch'
  // integration
  | 'MaxStepsReached'
  | 'StepSizeTooSmall'
  | 'NonFiniteState'
  | 'SingularMatrix'
  | 'EventLocationFailed'
  | 'OutOfRange'
  // gradients
  | 'GradientFailed'
  // SBML and model formats
  | 'SbmlParseError'
  | 'SbmlSemanticError'
  | 'UnsupportedSbmlFeature'
  | 'ModelFormatError'
  | 'InputTooLarge'
  | 'UnsafeInput'
  // PEtab problems
  | 'PetabFormatError'
  | 'UnsupportedPetabFeature'
  // tensors
  | 'BackendNotInitialized'
  | 'BackendUnavailable'
  | 'NotDifferentiable'
  // training
  | 'DatasetError'
  | 'TrainingDiverged'
  | 'CheckpointError'
  // CLI and I/O
  | 'UsageError'
  | 'IoError'
  // parallel and distributed runs
  | 'TaskFailed'
  | 'QueueUnavailable'
  | 'VersionMismatch';

/** Context carried by an error: what was at fault and what to do about it. */
export interface OdeonErrorContext {
  /** What the user can do about it. */
  readonly hint?: string;
  /** The option name at fault (`InvalidOption`). */
  readonly option?: string;
  /** The offending value, when it is small enough to show. */
  readonly value?: unknown;
  /** What would have been allowed. */
  readonly allowed?: string;
  /** The model element (SBML id, species name, ...) at fault. */
  readonly element?: string;
  /** The unsupported feature (`UnsupportedSbmlFeature`). */
  readonly feature?: string;
  /** Integration time at which it happened. */
  readonly t?: number;
  /** Step size at which it happened. */
  readonly dt?: number;
  /** State component at fault. */
  readonly component?: number;
  /** Underlying error, if any. */
  readonly cause?: unknown;
  readonly [key: string]: unknown;
}

export class OdeonError extends Error {
  override readonly name = 'OdeonError';
  readonly code: OdeonErrorCode;
  readonly context: OdeonErrorContext;

  constructor(code: OdeonErrorCode, message: string, context: OdeonErrorContext = {}) {
    super(context.hint === undefined ? message : `${message} ${context.hint}`, {
      cause: context.cause,
    });
    this.code = code;
    this.context = context;
  }
}

/** Type guard for `OdeonError`, optionally of a given code. */
export function isOdeonError(error: unknown, code?: OdeonErrorCode): error is OdeonError {
  return error instanceof OdeonError && (code === undefined || error.code === code);
}

/** Shorthand for the commonest error: an option with a value outside what is allowed. */
export function invalidOption(option: string, value: unknown, allowed: string): OdeonError {
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
