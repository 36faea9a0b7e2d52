/**
 * Solvers as values, beside the string names: `solve(problem, { method: rodas5p() })`, or a method of
 * your own from a tableau, `rosenbrock(tableau)` / `explicitRk(tableau)`. Strings stay for the CLI and
 * configs. A tableau is checked once here (shapes, finiteness); its order conditions are the caller's.
 */
import { invalidOption } from '../errors.ts';
import type { MethodName } from './method-name.ts';
import type { ExplicitTableau } from './tableaus/explicit-tableau.ts';
import type { RosenbrockTableau } from './tableaus/rosenbrock-tableau.ts';

/** A method as a value: a built-in one by name, or a Rosenbrock or explicit Runge–Kutta tableau. */
export type Solver =
  | { readonly kind: 'method'; readonly name: MethodName }
  | { readonly kind: 'rosenbrock'; readonly tableau: RosenbrockTableau }
  | { readonly kind: 'explicit-rk'; readonly tableau: ExplicitTableau };

const named = (name: MethodName) => (): Solver => ({ kind: 'method', name });

/** Rodas5P (stiff, order 5, Steinebach 2023). */
export const rodas5p = named('rodas5p');
/** Rodas4 (stiff, order 4). */
export const rodas4 = named('rodas4');
/** Rosenbrock23 (stiff, order 2, MATLAB's ode23s). */
export const rosenbrock23 = named('rosenbrock23');
/** Tsitouras 5(4). */
export const tsit5 = named('tsit5');
/** Dormand–Prince 5(4). */
export const dopri5 = named('dopri5');
/** Dormand–Prince 8(5,3). */
export const dop853 = named('dop853');
/** Bogacki–Shampine 3(2). */
export const bs3 = named('bs3');
/** Tsit5 with stiffness detection, switching to Rodas5P. */
export const auto = named('auto');

/** A Rosenbrock method from a tableau in the transformed form (as `RODAS5P_TABLEAU`). */
export function rosenbrock(tableau: RosenbrockTableau): Solver {
  const s = tableau?.stages;
  if (!Number.isInteger(s) || s < 1) throw invalidOption('tableau.stages', s, 'an integer ≥ 1');
  checkVec('tableau.a', tableau.a, s * s);
  checkVec('tableau.C', tableau.C, s * s);
  for (const k of ['c', 'd', 'b', 'e'] as const) checkVec(`tableau.${k}`, tableau[k], s);
  if (!(tableau.gamma > 0 && Number.isFinite(tableau.gamma)))
    throw invalidOption('tableau.gamma', tableau.gamma, 'a finite number > 0');
  if (tableau.denseRows !== 2 && tableau.denseRows !== 3)
    throw invalidOption('tableau.denseRows', tableau.denseRows, '2 or 3 (the Rodas interpolant forms)');
  checkVec('tableau.dense', tableau.dense, tableau.denseRows * s);
  checkOrders(tableau.order, tableau.embeddedOrder);
  return { kind: 'rosenbrock', tableau };
}

/**
 * An explicit Runge–Kutta method from a tableau (as `TSIT5_TABLEAU`): adaptive with error weights `e`,
 * fixed-step (needs `dt`) without. Its dense output is the cubic Hermite interpolant.
 */
export function explicitRk(tableau: ExplicitTableau): Solver {
  const s = tableau?.stages;
  if (!Number.isInteger(s) || s < 1) throw invalidOption('tableau.stages', s, 'an integer ≥ 1');
  checkVec('tableau.a', tableau.a, s * s);
  checkVec('tableau.b', tableau.b, s);
  checkVec('tableau.c', tableau.c, s);
  for (let i = 0; i < s; i++)
    for (let j = i; j < s; j++)
      if (tableau.a[i * s + j] !== 0)
        throw invalidOption(
          `tableau.a[${i}][${j}]`,
          tableau.a[i * s + j],
          '0 (explicit: strictly lower triangular)',
        );
  if (tableau.e !== undefined) {
    checkVec('tableau.e', tableau.e, s);
    checkOrders(tableau.order, tableau.embeddedOrder ?? Number.NaN);
  } else if (!(Number.isInteger(tableau.order) && tableau.order >= 1)) {
    throw invalidOption('tableau.order', tableau.order, 'an integer ≥ 1');
  }
  if (tableau.e3 !== undefined)
    throw invalidOption('tableau.e3', 'given', 'absent (DOP853 only: use dop853())');
  if (tableau.fsal && tableau.c[s - 1] !== 1)
    throw invalidOption('tableau.fsal', true, 'false unless the last stage is at c = 1 with a = b');
  return { kind: 'explicit-rk', tableau };
}

/** The name a solver reports (`solve` errors, `gradient`'s result). */
export function solverName(m: MethodName | Solver): string {
  return typeof m === 'string' ? m : m.kind === 'method' ? m.name : m.tableau.name;
}

function checkVec(name: string, v: ArrayLike<number> | undefined, len: number): void {
  if (v === undefined || typeof v.length !== 'number' || v.length !== len)
    throw invalidOption(name, v === undefined ? undefined : v.length, `an array of length ${len}`);
  for (let i = 0; i < len; i++)
    if (!Number.isFinite(v[i])) throw invalidOption(`${name}[${i}]`, v[i], 'a finite number');
}

function checkOrders(order: number, embedded: number): void {
  if (!(Number.isInteger(order) && order >= 1)) throw invalidOption('tableau.order', order, 'an integer ≥ 1');
  if (!(Number.isInteger(embedded) && embedded >= 1))
    throw invalidOption('tableau.embeddedOrder', embedded, 'an integer ≥ 1');
}
