import type { JacobianFunction, ParamJacobianFunction, RhsFunction, VjpFunction } from '../types.ts';

/** One reaction: rate = k · Π y[reactant]^stoich; species change by products − reactants. */
export interface MassActionReaction {
  /** Species indices of the reactants, repeated by stoichiometry. */
  readonly reactants: readonly number[];
  /** Species indices of the products, repeated by stoichiometry. */
  readonly products: readonly number[];
}

/** Compiled kernels of a mass-action network with rate constants p[r] (one per reaction). */
export interface MassActionKernels {
  readonly rhs: RhsFunction;
  readonly jacobian: JacobianFunction;
  readonly paramJacobian: ParamJacobianFunction;
  readonly vjp: VjpFunction;
}

/**
 * Compiles a mass-action network into flat index tables and allocation-free RHS, Jacobian, ∂f/∂p and
 * vjp kernels (rate constants are the parameters, in reaction order).
 */
export function massActionKernels(n: number, reactions: readonly MassActionReaction[]): MassActionKernels {
  const nr = reactions.length;
  const rStart = new Int32Array(nr + 1);
  const rIdx: number[] = [];
  const sStart = new Int32Array(nr + 1);
  const sSpecies: number[] = [];
  const sCoef: number[] = [];
  for (let r = 0; r < nr; r++) {
    const { reactants, products } = reactions[r];
    rStart[r] = rIdx.length;
    rIdx.push(...reactants);
    sStart[r] = sSpecies.length;
    const net = new Map<number, number>();
    for (const s of reactants) net.set(s, (net.get(s) ?? 0) - 1);
    for (const s of products) net.set(s, (net.get(s) ?? 0) + 1);
    for (const [s, c] of net) {
      if (c !== 0) {
        sSpecies.push(s);
        sCoef.push(c);
      }
    }
  }
  rStart[nr] = rIdx.length;
  sStart[nr] = sSpecies.length;
  const R = Int32Array.from(rIdx);
  const SS = Int32Array.from(sSpecies);
  const SC = Float64Array.from(sCoef);

  /** Π y over the reactants of r, skipping occurrence `skip` (−1: none). */
  const monomial = (r: number, y: Float64Array, skip: number): number => {
    let m = 1;
    for (let q = rStart[r]; q < rStart[r + 1]; q++) if (q !== skip) m *= y[R[q]];
    return m;
  };

  return {
    rhs(_t, y, p, dy) {
      dy.fill(0);
      for (let r = 0; r < nr; r++) {
        const rate = p[r] * monomial(r, y, -1);
        for (let q = sStart[r]; q < sStart[r + 1]; q++) dy[SS[q]] += SC[q] * rate;
      }
    },
    jacobian(_t, y, p, J) {
      J.fill(0);
      for (let r = 0; r < nr; r++) {
        for (let o = rStart[r]; o < rStart[r + 1]; o++) {
          const col = R[o];
          const d = p[r] * monomial(r, y, o);
          for (let q = sStart[r]; q < sStart[r + 1]; q++) J[SS[q] * n + col] += SC[q] * d;
        }
      }
    },
    paramJacobian(_t, y, _p, Jp) {
      Jp.fill(0);
      for (let r = 0; r < nr; r++) {
        const m = monomial(r, y, -1);
        for (let q = sStart[r]; q < sStart[r + 1]; q++) Jp[SS[q] * nr + r] += SC[q] * m;
      }
    },
    vjp(_t, y, p, v, outY, outP) {
      outY.fill(0);
      for (let r = 0; r < nr; r++) {
        let w = 0;
        for (let q = sStart[r]; q < sStart[r + 1]; q++) w += SC[q] * v[SS[q]];
        const lo = rStart[r];
        const order = rStart[r + 1] - lo;
        // first- and second-order reactions inline (the common case), higher orders by the general product
        if (order === 1) {
          const a = R[lo];
          outP[r] = w * y[a];
          outY[a] += w * p[r];
        } else if (order === 2) {
          const a = R[lo];
          const b = R[lo + 1];
          outP[r] = w * y[a] * y[b];
          const wp = w * p[r];
          outY[a] += wp * y[b];
          outY[b] += wp * y[a];
        } else {
          outP[r] = w * monomial(r, y, -1);
          if (w === 0) continue;
          for (let o = lo; o < rStart[r + 1]; o++) outY[R[o]] += w * p[r] * monomial(r, y, o);
        }
      }
    },
  };
}
