/**
 * `@odeon/ode/problems`: the eight reference problems of shared/reference (ROBER, POLLU, HIRES, OREGO,
 * Van der Pol, Lotka–Volterra, Pleiades, Arenstorf) as hand-written RHS + analytic Jacobian (and ∂f/∂p,
 * vjp where cheap). A separate entry so that the main entry stays small.
 */
import { invalidOption } from '../errors.ts';
import { ARENSTORF } from './arenstorf.ts';
import { HIRES } from './hires.ts';
import { LOTKA } from './lotka.ts';
import { OREGO } from './orego.ts';
import { PLEIADES } from './pleiades.ts';
import { POLLU } from './pollu.ts';
import { ROBER } from './rober.ts';
import {
  STANDARD_PROBLEM_NAMES,
  type StandardProblem,
  type StandardProblemName,
} from './standard-problem.ts';
import { VDPOL } from './vdpol.ts';

export { type Bruss2dOptions, bruss2d, type ScaleProblem } from './bruss2d.ts';
export { type ChainOptions, chain } from './chain.ts';
export { type MassActionKernels, type MassActionReaction, massActionKernels } from './mass-action.ts';
export {
  STANDARD_PROBLEM_NAMES,
  type StandardProblem,
  type StandardProblemName,
} from './standard-problem.ts';
export { ARENSTORF, HIRES, LOTKA, OREGO, PLEIADES, POLLU, ROBER, VDPOL };

/** All bundled problems by name. */
export const STANDARD_PROBLEMS: Readonly<Record<StandardProblemName, StandardProblem>> = {
  rober: ROBER,
  pollu: POLLU,
  hires: HIRES,
  orego: OREGO,
  vdpol: VDPOL,
  lotka: LOTKA,
  pleiades: PLEIADES,
  arenstorf: ARENSTORF,
};

/** Looks a bundled problem up by name; throws `InvalidOption` (option `problem`) for unknown names. */
export function getStandardProblem(name: string): StandardProblem {
  if (!(STANDARD_PROBLEM_NAMES as readonly string[]).includes(name)) {
    throw invalidOption('problem', name, `one of ${STANDARD_PROBLEM_NAMES.join(', ')}`);
  }
  return STANDARD_PROBLEMS[name as StandardProblemName];
}
