import { loadReference, numericJacobian } from '@odeon/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  getStandardProblem,
  STANDARD_PROBLEM_NAMES,
  STANDARD_PROBLEMS,
  type StandardProblem,
} from './index.ts';

interface Term {
  coef: number;
  vars: number[];
}
interface Species {
  species: number;
  stoich: number;
}
interface Definition {
  n: number;
  t0: number;
  tf: number;
  y0: number[];
  params: Record<string, number | number[]>;
  rhs_form: string;
  reactions?: { rate_constant: string; reactants: Species[]; products: Species[] }[];
  polynomial?: Term[][];
}

/** An independent RHS built from the JSON definition (mass action and polynomial forms). */
function rhsFromDefinition(def: Definition): ((y: Float64Array) => Float64Array) | undefined {
  if (def.rhs_form === 'mass_action' && def.reactions !== undefined) {
    const reactions = def.reactions;
    return (y) => {
      const dy = new Float64Array(def.n);
      for (const r of reactions) {
        let rate = def.params[r.rate_constant] as number;
        for (const s of r.reactants) rate *= y[s.species] ** s.stoich;
        for (const s of r.reactants) dy[s.species] -= s.stoich * rate;
        for (const s of r.products) dy[s.species] += s.stoich * rate;
      }
      return dy;
    };
  }
  if (def.rhs_form === 'polynomial' && def.polynomial !== undefined) {
    const poly = def.polynomial;
    return (y) =>
      Float64Array.from(
        poly.map((terms) => terms.reduce((s, t) => s + t.coef * t.vars.reduce((m, v) => m * y[v], 1), 0)),
      );
  }
  return undefined;
}

function evalRhs(prob: StandardProblem, y: Float64Array, p = prob.p): Float64Array {
  const dy = new Float64Array(y.length);
  prob.rhs(0, y, p, dy);
  return dy;
}

/** A state near the initial value with every component nonzero (so every Jacobian entry is exercised). */
function testState(prob: StandardProblem, seed: number): Float64Array {
  return Float64Array.from(prob.y0, (v, i) => v + 0.1 * (1 + Math.abs(v)) * Math.sin(seed + 1.7 * i + 0.3));
}

describe('@odeon/ode/problems', () => {
  it.each(STANDARD_PROBLEM_NAMES)('%s matches its shared/reference definition', (name) => {
    const prob = getStandardProblem(name);
    const ref = loadReference(name);
    const def = ref.definition as unknown as Definition;
    expect(prob.t0).toBe(def.t0);
    expect(prob.t1).toBe(def.tf);
    expect(Array.from(prob.y0)).toEqual(def.y0);
    expect(prob.names.length).toBe(def.n);
    const independent = rhsFromDefinition(def);
    if (independent !== undefined) {
      for (let s = 0; s < 5; s++) {
        const y = testState(prob, s);
        expect(evalRhs(prob, y)).toBeAllclose(independent(y), { rtol: 1e-13, atol: 1e-13 });
      }
    }
  });

  it.each(STANDARD_PROBLEM_NAMES)('%s has an analytic Jacobian that matches central differences', (name) => {
    const prob = getStandardProblem(name);
    expect(prob.jacobian).toBeDefined();
    for (let s = 0; s < 3; s++) {
      const y = testState(prob, s);
      const J = new Float64Array(y.length * y.length);
      prob.jacobian?.(0, y, prob.p, J);
      const num = numericJacobian((x) => evalRhs(prob, x), y);
      const scale = Math.max(...Array.from(num.J, Math.abs));
      expect(J).toBeAllclose(num.J, { rtol: 1e-6, atol: 1e-7 * scale });
    }
  });

  it.each(['rober', 'pollu', 'lotka', 'vdpol'] as const)(
    '%s has ∂f/∂p (and vjp) matching differences',
    (name) => {
      const prob = STANDARD_PROBLEMS[name];
      const n = prob.y0.length;
      const np = prob.p.length;
      const y = testState(prob, 2);
      const Jp = new Float64Array(n * np);
      prob.paramJacobian?.(0, y, prob.p, Jp);
      if (name === 'vdpol') {
        const num = numericJacobian((p) => evalRhs(prob, y, p), prob.p);
        expect(Jp).toBeAllclose(num.J, { rtol: 1e-7, atol: 1e-9 });
      } else {
        // these right-hand sides are sums of terms each linear in one parameter, so switching on one
        // parameter at a time gives column j of ∂f/∂p exactly: f(y, p_j·e_j) / p_j
        for (let j = 0; j < np; j++) {
          const pj = new Float64Array(np);
          pj[j] = prob.p[j];
          const col = evalRhs(prob, y, pj).map((v) => v / prob.p[j]);
          const got = Float64Array.from({ length: n }, (_, i) => Jp[i * np + j]);
          expect(got).toBeAllclose(col, { rtol: 1e-12, atol: 1e-15 });
        }
      }
      if (prob.vjp !== undefined) {
        fc.assert(
          fc.property(
            fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
            (vArr) => {
              const v = Float64Array.from(vArr);
              const outY = new Float64Array(n);
              const outP = new Float64Array(np);
              prob.vjp?.(0, y, prob.p, v, outY, outP);
              const J = new Float64Array(n * n);
              prob.jacobian?.(0, y, prob.p, J);
              const expY = new Float64Array(n);
              const expP = new Float64Array(np);
              // the sums of |terms|: the scale of the rounding error of either way of summing them
              const absY = new Float64Array(n);
              const absP = new Float64Array(np);
              for (let i = 0; i < n; i++) {
                for (let j = 0; j < n; j++) {
                  expY[j] += v[i] * J[i * n + j];
                  absY[j] += Math.abs(v[i] * J[i * n + j]);
                }
                for (let j = 0; j < np; j++) {
                  expP[j] += v[i] * Jp[i * np + j];
                  absP[j] += Math.abs(v[i] * Jp[i * np + j]);
                }
              }
              const sy = Math.max(1e-300, ...Array.from(absY));
              const sp = Math.max(1e-300, ...Array.from(absP));
              expect(outY).toBeAllclose(expY, { rtol: 1e-12, atol: 1e-12 * sy });
              expect(outP).toBeAllclose(expP, { rtol: 1e-12, atol: 1e-12 * sp });
            },
          ),
          { numRuns: 30 },
        );
      }
    },
  );

  it('rejects unknown names with InvalidOption', () => {
    expect(() => getStandardProblem('nope')).toThrow(/problem/);
  });
});
