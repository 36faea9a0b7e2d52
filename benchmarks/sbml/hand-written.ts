/**
 * The hand-written baselines for the generated code: the right-hand sides (and ROBER's Jacobian) of the
 * two reference networks as typed from Hairer & Wanner / the Test Set for IVP Solvers (rober.f, pollu.f).
 * They are the ones `@odeon/ode/problems` ships; p = [k1, k2, ...] in the order of problems.json.
 */
import type { Vec } from '@odeon/ode';
import { POLLU, ROBER } from '@odeon/ode/problems';

export const roberRhs = (t: number, y: Vec, p: Vec, dy: Vec): void => ROBER.rhs(t, y, p, dy);
export const roberJacobian = (t: number, y: Vec, p: Vec, J: Vec): void => ROBER.jacobian?.(t, y, p, J);
export const polluRhs = (t: number, y: Vec, p: Vec, dy: Vec): void => POLLU.rhs(t, y, p, dy);
