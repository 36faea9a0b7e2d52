import { OdeonError, type Vec } from '@odeon/ode';
import type { CompiledModel } from './compile.ts';

/** How `simulate` turns its absolute tolerance into one per state. */
export type AtolScaling = 'natural' | 'none';

/**
 * Absolute tolerances per state, each in the state's natural unit (`atolScaling: 'natural'`):
 *
 * `atol` × unit × min(1, typical), where
 * - unit is the size at t0 of the compartment of a species whose symbol means its concentration (it is
 *   stored as an amount; `atol` is a tolerance on the concentration), else 1;
 * - typical is the state's initial value as used in math (|concentration|, amount or value), or the
 *   largest such initial value over all states when it starts at zero (1 if all are zero).
 *
 * So a model whose compartments are 1e-15 L, or whose amounts are ~1e-15, keeps error control at the
 * default tolerances; states of magnitude ≥ 1 in unit compartments keep `atol` unchanged.
 * A vector `atol` is used as given.
 *
 * @throws OdeonError `InvalidOption` for a negative or non-finite tolerance or a vector of the wrong length.
 */
export function stateTolerances(
  model: CompiledModel,
  atol: number | ArrayLike<number>,
  scaling: AtolScaling,
  t0: number,
  y0: Vec,
  p: Vec,
): number | Float64Array {
  if (typeof atol !== 'number') {
    const v = Float64Array.from(atol);
    if (v.length !== Math.max(1, model.n) || v.some((x) => !(x >= 0 && Number.isFinite(x))))
      throw new OdeonError('InvalidOption', `atol must be a number or ${model.n} finite values ≥ 0.`, {
        option: 'atol',
        allowed: `a number ≥ 0 or ${model.n} numbers ≥ 0 (one per state, in stateIds order)`,
        hint: 'Give one absolute tolerance per state, or one number.',
      });
    return v;
  }
  if (!(atol >= 0 && Number.isFinite(atol)))
    throw new OdeonError('InvalidOption', `Invalid absolute tolerance ${atol}.`, {
      option: 'atol',
      value: atol,
      allowed: 'a finite number ≥ 0',
      hint: 'Use e.g. 1e-12.',
    });
  if (scaling === 'none' || model.n === 0) return atol;
  const n = model.n;
  const comps = model.stateCompartments;
  const ids = [...new Set(comps.filter((c): c is string => c !== undefined))];
  const sizes = new Float64Array(ids.length);
  if (ids.length > 0) model.observer(ids)(sizes, t0, y0, p);
  // Each state's value as used in math (concentration for species stored as amounts), and its unit scale.
  const unit = new Float64Array(n);
  const magnitude = new Float64Array(n);
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const c = comps[i];
    const v = c === undefined ? 1 : Math.abs(sizes[ids.indexOf(c)]);
    unit[i] = v > 0 && Number.isFinite(v) ? v : 1;
    const a = Math.abs(y0[i] / unit[i]);
    magnitude[i] = Number.isFinite(a) ? a : 0;
    if (magnitude[i] > largest) largest = magnitude[i];
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const typical = magnitude[i] > 0 ? magnitude[i] : largest > 0 ? largest : 1;
    out[i] = atol * unit[i] * Math.min(1, typical);
  }
  return out;
}
