import { luFactor, luSolve, OdeonError, type Vec } from '@odeon/ode';
import type { InitialValues } from './initial-values.ts';

const CBRT_EPS = Math.cbrt(Number.EPSILON);
const MAX_ITERATIONS = 50;

type Initialize = InitialValues['initialize'];

/**
 * Initial values of a model with algebraic states (nonlinear algebraic rules). When other initial
 * values depend on an algebraic state (a species' amount from its concentration in a compartment the
 * rule determines, an initial assignment reading it), the declared value of that state is only a guess:
 * this solves 0 = g(t0, y0(d), p(d)) for the algebraic states' declared slots d_a by damped Newton
 * (central differences through `initialize`), so every initial value sees the consistent one. Without
 * such a dependency it returns `initialize`'s values unchanged (the solver makes the states consistent).
 */
export function algebraicInitialize(
  initialize: Initialize,
  rhs: (t: number, y: Vec, p: Vec, dydt: Vec) => void,
  algebraic: readonly number[],
  stateIds: readonly string[],
  defaults: Float64Array,
): Initialize {
  if (algebraic.length === 0) return initialize;
  const na = algebraic.length;
  return (declared = defaults, t0 = 0) => {
    const z = Float64Array.from(declared);
    const base = initialize(z, t0);
    if (!dependsOnGuess(initialize, z, t0, base, algebraic)) return base;
    const dy = new Float64Array(base.y0.length);
    const residual = (dd: Float64Array, out: Float64Array): number => {
      const { y0, p } = initialize(dd, t0);
      rhs(t0, y0, p, dy);
      let s = 0;
      for (let a = 0; a < na; a++) {
        out[a] = dy[algebraic[a]];
        s += out[a] * out[a];
      }
      return Number.isNaN(s) ? Number.POSITIVE_INFINITY : Math.sqrt(s);
    };
    const g = new Float64Array(na);
    const gp = new Float64Array(na);
    const gm = new Float64Array(na);
    const J = new Float64Array(na * na);
    const piv = new Int32Array(na);
    const step = new Float64Array(na);
    let res = residual(z, g);
    const res0 = res;
    let converged = res === 0;
    for (let it = 0; it < MAX_ITERATIONS && !converged; it++) {
      for (let b = 0; b < na; b++) {
        const k = algebraic[b];
        const zk = z[k];
        // relative to the guess (units unknown: amounts may be 1e-15)
        const h = CBRT_EPS * (Math.abs(zk) || 1);
        z[k] = zk + h;
        residual(z, gp);
        z[k] = zk - h;
        residual(z, gm);
        z[k] = zk;
        for (let a = 0; a < na; a++) J[a * na + b] = (gp[a] - gm[a]) / (2 * h);
      }
      if (luFactor(J, piv, na) === null)
        fail(stateIds[algebraic[0]], t0, 'the Jacobian of the rules is singular');
      for (let a = 0; a < na; a++) step[a] = -g[a];
      luSolve(step, J, piv, na);
      let small = true;
      for (let a = 0; a < na; a++)
        if (!(Math.abs(step[a]) <= 1e-13 * Math.max(Math.abs(z[algebraic[a]]), 1e-300))) small = false;
      let lambda = 1;
      let improved = false;
      const zOld = algebraic.map((k) => z[k]);
      for (let h = 0; h < 12; h++) {
        for (let a = 0; a < na; a++) z[algebraic[a]] = zOld[a] + lambda * step[a];
        const r = residual(z, gp);
        if (r < res) {
          g.set(gp);
          res = r;
          improved = true;
          break;
        }
        lambda /= 2;
      }
      if (!improved) {
        for (let a = 0; a < na; a++) z[algebraic[a]] = zOld[a];
        // at round-off the residual cannot decrease: accept it if it fell by ten orders of magnitude
        if (small || res <= 1e-10 * res0) {
          converged = true;
          break;
        }
        fail(stateIds[algebraic[0]], t0, 'Newton stopped decreasing the residual');
      }
      converged = small || res === 0;
    }
    if (!converged)
      fail(stateIds[algebraic[0]], t0, `Newton did not converge in ${MAX_ITERATIONS} iterations`);
    return initialize(z, t0);
  };
}

/** Whether any initial value besides the algebraic states changes with their declared guesses. */
function dependsOnGuess(
  initialize: Initialize,
  d: Float64Array,
  t0: number,
  base: { y0: Float64Array; p: Float64Array },
  algebraic: readonly number[],
): boolean {
  const d2 = Float64Array.from(d);
  for (const k of algebraic) d2[k] = 1.5 * d2[k] + 1;
  const other = initialize(d2, t0);
  const alg = new Set(algebraic);
  const differs = (a: number, b: number) =>
    !(
      a === b ||
      (Number.isNaN(a) && Number.isNaN(b)) ||
      Math.abs(a - b) <= 1e-13 * Math.max(Math.abs(a), Math.abs(b))
    );
  for (let i = 0; i < base.y0.length; i++) if (!alg.has(i) && differs(base.y0[i], other.y0[i])) return true;
  for (let k = 0; k < base.p.length; k++) if (differs(base.p[k], other.p[k])) return true;
  return false;
}

function fail(id: string, t: number, why: string): never {
  throw new OdeonError(
    'InitializationFailed',
    `Could not solve the algebraic rules at t = ${t} together with the initial values that depend on them: ${why}.`,
    {
      t,
      element: id,
      hint: 'Give the variables the algebraic rules determine values near a solution (they are starting guesses).',
    },
  );
}
