import { isOdeonError, OdeonError } from './errors.ts';
import type { RhsFunction, Vec } from './types.ts';

/**
 * The components an rhs wrote before it threw, found by running it once more on a recording copy
 * of `dydt` (error path only): the one after the last written is the one it was computing.
 */
function componentAtFault(rhs: RhsFunction, t: number, y: Vec, p: Vec, n: number): number | undefined {
  let last = -1;
  const record = new Proxy(new Float64Array(n), {
    set(target, key, value) {
      const i = typeof key === 'string' ? Number(key) : Number.NaN;
      if (Number.isInteger(i) && i > last) last = i;
      return Reflect.set(target, key, value);
    },
  });
  try {
    rhs(t, y.slice(), p, record);
  } catch {
    return Math.min(last + 1, n - 1);
  }
  return undefined;
}

/**
 * Wraps a user rhs so that an exception it throws surfaces as `OdeonError('RhsFailed')` with the
 * time, the state and (when it can be told) the component being computed, the original as `cause`.
 * Odeon's own errors pass through unchanged. No work on the normal path beyond the try block.
 */
export function guardRhs(rhs: RhsFunction): RhsFunction {
  return (t: number, y: Vec, p: Vec, dydt: Vec): void => {
    try {
      rhs(t, y, p, dydt);
    } catch (cause) {
      if (isOdeonError(cause)) throw cause;
      const component = componentAtFault(rhs, t, y, p, dydt.length);
      const what = cause instanceof Error ? cause.message : String(cause);
      throw new OdeonError(
        'RhsFailed',
        `The right-hand side threw at t = ${t}${component === undefined ? '' : ` while computing component ${component} (dydt[${component}])`}: ${what}`,
        {
          t,
          ...(component === undefined ? {} : { component }),
          cause,
          hint: 'Fix the right-hand side at this state, or stop the integration before it (t1, events).',
        },
      );
    }
  };
}
