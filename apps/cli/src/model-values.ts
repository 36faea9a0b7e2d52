import { OdeonError } from '@odeon/ode';
import type { CompiledModel } from '@odeon/sbml';

/**
 * Refuses a model whose parameters or initial state have no value at `t0` (a `<parameter>` without
 * `value`, initial assignment or rule), which would simulate to NaN: a typed error naming the ids.
 */
export function requireModelValues(
  model: CompiledModel,
  t0: number,
  file: string,
  options: { readonly states?: boolean } = {},
): void {
  const init = model.initialize(model.declared, t0);
  const missing = (ids: readonly string[], values: ArrayLike<number>) =>
    ids.filter((_, i) => !Number.isFinite(values[i]));
  const params = missing(model.paramIds, init.p);
  const states = options.states === false ? [] : missing(model.stateIds, init.y0);
  if (params.length === 0 && states.length === 0) return;
  const list = (what: string, ids: string[]) =>
    `${what}${ids.length > 1 ? 's' : ''} ${ids
      .slice(0, 10)
      .map((id) => JSON.stringify(id.slice(0, 60)))
      .join(', ')}${ids.length > 10 ? ', ...' : ''}`;
  const parts = [
    ...(params.length > 0 ? [list('parameter', params)] : []),
    ...(states.length > 0 ? [list('initial value of', states)] : []),
  ];
  throw new OdeonError(
    'SbmlSemanticError',
    `${JSON.stringify(file)}: no finite value for the ${parts.join(' and the ')} at t = ${t0}.`,
    {
      element: params[0] ?? states[0],
      hint: 'Give each a value (the `value`/`initialAmount` attribute, an initialAssignment or a rule).',
    },
  );
}

/**
 * Refuses an output grid t0 + i·(t1 − t0)/steps that float64 cannot represent (a duration such as
 * 1e308 overflows to Infinity in i·(t1 − t0)), as a typed `InvalidOption`.
 */
export function requireFiniteGrid(t0: number, t1: number, steps: number, option: string): void {
  if (Number.isFinite(t1 - t0) && Number.isFinite((t1 - t0) * steps) && Number.isFinite(t0 + (t1 - t0)))
    return;
  throw new OdeonError(
    'InvalidOption',
    `The output times from ${t0} to ${t1} in ${steps} steps overflow float64 (|t1 − t0|·steps must stay below 1.8e308).`,
    {
      option,
      value: t1,
      allowed: 'a time span whose |t1 − t0|·steps is finite',
      hint: 'Give a shorter time span.',
    },
  );
}
