import {
  type GradientMethod,
  gradient,
  invalidOption,
  type OdeProblem,
  type SensitivityKind,
} from '@odeon/ode';
import { type Dataset, truncatedLength } from './dataset.ts';
import { createLoss, type Loss, temporalDropoutMask } from './losses.ts';
import { type GradientEngine, MeasurementLoss, type MeasurementSolve } from './measurement-loss.ts';
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
   * Sensitivity method; default `discrete`: reverse mode through the solver's own steps (the exact
   * gradient of the computed solution; one backward sweep whatever the number of parameters).
   * `forward` suits few parameters; `quadrature` is the continuous adjoint.
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
  const np = problem.p?.length ?? 0;
  const ns = dataset.n;
  const measurementLoss = new MeasurementLoss(
    problem,
    dataset,
    options.gradient ?? gradient,
    options.initialConditions ?? 'data',
  );
  const dropoutMask = options.dropoutMask ?? 'time';
  if (dropoutMask !== 'time' && dropoutMask !== 'series')
    throw invalidOption('dropoutMask', dropoutMask, '"time" or "series"');
  const normalise = options.normalise ?? 'kept';
  if (normalise !== 'kept' && normalise !== 'expected') {
    throw invalidOption('normalise', normalise, '"kept" or "expected"');
  }
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

  const solve: MeasurementSolve = {
    rtol: options.rtol ?? 1e-6,
    atol: options.atol ?? 1e-8,
    sensitivity: options.sensitivity ?? 'discrete',
    method: options.method,
    maxSteps: options.maxSteps,
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
    let dataLoss = 0;
    const weightOf = (keep: Uint8Array) => (i: number) =>
      keep[i] === 0 ? 0 : normalise === 'expected' && i > 0 ? invKeep * inv : inv;
    const rows = plan.filter((r) => r.nt >= 2);
    if (options.batched !== undefined) {
      const batched = rows.map((r) => ({ m: r.m, nt: r.nt, weight: weightOf(r.keep) }));
      dataLoss = measurementLoss.addBatchedGradient(grad, batched, params, loss, solve, options.batched);
    } else {
      for (const { m, nt, keep } of rows)
        dataLoss += measurementLoss.addGradient(grad, m, nt, params, loss, weightOf(keep), solve);
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
