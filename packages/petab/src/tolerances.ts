import type { CompiledModel } from '@odeon/sbml';

/** Absolute tolerances per state at (y0, p) for a base tolerance `atol` (see {@link stateAtol}). */
export type StateAtol = (atol: number, y0: Float64Array, p: Float64Array) => Float64Array;

/**
 * Absolute tolerances per state of `model`, in the units PEtab's values have: for a species stored as an
 * amount whose symbol means its concentration, `atol` × its compartment size (so `atol` acts on the
 * concentration, as AMICI's does); `atol` for every other state. Compartment sizes are read at (0, y0, p).
 */
export function stateAtol(model: CompiledModel): StateAtol {
  const n = model.n;
  const comps = model.stateCompartments;
  const ids = [...new Set(comps.filter((c): c is string => c !== undefined))];
  const which = Int32Array.from(comps, (c) => (c === undefined ? -1 : ids.indexOf(c)));
  const observe = ids.length > 0 ? model.observer(ids) : undefined;
  const sizes = new Float64Array(ids.length);
  return (atol, y0, p) => {
    const out = new Float64Array(n).fill(atol);
    if (observe === undefined) return out;
    observe(sizes, 0, y0, p);
    for (let i = 0; i < n; i++) {
      if (which[i] < 0) continue;
      const v = Math.abs(sizes[which[i]]);
      if (v > 0 && Number.isFinite(v)) out[i] = atol * v;
    }
    return out;
  };
}
