import {
  type GradientMethod,
  type GradientOptions,
  invalidOption,
  type OdeProblem,
  type SensitivityKind,
} from '@odeon/ode';
import type { Dataset, Measurement } from './dataset.ts';
import { datasetError } from './internal/errors.ts';
import type { Loss } from './losses.ts';

/**
 * The gradient engine `fit` and `odeObjective` call: `gradient` from `@odeon/ode` by default
 * (injectable for testing or to use another engine with the same contract).
 */
export type GradientEngine = (
  problem: OdeProblem,
  options: GradientOptions,
) => { readonly value: number; readonly dp: ArrayLike<number>; readonly dy0: ArrayLike<number> };

/** Solver settings of the gradient solves. */
export interface MeasurementSolve {
  readonly rtol: number;
  readonly atol: number;
  readonly sensitivity: SensitivityKind;
  readonly method?: GradientMethod | undefined;
  readonly maxSteps?: number | undefined;
}

/** The options of one gradient solve: `solve`'s settings, saved at `saveAt`, with `loss`. */
function gradientOptions(
  solve: MeasurementSolve,
  saveAt: Float64Array,
  loss: GradientOptions['loss'],
): GradientOptions {
  return {
    saveAt,
    rtol: solve.rtol,
    atol: solve.atol,
    sensitivity: { kind: solve.sensitivity },
    ...(solve.method !== undefined ? { method: solve.method } : {}),
    ...(solve.maxSteps !== undefined ? { maxSteps: solve.maxSteps } : {}),
    loss,
  };
}

/**
 * The state index of each dataset species: by name when the problem has `names`, else by position
 * when the counts agree.
 * @throws OdeonError `DatasetError` for a species the model does not have.
 */
export function speciesStates(problem: OdeProblem, dataset: Dataset): Int32Array {
  const n = problem.y0.length;
  const stateOf = new Int32Array(dataset.n);
  for (let j = 0; j < dataset.n; j++) {
    const sp = dataset.species[j];
    const i = problem.names === undefined ? (dataset.n === n ? j : -1) : problem.names.indexOf(sp);
    if (i < 0) {
      throw datasetError(
        problem.names === undefined
          ? `the dataset has ${dataset.n} species but the model ${n} unnamed states.`
          : 'species not in the model.',
        {
          column: sp,
          hint:
            problem.names === undefined
              ? 'Give the problem `names` so species can be matched by name.'
              : `Model states: ${problem.names.join(', ')}.`,
        },
      );
    }
    stateOf[j] = i;
  }
  return stateOf;
}

/**
 * The loss of an ODE model against measurements, one gradient solve per measurement: observations
 * are compared with the states of their species, NaN observations are skipped, and each time point
 * carries a weight (normalisation, temporal dropout).
 */
export class MeasurementLoss {
  /** State index of each species. */
  readonly stateOf: Int32Array;
  private readonly modelY0: Float64Array;

  constructor(
    readonly problem: OdeProblem,
    readonly dataset: Dataset,
    readonly engine: GradientEngine,
    /** Initial states from the data (NaN entries from the model) or from the model. */
    readonly initialConditions: 'data' | 'model',
  ) {
    this.stateOf = speciesStates(problem, dataset);
    this.modelY0 = Float64Array.from(problem.y0);
  }

  /** The initial state of measurement `m`. */
  initialState(m: Measurement): Float64Array {
    const y0 = this.modelY0.slice();
    if (this.initialConditions === 'data') {
      const stateOf = this.stateOf;
      for (let j = 0; j < this.dataset.n; j++) if (!Number.isNaN(m.y0[j])) y0[stateOf[j]] = m.y0[j];
    }
    return y0;
  }

  /**
   * Integrates measurement `m` over its first `nt` times at parameters `p`; adds the gradient of
   * Σᵢ weight(i)·Σⱼ loss(yⱼ(tᵢ) − obsᵢⱼ) with respect to p to `dp` and returns that sum. Solver
   * failures propagate.
   */
  addGradient(
    dp: Float64Array,
    m: Measurement,
    nt: number,
    p: Float64Array,
    loss: Loss,
    weight: (i: number) => number,
    solve: MeasurementSolve,
  ): number {
    const stateOf = this.stateOf;
    const ns = this.dataset.n;
    const t = m.t.subarray(0, nt);
    const obs = m.y;
    const r = this.engine(
      { ...this.problem, y0: this.initialState(m), p, t0: t[0], t1: t[nt - 1] },
      gradientOptions(solve, t, {
        value(i, _t, y) {
          const w = weight(i);
          if (w === 0) return 0;
          let s = 0;
          for (let j = 0; j < ns; j++) {
            const v = obs[i * ns + j];
            if (!Number.isNaN(v)) s += loss.point(y[stateOf[j]] - v, j);
          }
          return s * w;
        },
        grad(i, _t, y, out) {
          out.fill(0);
          const w = weight(i);
          if (w === 0) return;
          for (let j = 0; j < ns; j++) {
            const v = obs[i * ns + j];
            if (!Number.isNaN(v)) out[stateOf[j]] += loss.derivative(y[stateOf[j]] - v, j) * w;
          }
        },
      }),
    );
    for (let k = 0; k < dp.length; k++) dp[k] += r.dp[k];
    return r.value;
  }

  /**
   * The measurements `rows` (sharing their time points) integrated as one system of B × n states,
   * `batched(B)` (row b = measurement b), with one step-size sequence: adds the gradient of the summed
   * weighted loss to `dp` and returns that sum, as {@link addGradient} summed over the rows.
   * @throws OdeonError `InvalidOption` for measurements on different time points.
   */
  addBatchedGradient(
    dp: Float64Array,
    rows: readonly { readonly m: Measurement; readonly nt: number; readonly weight: (i: number) => number }[],
    p: Float64Array,
    loss: Loss,
    solve: MeasurementSolve,
    batched: (batch: number) => OdeProblem,
  ): number {
    if (rows.length === 0) return 0;
    const stateOf = this.stateOf;
    const ns = this.dataset.n;
    const n = this.problem.y0.length;
    const t = rows[0].m.t.subarray(0, rows[0].nt);
    for (const r of rows)
      if (r.nt !== t.length || r.m.t.subarray(0, r.nt).some((x, i) => x !== t[i]))
        throw invalidOption(
          'batched',
          'measurements on different time points',
          'measurements that share their time points (or one solve per measurement: no `batched`)',
        );
    const B = rows.length;
    const y0 = new Float64Array(B * n);
    rows.forEach((r, b) => {
      y0.set(this.initialState(r.m), b * n);
    });
    const r = this.engine(
      { ...batched(B), y0, p, t0: t[0], t1: t[t.length - 1] },
      gradientOptions(solve, t, {
        value(i, _t, y) {
          let s = 0;
          for (let b = 0; b < B; b++) {
            const w = rows[b].weight(i);
            if (w === 0) continue;
            const obs = rows[b].m.y;
            let sb = 0;
            for (let j = 0; j < ns; j++) {
              const v = obs[i * ns + j];
              if (!Number.isNaN(v)) sb += loss.point(y[b * n + stateOf[j]] - v, j);
            }
            s += sb * w;
          }
          return s;
        },
        grad(i, _t, y, out) {
          out.fill(0);
          for (let b = 0; b < B; b++) {
            const w = rows[b].weight(i);
            if (w === 0) continue;
            const obs = rows[b].m.y;
            for (let j = 0; j < ns; j++) {
              const v = obs[i * ns + j];
              if (!Number.isNaN(v))
                out[b * n + stateOf[j]] += loss.derivative(y[b * n + stateOf[j]] - v, j) * w;
            }
          }
        },
      }),
    );
    for (let k = 0; k < dp.length; k++) dp[k] += r.dp[k];
    return r.value;
  }
}
