import { OdeonError } from '@odeon/ode';
import { type CompiledModel, type ObservableKind, simulate } from '@odeon/sbml';
import type { SteadyState } from './steady-state.ts';

/** Where an integration to steady state through SBML events ended. */
export interface EventSteadyState {
  readonly state: SteadyState;
  /** Parameters at the end (event assignments may change them). */
  readonly p: Float64Array;
  /** Each event's trigger value at the end (carried into the next simulation, not reinitialised). */
  readonly triggers: Uint8Array;
}

/** Options of {@link steadyStateThroughEvents}. */
export interface EventSteadyStateOptions {
  readonly rtol: number;
  readonly atol: Float64Array;
  readonly steadyRtol: number;
  readonly steadyAtol: Float64Array;
  readonly maxTime: number;
  readonly maxSteps: number;
  /** Ids and kinds that read y then p back from `simulate`. */
  readonly readBack: { readonly ids: readonly string[]; readonly kinds: readonly ObservableKind[] };
}

/** The model with each event's trigger taken as `triggers[i]` just before t0 (instead of its `initialValue`). */
export function withTriggers(model: CompiledModel, triggers: Uint8Array): CompiledModel {
  return { ...model, events: model.events.map((e, i) => ({ ...e, initialValue: triggers[i] === 1 })) };
}

/** Current trigger values of every event at (t, y, p). */
export function triggerValues(model: CompiledModel, t: number, y: Float64Array, p: Float64Array): Uint8Array {
  const out = new Float64Array(4);
  return Uint8Array.from(model.events, (e) => (e.header(out, t, y, p)[0] !== 0 ? 1 : 0));
}

/**
 * A steady state reached by integrating through the model's SBML events (sbml's `simulate`: triggers,
 * assignments, piecewise restarts) over horizons growing tenfold from t = 1 until the weighted RMS of
 * the rates is ≤ 1. Trigger states carry across horizons, so an event fires once per false → true
 * transition. Starts with the triggers given (default: the events' `initialValue`).
 *
 * @throws OdeonError `MaxStepsReached` when no steady state is reached by `maxTime`.
 */
export function steadyStateThroughEvents(
  model: CompiledModel,
  y0: Float64Array,
  p0: Float64Array,
  o: EventSteadyStateOptions,
  triggers0?: Uint8Array,
): EventSteadyState {
  const n = model.n;
  const np = model.np;
  let y = Float64Array.from(y0);
  const p = Float64Array.from(p0);
  let triggers = triggers0 ?? Uint8Array.from(model.events, (e) => (e.initialValue ? 1 : 0));
  const f = new Float64Array(n);
  let t = 0;
  for (let horizon = 1; horizon <= o.maxTime; horizon *= 10) {
    const tc = simulate(withTriggers(model, triggers), {
      t0: t,
      t1: horizon,
      times: [horizon],
      y0: y,
      p,
      variables: o.readBack.ids,
      kinds: o.readBack.kinds,
      rtol: o.rtol,
      atol: o.atol,
      maxSteps: o.maxSteps,
    });
    y = tc.values.slice(0, n);
    p.set(tc.values.subarray(n, n + np));
    t = horizon;
    triggers = triggerValues(model, t, y, p);
    model.rhs(t, y, p, f);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const r = f[i] / (o.steadyAtol[i] + o.steadyRtol * Math.abs(y[i]));
      sum += r * r;
    }
    if (n === 0 || Math.sqrt(sum / n) <= 1)
      return { state: { y, method: 'integration', time: t }, p, triggers };
  }
  throw new OdeonError('MaxStepsReached', `No steady state reached by t = ${o.maxTime}.`, {
    t: o.maxTime,
    hint: 'The model may oscillate or grow without bound; check the preequilibration condition or loosen the steady-state tolerances.',
  });
}
