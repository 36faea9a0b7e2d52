import { isOdeonError, type OdeonErrorCode } from '@odeon/core';

/** The outcome of {@link matchOdeonError}: whether it passed and what to say when it did not. */
export interface OdeonErrorMatch {
  readonly pass: boolean;
  readonly actual: string;
}

/**
 * Whether `thrown` is an `OdeonError` of one of `codes` whose context contains `context` (compared with
 * `equals`, so asymmetric matchers such as `expect.closeTo` work inside it).
 */
export function matchOdeonError(
  thrown: unknown,
  codes: readonly OdeonErrorCode[],
  context: Readonly<Record<string, unknown>> | undefined,
  equals: (a: unknown, b: unknown) => boolean,
): OdeonErrorMatch {
  if (!isOdeonError(thrown)) {
    const what =
      thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : `a non-error value ${String(thrown)}`;
    return { pass: false, actual: what };
  }
  const actual = `OdeonError ${thrown.code}: ${thrown.message} ${describeContext(thrown.context)}`;
  if (!codes.includes(thrown.code)) return { pass: false, actual };
  if (context === undefined) return { pass: true, actual };
  const ctx = thrown.context as Readonly<Record<string, unknown>>;
  const pass = Object.entries(context).every(([k, v]) => k in ctx && equals(ctx[k], v));
  return { pass, actual };
}

function describeContext(context: object): string {
  const shown = Object.entries(context)
    .filter(([k]) => k !== 'cause' && k !== 'hint')
    .map(
      ([k, v]) =>
        `${k}: ${typeof v === 'object' && v !== null ? (v.constructor?.name ?? 'object') : String(v)}`,
    );
  return `{ ${shown.join(', ')} }`;
}
