/**
 * A compiled model's events and piecewise switches as `@odeon/ode` events, so that `solve` and
 * `gradient` (and through them fits and training) run and differentiate them. `simulate` keeps the full
 * SBML event semantics (delays, priorities, persistence); the elements whose semantics this one-pass
 * form cannot reproduce are refused with `UnsupportedSbmlFeature` naming the element, never dropped.
 */
import { type OdeEvent, OdeonError, type OdeProblem, type Vec } from '@odeon/ode';
import type { CompiledModel } from './compile.ts';

/**
 * The model's events as ODE events: each fires when its trigger turns true (its root function, positive
 * while the trigger holds, crosses zero upward) and applies its assignments to y and p; each piecewise
 * switch of the right-hand side is an event without an affect, so integrations restart there and
 * gradients take the switching time's sensitivity.
 *
 * @throws OdeonError `UnsupportedSbmlFeature` for delayed events, for an event whose trigger already
 *   holds at t0 with `initialValue = false` (SBML fires it at t0), and (from the affect, while solving)
 *   for simultaneous events whose priorities order them against document order.
 */
export function modelEvents(
  model: CompiledModel,
  t0: number,
  y0: ArrayLike<number> = model.y0,
  p: ArrayLike<number> = model.p,
): OdeEvent[] {
  const header = new Float64Array(4);
  const yInit = Float64Array.from(y0);
  const pInit = Float64Array.from(p);
  const out: OdeEvent[] = [];
  // simultaneous events run in document order; refuse when SBML's priorities order them otherwise
  let lastT = Number.NaN;
  let lastId = '';
  let lastPriority = Number.POSITIVE_INFINITY;
  const checkOrder = (id: string, t: number, priority: number): void => {
    if (t === lastT && priority > lastPriority)
      throw unsupported(
        id,
        `a priority above that of ${lastId}, which fires at the same time t = ${t}`,
        'Simulate it with `simulate`: SBML orders simultaneous events by priority, solve/gradient by document order.',
      );
    lastT = t;
    lastId = id;
    lastPriority = priority;
  };
  for (const e of model.events) {
    if (e.hasDelay)
      throw unsupported(
        e.id,
        'a delay',
        'Simulate it with `simulate` (`odeon simulate`), or drop the delay.',
      );
    if (!e.initialValue && e.header(header, t0, yInit, pInit)[0] !== 0)
      throw unsupported(
        e.id,
        'a trigger that already holds at t0 (initialValue = false: SBML fires it at t0)',
        'Apply its assignments to the initial values instead, or start after it.',
      );
    const values = new Float64Array(e.size);
    const head = new Float64Array(4);
    out.push({
      condition: (t: number, y: Vec, pp: Vec) => e.header(head, t, y, pp)[1],
      direction: 1,
      affect: (t: number, y: Vec, pp: Vec) => {
        if (e.hasPriority) checkOrder(e.id, t, e.header(head, t, y, pp)[3]);
        e.values(values, t, y, pp);
        e.apply(values, t, y, pp);
      },
    });
  }
  for (const g of model.discontinuities) out.push({ condition: g, direction: 0 });
  return out;
}

/** `model.problem(t0, t1, overrides)` carrying the model's events (see `modelEvents`). */
export function problemWithEvents(
  model: CompiledModel,
  t0: number,
  t1: number,
  overrides: { y0?: ArrayLike<number>; p?: ArrayLike<number> } = {},
): OdeProblem {
  const base = model.problem(t0, t1, overrides);
  const events = modelEvents(model, t0, base.y0, base.p);
  return events.length === 0 ? base : { ...base, events };
}

function unsupported(id: string, what: string, hint: string): OdeonError {
  return new OdeonError(
    'UnsupportedSbmlFeature',
    `Event ${id} has ${what}, which solve/gradient cannot reproduce.`,
    { feature: 'event', element: id, hint },
  );
}
