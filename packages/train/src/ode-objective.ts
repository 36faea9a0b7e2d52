import {
  type GradientMethod,
  gradient,
  invalidOption,
  type OdeProblem,
  type SensitivityKind,
} from '@odeon/ode';
import { type Dataset, truncatedLength } from './dataset.ts';
import type { GradientEngine } from './fit.ts';
import { datasetError } from './internal/errors.ts';
import { createLoss, type Loss, temporalDropoutMask } from './losses.ts';
import type { StrategyStep } from './strategy.ts';
import type { Batch, ObjectiveResult } from './train.ts';

/** A penalty term added to the data loss: value and gradient w.r.t. the full parameter vector. */
export interface PenaltyResult {
  readonly value: number;
  readonly grad: ArrayLike<number>;
  /** Per-term values, reported as metrics (`penalty.<name>`). */
  readonly byName?: Readonly<Record<string, number>>;
}

/** Options of {@link odeObjective}. */
export interface OdeObjectiveOptions<P = unknown> {
  /** Initial state of each measurement: from the data (default; NaN entries from the model) or the model. */
  readonly initialConditions?: 'data' | 'model';
  /**
   * Sensitivity method; default `discrete`: reverse mode through the solver's own steps, the exact
   * gradient of the computed solution, cost independent of the number of parameters with backward
   * work = the forward steps (2–3× a solve where the continuous adjoint needs 10–25×: few steps, many
   * observations; about the same as `quadrature` on a trained stiff neural ODE). `forward` suits few
   * parameters; `quadrature` for the continuous adjoint.
   */
  readonly sensitivity?: SensitivityKind;
  /** Integrator; default the engine's. */
  readonly method?: GradientMethod;
  /** Default 1e-6. */
  readonly rtol?: number;
  /** Default 1e-8. */
  readonly atol?: number;
  /** Step limit per solve; default the engine's. */
  readonly maxSteps?: number;
  /** Temporal-dropout normalisation (see `TemporalDropout.normalise`); default `kept`. */
  readonly normalise?: 'kept' | 'expected';
  /**
   * Temporal-dropout masks (see `TemporalDropout.per`): `time` (default, the seed's form) draws one
   * mask m_t per time index shared by every measurement of the batch and every species; `series`
   * draws one per measurement.
   */
  readonly dropoutMask?: 'time' | 'series';
  /**
   * Penalties of a stage (`stage.penalties`) evaluated at the parameters, e.g. an adapter around an
   * `@odeon/penalties` collection. Called once per step; `undefined` adds nothing.
   */
  readonly penalty?: (params: Float64Array, stage: StrategyStep<P>) => PenaltyResult | undefined;
  /** Gradient engine; default `gradient` from `@odeon/ode`. */
  readonly gradient?: GradientEngine;
  /**
   * Integrate the measurements of a step as one batched system: `batched(B)` returns a problem of
   * B × n states (row b = measurement b, e.g. `batchedNeuralOdeProblem` of `@odeon/neural`), solved
   * once over the step's time points with one step-size sequence. The measurements of a step must share
   * their time points. Default: one solve per measurement.
   */
  readonly batched?: (batch: number) => OdeProblem;
}

/**
 * The training objective (an `Objective` of `train`, synchronous) of an ODE model on a dataset: the parameters trained
 * are the whole `p` of `problem` (a neural ODE's weights, a mechanistic model's constants, or
 * both). Per step it integrates each measurement of the batch from its initial condition over the
 * curriculum prefix `batch.length`, applies the stage's loss (`stage.loss`; the scaled losses take
 * y_scale from `dataset`) and temporal dropout (`batch.dropout`, masks drawn from `batch.rng`), and
 * returns the mean loss over kept observed entries plus the stage's penalty, with the gradient
 * from `@odeon/ode`'s `gradient`. Metrics: `dataLoss`, `penalty` and `penalty.<name>`. Solver
 * failures (`StepSizeTooSmall`, `MaxStepsReached`, ...) propagate; `train` turns them into
 * `TrainingDiverged` carrying the last good checkpoint and the cause.
 */
export function odeObjective<P = unknown>(
  problem: OdeProblem,
  dataset: Dataset,
  options: OdeObjectiveOptions<P> = {},
): (params: Float64Array, batch: Batch<P>) => ObjectiveResult {
  const n = problem.y0.length;
  const np = problem.p?.length ?? 0;
  const ns = dataset.n;
  const stateOf = new Int32Array(ns);
  for (let j = 0; j < ns; j++) {
    const sp = dataset.species[j];
    const i = problem.names === undefined ? (ns === n ? j : -1) : problem.names.indexOf(sp);
    if (i < 0) {
      throw datasetError(
        problem.names === undefined
          ? `the dataset has ${ns} species but the model ${n} unnamed states.`
          : 'species not in the model.',
        {
          column: sp,
          hint:
            problem.names === undefined
              ? 'Give the problem `names`.'
              : `Model states: ${problem.names.join(', ')}.`,
        },
      );
    }
    stateOf[j] = i;
  }
  const dropoutMask = options.dropoutMask ?? 'time';
  if (dropoutMask !== 'time' && dropoutMask !== 'series')
    throw invalidOption('dropoutMask', dropoutMask, '"time" or "series"');
  const normalise = options.normalise ?? 'kept';
  if (normalise !== 'kept' && normalise !== 'expected') {
    throw invalidOption('normalise', normalise, '"kept" or "expected"');
  }
  const engine: GradientEngine = options.gradient ?? gradient;
  const modelY0 = Float64Array.from(problem.y0);
  const losses = new Map<string, Loss>();
  const lossFor = (stage: StrategyStep<P>): Loss => {
    const key = JSON.stringify(stage.loss);
    let l = losses.get(key);
    if (l === undefined) {
      l = createLoss(stage.loss, dataset);
      losses.set(key, l);
    }
    return l;
  };

  return (params: Float64Array, batch: Batch<P>): ObjectiveResult => {
    if (params.length !== np) {
      throw invalidOption('params', params.length, `${np} parameters (the length of problem.p)`);
    }
    const loss = lossFor(batch.stage);
    const p = batch.dropout;
    // Masks first (as batchLoss draws them), then the normaliser, then the solves.
    const lengths = Array.from(batch.indices, (mi) => {
      const m = dataset.measurements[mi];
      return batch.length >= 1 ? m.t.length : truncatedLength(m.t.length, batch.length);
    });
    const shared = new Uint8Array(Math.max(0, ...lengths)).fill(1);
    if (p > 0 && dropoutMask === 'time') temporalDropoutMask(shared, batch.rng, p);
    const plan = Array.from(batch.indices, (mi, b) => {
      const m = dataset.measurements[mi];
      const nt = lengths[b];
      let keep: Uint8Array = shared.subarray(0, nt);
      if (p > 0 && dropoutMask === 'series') keep = temporalDropoutMask(new Uint8Array(nt), batch.rng, p);
      return { m, nt, keep };
    });
    let denom = 0;
    for (const { m, nt, keep } of plan) {
      for (let i = 0; i < nt; i++) {
        if (normalise === 'kept' && keep[i] === 0) continue;
        for (let j = 0; j < ns; j++) if (!Number.isNaN(m.y[i * ns + j])) denom++;
      }
    }
    const inv = denom > 0 ? 1 / denom : 0;
    const invKeep = 1 / (1 - p);
    const grad = new Float64Array(np);
    const solveOptions = {
      rtol: options.rtol ?? 1e-6,
      atol: options.atol ?? 1e-8,
      sensitivity: { kind: options.sensitivity ?? 'discrete' },
      ...(options.method !== undefined ? { method: options.method } : {}),
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
    } as const;
    const initialOf = (m: (typeof plan)[number]['m']): Float64Array => {
      const y0 = modelY0.slice();
      if ((options.initialConditions ?? 'data') === 'data') {
        for (let j = 0; j < ns; j++) if (!Number.isNaN(m.y0[j])) y0[stateOf[j]] = m.y0[j];
      }
      return y0;
    };
    const weightOf = (keep: Uint8Array) => (i: number) =>
      keep[i] === 0 ? 0 : normalise === 'expected' && i > 0 ? invKeep * inv : inv;
    let dataLoss = 0;
    if (options.batched !== undefined) {
      const rows = plan.filter((r) => r.nt >= 2);
      if (rows.length > 0) {
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
          y0.set(initialOf(r.m), b * n);
        });
        const weights = rows.map((r) => weightOf(r.keep));
        const result = engine(
          { ...options.batched(B), y0, p: params, t0: t[0], t1: t[t.length - 1] },
          {
            saveAt: t,
            ...solveOptions,
            loss: {
              value(i, _t, y) {
                let s = 0;
                for (let b = 0; b < B; b++) {
                  const w = weights[b](i);
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
                  const w = weights[b](i);
                  if (w === 0) continue;
                  const obs = rows[b].m.y;
                  for (let j = 0; j < ns; j++) {
                    const v = obs[i * ns + j];
                    if (!Number.isNaN(v))
                      out[b * n + stateOf[j]] += loss.derivative(y[b * n + stateOf[j]] - v, j) * w;
                  }
                }
              },
            },
          },
        );
        dataLoss = result.value;
        for (let k = 0; k < np; k++) grad[k] = result.dp[k];
      }
    }
    for (const { m, nt, keep } of options.batched === undefined ? plan : []) {
      if (nt < 2) continue;
      const y0 = initialOf(m);
      const t = m.t.subarray(0, nt);
      const obs = m.y;
      const weight = weightOf(keep);
      const r = engine(
        { ...problem, y0, p: params, t0: t[0], t1: t[nt - 1] },
        {
          saveAt: t,
          ...solveOptions,
          loss: {
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
          },
        },
      );
      dataLoss += r.value;
      for (let k = 0; k < np; k++) grad[k] += r.dp[k];
    }
    const metrics: Record<string, number> = { dataLoss };
    let total = dataLoss;
    const pen = options.penalty?.(params, batch.stage);
    if (pen !== undefined) {
      if (pen.grad.length !== np) {
        throw invalidOption('penalty', pen.grad.length, `a gradient of length ${np}`);
      }
      total += pen.value;
      for (let k = 0; k < np; k++) grad[k] += pen.grad[k];
      metrics.penalty = pen.value;
      if (pen.byName) for (const [name, v] of Object.entries(pen.byName)) metrics[`penalty.${name}`] = v;
    }
    return { loss: total, grad, metrics };
  };
}
