/**
 * Test problems with analytic Jacobians and parameter Jacobians: the reference problems' mass-action
 * and polynomial definitions from shared/reference/problems.json, and a linear system with a
 * closed-form solution and gradient.
 */
import { loadReference, type ReferenceName } from '@odeon/testkit';
import type { OdeProblem, Vec } from '../../types.ts';

interface Species {
  readonly species: number;
  readonly stoich: number;
}
interface Reaction {
  readonly rate_constant: string;
  readonly reactants: readonly Species[];
  readonly products: readonly Species[];
}

/** A mass-action network: f = Σ_r (products − reactants)·k_r·Π y_s^ν_s, with exact ∂f/∂y and ∂f/∂k. */
export function massActionProblem(name: ReferenceName, options: { analytic?: boolean } = {}): OdeProblem {
  const ref = loadReference(name);
  const def = ref.definition as { reactions: readonly Reaction[]; params: Record<string, number> };
  const names = Object.keys(def.params);
  const reactions = def.reactions.map((r) => ({
    k: names.indexOf(r.rate_constant),
    reactants: r.reactants,
    net: new Map<number, number>(),
  }));
  for (let r = 0; r < reactions.length; r++) {
    const rx = reactions[r];
    for (const s of def.reactions[r].reactants)
      rx.net.set(s.species, (rx.net.get(s.species) ?? 0) - s.stoich);
    for (const s of def.reactions[r].products) rx.net.set(s.species, (rx.net.get(s.species) ?? 0) + s.stoich);
  }
  const n = ref.y0.length;
  const np = names.length;
  const mono = (y: Vec, rx: (typeof reactions)[number], skip = -1): number => {
    let v = 1;
    for (const s of rx.reactants) {
      if (s.species === skip) v *= s.stoich * y[s.species] ** (s.stoich - 1);
      else v *= y[s.species] ** s.stoich;
    }
    return v;
  };
  const problem: OdeProblem = {
    y0: ref.y0,
    t0: ref.t0,
    t1: ref.tf,
    p: names.map((k) => def.params[k]),
    rhs(_t, y, p, dydt) {
      dydt.fill(0);
      for (const rx of reactions) {
        const rate = p[rx.k] * mono(y, rx);
        for (const [s, c] of rx.net) dydt[s] += c * rate;
      }
    },
  };
  if (options.analytic === false) return problem;
  return {
    ...problem,
    jacobian(_t, y, p, J) {
      J.fill(0);
      for (const rx of reactions) {
        for (const r of rx.reactants) {
          // d(rate)/dy_r, with repeated species handled by the power rule
          const d = p[rx.k] * mono(y, rx, r.species);
          for (const [s, c] of rx.net) J[s * n + r.species] += c * d;
        }
      }
    },
    paramJacobian(_t, y, _p, Jp) {
      Jp.fill(0);
      for (const rx of reactions) {
        const m = mono(y, rx);
        for (const [s, c] of rx.net) Jp[s * np + rx.k] += c * m;
      }
    },
  };
}

/** Lotka–Volterra from its reference definition, with exact derivatives and a vjp. */
export function lotkaProblem(): OdeProblem {
  const ref = loadReference('lotka');
  return {
    y0: ref.y0,
    t0: ref.t0,
    t1: ref.tf,
    p: [1.5, 1, 3, 1],
    rhs(_t, y, p, dy) {
      dy[0] = p[0] * y[0] - p[1] * y[0] * y[1];
      dy[1] = p[3] * y[0] * y[1] - p[2] * y[1];
    },
    jacobian(_t, y, p, J) {
      J[0] = p[0] - p[1] * y[1];
      J[1] = -p[1] * y[0];
      J[2] = p[3] * y[1];
      J[3] = p[3] * y[0] - p[2];
    },
    paramJacobian(_t, y, _p, Jp) {
      Jp.fill(0);
      Jp[0] = y[0];
      Jp[1] = -y[0] * y[1];
      Jp[4 + 2] = -y[1];
      Jp[4 + 3] = y[0] * y[1];
    },
    vjp(_t, y, p, v, outY, outP) {
      outY[0] = v[0] * (p[0] - p[1] * y[1]) + v[1] * p[3] * y[1];
      outY[1] = -v[0] * p[1] * y[0] + v[1] * (p[3] * y[0] - p[2]);
      outP[0] = v[0] * y[0];
      outP[1] = -v[0] * y[0] * y[1];
      outP[2] = -v[1] * y[1];
      outP[3] = v[1] * y[0] * y[1];
    },
  };
}

/**
 * y' = A(p) y, A = [[−p0, p1], [0, −p2]], on [0, 3] from y0 = (1, 2): closed-form solution and
 * closed-form derivatives with respect to p and y0 (hand-derived, independent of any solver).
 */
export const linearProblem: OdeProblem = {
  y0: [1, 2],
  t0: 0,
  t1: 3,
  p: [1.3, 0.7, 0.4],
  rhs(_t, y, p, dy) {
    dy[0] = -p[0] * y[0] + p[1] * y[1];
    dy[1] = -p[2] * y[1];
  },
};

/** y(t) and its derivatives for `linearProblem`: returns [y1, y2, dy/dθ rows for θ = p0,p1,p2,a,b]. */
export function linearExact(t: number, p: ArrayLike<number>, y0: ArrayLike<number>) {
  const [p0, p1, p2] = [p[0], p[1], p[2]];
  const [a, b] = [y0[0], y0[1]];
  const E0 = Math.exp(-p0 * t);
  const E2 = Math.exp(-p2 * t);
  const d = p0 - p2;
  const y = [E0 * a + (p1 * b * (E2 - E0)) / d, E2 * b];
  // d y / d (p0, p1, p2, a, b)
  const dy1 = [
    -t * E0 * a + (p1 * b * (t * E0 * d - (E2 - E0))) / (d * d),
    (b * (E2 - E0)) / d,
    (p1 * b * (-t * E2 * d + (E2 - E0))) / (d * d),
    E0,
    (p1 * (E2 - E0)) / d,
  ];
  const dy2 = [0, 0, -t * E2 * b, 0, E2];
  return { y, dy1, dy2 };
}
