import { luFactor, luSolve, OdeonError, type OdeProblem, solve, type Vec } from '@odeon/ode';
import type { CompiledModel } from '@odeon/sbml';
import type { InitialState, PetabModel } from './petab-model.ts';
import { fromScaleDerivative } from './scale.ts';
import type { SteadyState } from './steady-state.ts';

/** States and their sensitivities S = ∂y/∂θ (n × k, row-major) at output times. */
export interface SensitivityTrajectory {
  /** Row-major times × n. */
  readonly y: Float64Array;
  /** Row-major times × (n × k): S_t[r·k + i] = ∂y_r(t)/∂θ_i. */
  readonly S: Float64Array;
}

/** One experiment's states and sensitivities with respect to the estimated parameters on their scales. */
export interface ExperimentSensitivities {
  readonly init: InitialState;
  /** At the experiment's finite output times. */
  readonly trajectory: SensitivityTrajectory;
  /** Steady state and its sensitivity (when the experiment has `inf` measurements). */
  readonly yInf?: Float64Array;
  readonly sInf?: Float64Array;
  /** ∂p/∂θ of the simulation condition (np × k, row-major; p is constant without events). */
  readonly dp: Float64Array;
}

/**
 * The forward sensitivity system z = [y; s_1; …; s_k] of `sim` at parameters p along k directions
 * (s_i' = J s_i + (∂f/∂p) dp_i), as a plain ODE problem for `@odeon/ode`'s BDF: the right-hand side uses
 * sbml's sparse ∂f/∂y and ∂f/∂p, and the Jacobian's pattern (block lower bidiagonal: J on the diagonal
 * blocks, ∂(J s_i + (∂f/∂p) dp_i)/∂y below, both within J's pattern) lets the solver form the Newton
 * matrix by coloured differences and factor it sparsely, as CVODES' simultaneous corrector does.
 * `dp` is np × k row-major.
 */
function sensitivityProblem(
  sim: CompiledModel,
  p: Float64Array,
  dp: Float64Array,
  k: number,
  z0: Float64Array,
  t0: number,
  t1: number,
): OdeProblem {
  const n = sim.n;
  const sp = sim.sparse;
  const pat = sp.jacobianSparsity;
  const ppat = sp.paramJacobianSparsity;
  const nnz = pat.rowPtr[n];
  const jv = new Float64Array(nnz);
  const jpv = new Float64Array(ppat.rowPtr[n]);
  const N = n * (1 + k);
  const rowPtr = new Int32Array(N + 1);
  const colIdx = new Int32Array(nnz * (1 + 2 * k));
  let w = 0;
  for (let b = 0; b <= k; b++)
    for (let i = 0; i < n; i++) {
      if (b > 0) for (let q = pat.rowPtr[i]; q < pat.rowPtr[i + 1]; q++) colIdx[w++] = pat.colIdx[q];
      for (let q = pat.rowPtr[i]; q < pat.rowPtr[i + 1]; q++) colIdx[w++] = pat.colIdx[q] + b * n;
      rowPtr[b * n + i + 1] = w;
    }
  const { rowPtr: jr, colIdx: jc } = pat;
  const { rowPtr: pr, colIdx: pc } = ppat;
  return {
    rhs(t: number, z: Vec, _p: Vec, out: Vec): void {
      const y = z.subarray(0, n);
      sim.rhs(t, y, p, out);
      sp.sparseJacobian(t, y, p, jv);
      sp.sparseParamJacobian(t, y, p, jpv);
      for (let j = 0; j < k; j++) {
        const o = n + j * n;
        for (let i = 0; i < n; i++) {
          let acc = 0;
          for (let q = jr[i]; q < jr[i + 1]; q++) acc += jv[q] * z[o + jc[q]];
          for (let q = pr[i]; q < pr[i + 1]; q++) acc += jpv[q] * dp[pc[q] * k + j];
          out[o + i] = acc;
        }
      }
    },
    jacobianSparsity: { n: N, rowPtr, colIdx: colIdx.subarray(0, w) },
    y0: z0,
    p: new Float64Array(0),
    t0,
    t1,
  };
}

/**
 * Integrates y and S = ∂y/∂θ (n × k, row-major) from (y0, s0) at constant p with ∂p/∂θ = dp (np × k) and
 * returns them at `times` (sorted, ≥ t0). Only the directions with a non-zero s0 or dp column are
 * integrated; the others stay zero.
 */
export function integrateSensitivities(
  model: PetabModel,
  y0: Float64Array,
  p: Float64Array,
  s0: Float64Array,
  dp: Float64Array,
  k: number,
  t0: number,
  times: Float64Array,
): SensitivityTrajectory {
  const sim = model.sim;
  const n = sim.n;
  const np = sim.np;
  const nt = times.length;
  const y = new Float64Array(nt * n);
  const S = new Float64Array(nt * n * k);
  const active: number[] = [];
  for (let i = 0; i < k; i++) {
    let nz = false;
    for (let r = 0; r < n && !nz; r++) nz = s0[r * k + i] !== 0;
    for (let q = 0; q < np && !nz; q++) nz = dp[q * k + i] !== 0;
    if (nz) active.push(i);
  }
  const ka = active.length;
  const N = n * (1 + ka);
  const z0 = new Float64Array(N);
  z0.set(y0);
  active.forEach((i, j) => {
    for (let r = 0; r < n; r++) z0[n + j * n + r] = s0[r * k + i];
  });
  const dpa = new Float64Array(np * ka);
  for (let q = 0; q < np; q++) for (let j = 0; j < ka; j++) dpa[q * ka + j] = dp[q * k + active[j]];
  const t1 = nt > 0 ? times[nt - 1] : t0;
  let rows: (i: number) => Float64Array = () => z0;
  if (n > 0 && t1 > t0) {
    const atolY = model.stateTolerances(y0, p);
    const atol = new Float64Array(N);
    for (let b = 0; b <= ka; b++) atol.set(atolY, b * n);
    const sol = solve(sensitivityProblem(sim, p, dpa, ka, z0, t0, t1), {
      method: 'bdf',
      rtol: model.options.rtol,
      atol,
      saveAt: times,
      maxSteps: model.options.maxSteps,
      events: model.restarts(p, (z) => z.subarray(0, n)),
    });
    rows = (i) => sol.y.subarray(i * N, (i + 1) * N);
  }
  for (let t = 0; t < nt; t++) {
    const z = rows(t);
    y.set(z.subarray(0, n), t * n);
    const o = t * n * k;
    for (let j = 0; j < ka; j++) {
      const i = active[j];
      for (let r = 0; r < n; r++) S[o + r * k + i] = z[n + j * n + r];
    }
  }
  return { y, S };
}

/**
 * ∂y_ss/∂θ (n × k) of a steady state reached from (y0, s0) with ∂p/∂θ = dp: −J⁻¹(∂f/∂p)dp for a Newton
 * steady state (regular Jacobian), else the sensitivities of the integration that reached it.
 */
export function steadyStateSensitivity(
  model: PetabModel,
  state: SteadyState,
  y0: Float64Array,
  p: Float64Array,
  s0: Float64Array,
  dp: Float64Array,
  k: number,
): Float64Array {
  const sim = model.sim;
  const n = sim.n;
  const np = sim.np;
  if (state.method !== 'newton')
    return integrateSensitivities(model, y0, p, s0, dp, k, 0, Float64Array.of(state.time)).S;
  const J = new Float64Array(n * n);
  const Jp = new Float64Array(n * np);
  sim.jacobian(0, state.y, p, J);
  sim.paramJacobian(0, state.y, p, Jp);
  const piv = new Int32Array(n);
  if (luFactor(J, piv, n) === null)
    throw new OdeonError('SingularMatrix', 'The steady-state Jacobian became singular.', {
      hint: 'Tighten the steady-state tolerances.',
    });
  const out = new Float64Array(n * k);
  const col = new Float64Array(n);
  for (let i = 0; i < k; i++) {
    let any = false;
    for (let r = 0; r < n; r++) {
      let acc = 0;
      for (let q = 0; q < np; q++) acc += Jp[r * np + q] * dp[q * k + i];
      col[r] = -acc;
      any ||= acc !== 0;
    }
    if (!any) continue;
    luSolve(col, J, piv, n);
    for (let r = 0; r < n; r++) out[r * k + i] = col[r];
  }
  return out;
}

/** dθ-scale factors: d(linear value)/dθ_i of each estimated parameter. */
export function scaleFactors(model: PetabModel, theta: ArrayLike<number>): Float64Array {
  return Float64Array.from(model.estimated, (j, i) =>
    fromScaleDerivative(theta[i], model.problem.parameters[j].scale),
  );
}

/** ∂[y0; p]/∂θ of a condition ((n + np) × k, row-major), through its initial assignments. */
export function initialSensitivity(
  model: PetabModel,
  condition: string,
  values: Float64Array,
  dValue: Float64Array,
  t0 = 0,
): Float64Array {
  const sim = model.sim;
  const nd = sim.n + sim.np;
  const k = model.size;
  const out = new Float64Array(nd * k);
  const recipe = model.recipes.get(condition);
  if (!recipe) return out;
  const column = model.estimatedColumn;
  const entries: [number, number][] = [];
  for (const [d, s] of recipe) {
    const i = s.kind === 'table' ? column.get(s.index) : undefined;
    if (i !== undefined) entries.push([d, i]);
  }
  if (entries.length === 0) return out;
  const ij = sim.initialJacobian(model.declared(condition, values), t0);
  for (let r = 0; r < nd; r++)
    for (const [d, i] of entries) {
      const a = ij[r * nd + d];
      if (a !== 0) out[r * k + i] += a * dValue[i];
    }
  return out;
}

/**
 * Simulates experiment e with the forward sensitivities of its states with respect to the estimated
 * parameters on their scales, through preequilibration and to its steady state. Models without events.
 */
export function experimentSensitivities(
  model: PetabModel,
  values: Float64Array,
  dValue: Float64Array,
  e: number,
): ExperimentSensitivities {
  const n = model.sim.n;
  const k = model.size;
  const x = model.experiments[e];
  const init = model.initial(e, values);
  const ds = initialSensitivity(model, x.condition, values, dValue, x.t0);
  let s0: Float64Array = ds.slice(0, n * k);
  const dp = ds.slice(n * k);
  if (init.pre) {
    const dsPre = initialSensitivity(model, x.preequilibration, values, dValue);
    const sPre = steadyStateSensitivity(
      model,
      init.pre.state,
      init.pre.y0,
      init.pre.p,
      dsPre.slice(0, n * k),
      dsPre.slice(n * k),
      k,
    );
    for (const r of model.reinitialized.get(x.condition) ?? [])
      sPre.set(s0.subarray(r * k, (r + 1) * k), r * k);
    s0 = sPre;
  }
  const trajectory = integrateSensitivities(model, init.y0, init.p0, s0, dp, k, x.t0, x.times);
  if (!x.steadyState) return { init, trajectory, dp };
  const inf = model.trajectorySteadyState(init.y0, init.p0);
  const sInf = steadyStateSensitivity(model, inf, init.y0, init.p0, s0, dp, k);
  return { init, trajectory, dp, yInf: inf.y, sInf };
}
