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
  const n = ref.y0.length;
  const np = names.length;
  // flat arrays (no Maps or closures in the hot loops: this fixture also drives the benchmarks)
  const R = def.reactions.length;
  const kIndex = Int32Array.from(def.reactions, (r) => names.indexOf(r.rate_constant));
  const reactants = def.reactions.map((r) => r.reactants);
  const netSpecies: number[][] = [];
  const netCoef: number[][] = [];
  for (const r of def.reactions) {
    const net = new Map<number, number>();
    for (const s of r.reactants) net.set(s.species, (net.get(s.species) ?? 0) - s.stoich);
    for (const s of r.products) net.set(s.species, (net.get(s.species) ?? 0) + s.stoich);
    netSpecies.push([...net.keys()]);
    netCoef.push([...net.values()]);
  }
  const mono = (y: Vec, r: number, skip: number): number => {
    let v = 1;
    const rs = reactants[r];
    for (let q = 0; q < rs.length; q++) {
      const s = rs[q];
      if (q === skip) v *= s.stoich === 1 ? 1 : s.stoich * y[s.species] ** (s.stoich - 1);
      else v *= s.stoich === 1 ? y[s.species] : y[s.species] ** s.stoich;
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
      for (let r = 0; r < R; r++) {
        const rate = p[kIndex[r]] * mono(y, r, -1);
        const sp = netSpecies[r];
        const co = netCoef[r];
        for (let q = 0; q < sp.length; q++) dydt[sp[q]] += co[q] * rate;
      }
    },
  };
  if (options.analytic === false) return problem;
  return {
    ...problem,
    jacobian(_t, y, p, J) {
      J.fill(0);
      for (let r = 0; r < R; r++) {
        const rs = reactants[r];
        const sp = netSpecies[r];
        const co = netCoef[r];
        for (let q = 0; q < rs.length; q++) {
          // d(rate)/dy_s, power rule for stoichiometry > 1 (reactant species are distinct per reaction)
          const d = p[kIndex[r]] * mono(y, r, q);
          const col = rs[q].species;
          for (let m = 0; m < sp.length; m++) J[sp[m] * n + col] += co[m] * d;
        }
      }
    },
    paramJacobian(_t, y, _p, Jp) {
      Jp.fill(0);
      for (let r = 0; r < R; r++) {
        const m0 = mono(y, r, -1);
        const sp = netSpecies[r];
        const co = netCoef[r];
        for (let m = 0; m < sp.length; m++) Jp[sp[m] * np + kIndex[r]] += co[m] * m0;
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

/**
 * A forced, non-polynomial chain of n = 10 states (more than Rodas5P's 8 stages), with exact ∂f/∂y
 * and ∂f/∂p and, optionally, ∂f/∂t:
 *
 *     y_i' = −p0·y_i/(1 + y_i²) + p1·sin(p2·t)·tanh(y_{i−1}) − p3·(y_i − y_{i+1})³   (y_{−1} = 1, y_n = 0)
 *
 * Its second derivatives in y and the mixed ones in (y, p) are all non-zero, and it depends on t: it
 * exercises every term of the discrete Rosenbrock adjoint.
 */
export function forcedChainProblem(options: { tgrad?: boolean } = {}): OdeProblem {
  const n = 10;
  const left = (y: Vec, i: number) => (i === 0 ? 1 : y[i - 1]);
  const right = (y: Vec, i: number) => (i === n - 1 ? 0 : y[i + 1]);
  const problem: OdeProblem = {
    y0: Array.from({ length: n }, (_, i) => 0.2 + 0.1 * i),
    t0: 0,
    t1: 4,
    p: [1.2, 0.8, 1.7, 0.6],
    rhs(t, y, p, dy) {
      const s = p[1] * Math.sin(p[2] * t);
      for (let i = 0; i < n; i++) {
        const d = y[i] - right(y, i);
        dy[i] = (-p[0] * y[i]) / (1 + y[i] * y[i]) + s * Math.tanh(left(y, i)) - p[3] * d * d * d;
      }
    },
    jacobian(t, y, p, J) {
      J.fill(0);
      const s = p[1] * Math.sin(p[2] * t);
      for (let i = 0; i < n; i++) {
        const q = 1 + y[i] * y[i];
        const d = y[i] - right(y, i);
        J[i * n + i] = (-p[0] * (1 - y[i] * y[i])) / (q * q) - 3 * p[3] * d * d;
        if (i + 1 < n) J[i * n + i + 1] = 3 * p[3] * d * d;
        if (i > 0) {
          const th = Math.tanh(y[i - 1]);
          J[i * n + i - 1] = s * (1 - th * th);
        }
      }
    },
    paramJacobian(t, y, p, Jp) {
      const sn = Math.sin(p[2] * t);
      const cs = Math.cos(p[2] * t);
      for (let i = 0; i < n; i++) {
        const d = y[i] - right(y, i);
        const th = Math.tanh(left(y, i));
        Jp[i * 4] = -y[i] / (1 + y[i] * y[i]);
        Jp[i * 4 + 1] = sn * th;
        Jp[i * 4 + 2] = p[1] * t * cs * th;
        Jp[i * 4 + 3] = -d * d * d;
      }
    },
  };
  if (!options.tgrad) return problem;
  return {
    ...problem,
    tgrad(t, y, p, out) {
      const c = p[1] * p[2] * Math.cos(p[2] * t);
      for (let i = 0; i < n; i++) out[i] = c * Math.tanh(left(y, i));
    },
  };
}
