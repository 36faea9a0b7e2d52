import {
  type GradientLoss,
  gradient,
  luFactor,
  luSolveTranspose,
  OdeonError,
  type OdeProblem,
  type Vec,
} from '@odeon/ode';
import { type CompiledModel, modelEvents } from '@odeon/sbml';
import { unsupportedPetab } from './errors.ts';
import { addFisherTerm } from './fisher.ts';
import { newPointTerm, pointTerm } from './noise.ts';
import { priorTerm } from './objective.ts';
import type { PetabModel, ResolvedMeasurement } from './petab-model.ts';
import { forEachRowSensitivity, refuseUndifferentiable } from './row-sensitivities.ts';
import { fromScaleDerivative } from './scale.ts';
import type { SteadyState } from './steady-state.ts';

/** How gradients are computed: forward sensitivities or the (quadrature) adjoint of `@odeon/ode`. */
export type PetabSensitivity = 'forward' | 'adjoint';

/** Objective value and gradient on the parameter scales. */
export interface ObjectiveGradient {
  readonly llh: number;
  readonly nllh: number;
  readonly chi2: number;
  /** nllh − log prior. */
  readonly objective: number;
  /** ∂objective/∂θ (estimated parameters on their scales). */
  readonly grad: Float64Array;
}

/** Gauss–Newton data of the objective: residual Jacobian rows give the Fisher information. */
interface RowWork {
  readonly yAug: Float64Array;
  readonly pAug: Float64Array;
  readonly out: Float64Array;
  readonly v: Float64Array;
  readonly outY: Float64Array;
  readonly outP: Float64Array;
}

/**
 * The objective (nllh − log prior) and its gradient with respect to the estimated parameters on their
 * parameter scales: ODE sensitivities by `@odeon/ode`'s `gradient` (forward or adjoint), steady states
 * (preequilibration and `inf` times) by the implicit function theorem when Newton found a regular steady
 * state, else by differentiating the integration that reached it; observable and noise parameters,
 * condition overrides and initial assignments by the chain rule.
 *
 * @throws OdeonError `UnsupportedPetabFeature` for models with events (their gradients are not yet
 *   differentiable here).
 */
export function objectiveGradient(
  model: PetabModel,
  theta: ArrayLike<number>,
  sensitivity: PetabSensitivity = 'adjoint',
): ObjectiveGradient {
  refuseUndifferentiable(model);
  const withEvents = checkEvents(model);
  if (sensitivity === 'forward' && !withEvents) return forwardObjectiveGradient(model, theta);
  const values = model.parameterValues(theta);
  const dValues = new Float64Array(values.length);
  const sim = model.sim;
  const n = sim.n;
  const np = sim.np;
  const kind = sensitivity === 'forward' ? 'forward' : 'quadrature';
  const work: RowWork = {
    yAug: new Float64Array(model.obs.n),
    pAug: new Float64Array(model.obs.np),
    out: new Float64Array(model.obs.n),
    v: new Float64Array(model.obs.n),
    outY: new Float64Array(model.obs.n),
    outP: new Float64Array(model.obs.np),
  };
  const term = newPointTerm();
  let nllh = 0;
  let chi2 = 0;
  const byExperiment = model.experiments.map(() => [] as ResolvedMeasurement[]);
  for (const r of model.rows) byExperiment[r.experiment].push(r);

  /** Adds one row's nllh; writes ∂/∂y into dy (added) and explicit ∂/∂p into dp (added), placeholders into dValues. */
  const row = (
    r: ResolvedMeasurement,
    t: number,
    y: Vec,
    p: Vec,
    dy: Vec | undefined,
    dp: Vec | undefined,
  ): number => {
    model.observationState(work.yAug, y);
    model.observationParams(work.pAug, p, r, values);
    model.obs.rhs(t, work.yAug, work.pAug, work.out);
    const idx = model.outputIndex[r.observable];
    const ob = model.observable(r);
    pointTerm(
      term,
      r.measurement,
      work.out[idx.observable],
      work.out[idx.noise],
      ob.distribution,
      ob.transformation,
    );
    if (dy || dp) {
      work.v.fill(0);
      work.v[idx.observable] = term.dSim;
      work.v[idx.noise] += term.dSigma;
      model.obs.vjp(t, work.yAug, work.pAug, work.v, work.outY, work.outP);
      if (dy) for (let i = 0; i < n; i++) dy[i] += work.outY[model.stateMap[i]];
      if (dp) {
        const placeholder = new Set<number>();
        for (const ph of r.placeholders) {
          placeholder.add(ph.p);
          if (ph.source.kind === 'table') dValues[ph.source.index] += work.outP[ph.p];
        }
        for (let k = 0; k < np; k++) {
          const q = model.paramMap[k];
          if (!placeholder.has(q)) dp[k] += work.outP[q];
        }
      }
    }
    return term.nllh;
  };

  model.experiments.forEach((x, e) => {
    const init = model.initial(e, values);
    const rows = byExperiment[e];
    const dy0 = new Float64Array(n);
    const dp = new Float64Array(np);
    const nt = x.times.length;
    const rowsAt = Array.from({ length: nt }, () => [] as ResolvedMeasurement[]);
    const infRows: ResolvedMeasurement[] = [];
    for (const r of rows) (r.timeIndex < 0 ? infRows : rowsAt[r.timeIndex]).push(r);
    const tEnd = nt > 0 ? x.times[nt - 1] : x.t0;
    if (nt > 0 && tEnd > x.t0) {
      const seen = new Uint8Array(nt);
      const loss: GradientLoss = {
        value(i, t, y) {
          let s = 0;
          const first = seen[i] === 0;
          seen[i] = 1;
          for (const r of rowsAt[i]) {
            s += row(r, t, y, init.p0, undefined, first ? dp : undefined);
            chi2 += first ? term.chi2 : 0;
          }
          return s;
        },
        grad(i, t, y, out) {
          out.fill(0);
          for (const r of rowsAt[i]) row(r, t, y, init.p0, out, undefined);
        },
      };
      const events = withEvents ? modelEvents(sim, x.t0, init.y0, init.p0) : undefined;
      const active = events ? allParams(np) : dependentParams(model, x.condition, values, x.t0);
      const g = gradient(
        events
          ? sim.problem(x.t0, tEnd, { y0: init.y0, p: init.p0 })
          : reducedProblem(sim, x.t0, tEnd, init.y0, init.p0, active),
        {
          ...(events ? { events } : {}),
          method: 'rodas5p',
          rtol: model.options.rtol,
          atol: model.stateTolerances(init.y0, init.p0),
          saveAt: x.times,
          loss,
          sensitivity: { kind },
        },
      );
      nllh += g.value;
      active.forEach((k, j) => {
        dp[k] += g.dp[j];
      });
      for (let i = 0; i < n; i++) dy0[i] += g.dy0[i];
    } else if (nt > 0) {
      for (const r of rowsAt[0]) {
        nllh += row(r, x.t0, init.y0, init.p0, dy0, dp);
        chi2 += term.chi2;
      }
    }
    if (infRows.length > 0) {
      const state = model.trajectorySteadyState(init.y0, init.p0);
      const v = new Float64Array(n);
      for (const r of infRows) {
        nllh += row(r, 0, state.y, init.p0, v, dp);
        chi2 += term.chi2;
      }
      steadyStateVjp(
        model,
        state,
        init.y0,
        init.p0,
        v,
        dy0,
        dp,
        kind,
        dependentParams(model, x.condition, values, x.t0),
      );
    }
    // Preequilibration: the non-reinitialised states come from the preequilibration steady state.
    const dy0Sim = Float64Array.from(dy0);
    if (init.pre) {
      const reinit = new Set(model.reinitialized.get(x.condition) ?? []);
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++)
        if (!reinit.has(i)) {
          v[i] = dy0[i];
          dy0Sim[i] = 0;
        }
      const dy0Pre = new Float64Array(n);
      const dpPre = new Float64Array(np);
      steadyStateVjp(
        model,
        init.pre.state,
        init.pre.y0,
        init.pre.p,
        v,
        dy0Pre,
        dpPre,
        kind,
        dependentParams(model, x.preequilibration, values),
      );
      chainDeclared(model, x.preequilibration, values, dy0Pre, dpPre, dValues);
    }
    chainDeclared(model, x.condition, values, dy0Sim, dp, dValues, x.t0);
  });

  const grad = new Float64Array(model.size);
  model.estimated.forEach((j, i) => {
    grad[i] = dValues[j] * fromScaleDerivative(theta[i], model.problem.parameters[j].scale);
  });
  const prior = priorTerm(model, theta, grad);
  return { llh: -nllh, nllh, chi2, objective: nllh + prior, grad };
}

/**
 * The objective and its gradient from forward sensitivities with respect to θ (models without events):
 * per row, ∂nllh/∂μ ∇μ + ∂nllh/∂σ ∇σ (see `forEachRowSensitivity`). With `fim` (k × k, zeroed), the
 * Fisher information is accumulated from the same sensitivities (see `fisherInformation`).
 */
export function forwardObjectiveGradient(
  model: PetabModel,
  theta: ArrayLike<number>,
  fim?: Float64Array,
): ObjectiveGradient {
  const grad = new Float64Array(model.size);
  const term = newPointTerm();
  let nllh = 0;
  let chi2 = 0;
  forEachRowSensitivity(model, theta, (r) => {
    const { row, mu, sigma, gMu, gSigma } = r;
    const ob = model.observable(row);
    pointTerm(term, row.measurement, mu, sigma, ob.distribution, ob.transformation);
    nllh += term.nllh;
    chi2 += term.chi2;
    for (let i = 0; i < grad.length; i++) grad[i] += term.dSim * gMu[i] + term.dSigma * gSigma[i];
    if (fim) addFisherTerm(fim, model, r);
  });
  const prior = priorTerm(model, theta, grad);
  return { llh: -nllh, nllh, chi2, objective: nllh + prior, grad };
}

const allParams = (np: number): number[] => Array.from({ length: np }, (_, k) => k);

/**
 * Whether the model's SBML events go into the gradient (as `@odeon/sbml`'s `modelEvents`, which
 * refuses what it cannot reproduce). Refused here: events with priorities, and assignments to
 * parameters (observables read the parameters as they were at the start, so they must not jump).
 */
function checkEvents(model: PetabModel): boolean {
  const sim = model.sim;
  if (sim.events.length === 0) return false;
  const refuse = (why: string): never => {
    throw unsupportedPetab(
      'gradients through events',
      `Gradients through this model's events are not supported: ${why}.`,
      'Use evaluate (no gradient), or a model whose events have no delay or priority and assign states only.',
    );
  };
  for (const e of sim.events) if (e.hasPriority) refuse(`event ${e.id} has a priority`);
  if (model.experiments.some((x) => x.preequilibration !== '' || x.steadyState))
    refuse(
      'the problem needs steady states, and sensitivities of steady states reached through events are not derived',
    );
  for (const e of model.problem.model.events)
    for (const a of e.assignments)
      if (sim.symbols.get(a.variable)?.role !== 'state')
        refuse(`event ${e.id} assigns ${a.variable}, which is not a state`);
  return true;
}

/** Indices of the model parameters of a condition that depend on parameter-table values (through its initial assignments). */
function dependentParams(model: PetabModel, condition: string, values: Float64Array, t0 = 0): number[] {
  const sim = model.sim;
  const n = sim.n;
  const nd = n + sim.np;
  const recipe = model.recipes.get(condition);
  if (!recipe) return [];
  const table = [...recipe].filter(([, s]) => s.kind === 'table').map(([d]) => d);
  if (table.length === 0) return [];
  const ij = sim.initialJacobian(model.declared(condition, values), t0);
  const out: number[] = [];
  for (let k = 0; k < sim.np; k++) if (table.some((d) => ij[(n + k) * nd + d] !== 0)) out.push(k);
  return out;
}

/**
 * The model's problem with only the parameters in `active` as p (the others fixed at their values), so
 * forward sensitivities carry only the columns the objective needs.
 */
function reducedProblem(
  sim: CompiledModel,
  t0: number,
  t1: number,
  y0: Float64Array,
  p: Float64Array,
  active: readonly number[],
): OdeProblem {
  const full = Float64Array.from(p);
  const np = sim.np;
  const n = sim.n;
  const k = active.length;
  const jpFull = new Float64Array(n * np);
  const outPFull = new Float64Array(np);
  const load = (pr: Vec): Float64Array => {
    for (let j = 0; j < k; j++) full[active[j]] = pr[j];
    return full;
  };
  return {
    rhs: (t, y, pr, dydt) => sim.rhs(t, y, load(pr), dydt),
    jacobian: (t, y, pr, J) => sim.jacobian(t, y, load(pr), J),
    jvp: (t, y, pr, u, out) => sim.jvp(t, y, load(pr), u, out),
    paramJacobian: (t, y, pr, Jp) => {
      sim.paramJacobian(t, y, load(pr), jpFull);
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) Jp[i * k + j] = jpFull[i * np + active[j]];
    },
    vjp: (t, y, pr, v, outY, outP) => {
      sim.vjp(t, y, load(pr), v, outY, outPFull);
      for (let j = 0; j < k; j++) outP[j] = outPFull[active[j]];
    },
    y0,
    p: Float64Array.from(active, (a) => p[a]),
    t0,
    t1,
    names: sim.stateIds,
  };
}

/** dL/d[y0; p] of a condition → dL/d(table values), through the initial assignments. */
function chainDeclared(
  model: PetabModel,
  condition: string,
  values: Float64Array,
  dy0: Float64Array,
  dp: Float64Array,
  dValues: Float64Array,
  t0 = 0,
): void {
  const sim = model.sim;
  const n = sim.n;
  const nd = n + sim.np;
  const recipe = model.recipes.get(condition);
  if (!recipe) return;
  const tableEntries = [...recipe].filter(([, s]) => s.kind === 'table');
  if (tableEntries.length === 0) return;
  const ij = sim.initialJacobian(model.declared(condition, values), t0);
  for (const [d, s] of tableEntries) {
    if (s.kind !== 'table') continue;
    let acc = 0;
    for (let row = 0; row < nd; row++) {
      const w = row < n ? dy0[row] : dp[row - n];
      if (w !== 0) acc += w * ij[row * nd + d];
    }
    dValues[s.index] += acc;
  }
}

/**
 * Adds vᵀ dy_ss/dy0 and vᵀ dy_ss/dp into dy0 and dp: by −vᵀJ⁻¹∂f/∂p for a Newton steady state (regular
 * Jacobian, independent of y0), else by differentiating the integration over [0, T] that reached it.
 */
function steadyStateVjp(
  model: PetabModel,
  state: SteadyState,
  y0: Float64Array,
  p: Float64Array,
  v: Float64Array,
  dy0: Float64Array,
  dp: Float64Array,
  kind: 'forward' | 'quadrature',
  active: readonly number[],
): void {
  const sim = model.sim;
  const n = sim.n;
  if (n === 0 || v.every((x) => x === 0)) return;
  if (state.method === 'newton') {
    const J = new Float64Array(n * n);
    sim.jacobian(0, state.y, p, J);
    const piv = new Int32Array(n);
    if (luFactor(J, piv, n) === null)
      throw new OdeonError('SingularMatrix', 'The steady-state Jacobian became singular.', {
        hint: 'Tighten the steady-state tolerances.',
      });
    const w = Float64Array.from(v);
    luSolveTranspose(w, J, piv, n);
    const outY = new Float64Array(n);
    const outP = new Float64Array(sim.np);
    sim.vjp(0, state.y, p, w, outY, outP);
    for (let k = 0; k < sim.np; k++) dp[k] -= outP[k];
    return;
  }
  const g = gradient(reducedProblem(sim, 0, state.time, y0, p, active), {
    method: 'rodas5p',
    rtol: model.options.rtol,
    atol: model.stateTolerances(y0, p),
    saveAt: [state.time],
    loss: {
      value: (_i, _t, y) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += v[i] * y[i];
        return s;
      },
      grad: (_i, _t, _y, out) => {
        out.set(v);
      },
    },
    sensitivity: { kind },
  });
  active.forEach((k, j) => {
    dp[k] += g.dp[j];
  });
  for (let i = 0; i < n; i++) dy0[i] += g.dy0[i];
}
