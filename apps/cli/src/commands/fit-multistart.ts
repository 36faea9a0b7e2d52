import { runTasks, type Task, type TaskReply, type TaskRunner, unwrapReply } from '@odeon/ensemble';
import { isOdeonError, OdeonError } from '@odeon/ode';
import {
  type FitResult,
  type FitStart,
  type FitUncertainty,
  fit as fitModel,
  fitObjective,
  fitStartTheta,
  fitUncertainty,
  LBFGS_CONVERGED,
  type LbfgsReason,
} from '@odeon/train';
import type { FitBound, FitSettings } from './fit-config.ts';
import { type PreparedFit, prepareFit } from './fit-prepare.ts';

/** Fit settings as plain data (bounds as entries), for a task. */
export type FitSettingsData = Omit<FitSettings, 'bounds'> & {
  readonly bounds: readonly [string, FitBound][];
};

/** Input of a `fit.start` task: one start of a multi-start fit. */
export interface FitStartInput {
  readonly settings: FitSettingsData;
  readonly start: number;
  readonly maxIterations: number;
  /** Standard errors of this start (default true); a pool computes them for the best start only. */
  readonly uncertainty?: boolean;
}

/** Output of a `fit.start` task. */
export interface FitStartOutput extends FitStart {
  readonly evaluations: number;
  /** Of `evaluations`, those of the standard errors (2 per parameter, as `fit` spends at its best start). */
  readonly covarianceEvaluations: number;
  readonly lossCurve: readonly number[];
  readonly standardErrors?: Readonly<Record<string, number>>;
  readonly covariance?: Float64Array;
}

const prepared = new Map<string, PreparedFit>();

function settingsOf(data: FitSettingsData): FitSettings {
  return { ...data, bounds: new Map(data.bounds) };
}

/**
 * One start of a multi-start fit (the `fit.start` task): L-BFGS from `fitStartTheta(seed, start)`,
 * exactly what start `start` of `fit` does in one loop, with its standard errors.
 */
export function fitStartTask(input: FitStartInput): FitStartOutput {
  const key = JSON.stringify(input.settings);
  let p = prepared.get(key);
  if (p === undefined) {
    p = prepareFit(settingsOf(input.settings));
    prepared.clear(); // one fit at a time per worker: keep one compiled model
    prepared.set(key, p);
  }
  const s = input.settings;
  const objective = fitObjective(p.problem, p.data, p.fitOptions);
  const theta0 = fitStartTheta(objective, s.seed, input.start);
  const lossCurve: number[] = [];
  try {
    const r = fitModel(p.problem, p.data, {
      ...p.fitOptions,
      multiStart: 1,
      uncertainty: false,
      parameters: p.fitOptions.parameters.map((param, k) =>
        typeof param === 'object'
          ? { ...param, initial: theta0[k] }
          : { name: String(param), initial: theta0[k] },
      ),
      lbfgs: { maxIterations: input.maxIterations, onIteration: (info) => lossCurve.push(info.value) },
    });
    const b = r.starts[0];
    const u =
      input.uncertainty === false
        ? { evaluations: 0 }
        : fitUncertainty(objective, b.theta, b.value, p.fitOptions);
    return withUncertainty(
      {
        covarianceEvaluations: 0,
        initial: theta0,
        theta: b.theta,
        value: b.value,
        iterations: b.iterations,
        reason: b.reason,
        evaluations: r.evaluations,
        lossCurve,
      },
      u,
    );
  } catch (error) {
    if (!isOdeonError(error, 'TrainingDiverged')) throw error;
    return {
      initial: theta0,
      theta: theta0.slice(),
      value: Number.POSITIVE_INFINITY,
      iterations: 0,
      reason: 'failed',
      error: error.message,
      evaluations: 0,
      covarianceEvaluations: 0,
      lossCurve,
    };
  }
}

/** A start's output with the standard errors `u` computed at its optimum (and their evaluations). */
function withUncertainty(out: FitStartOutput, u: FitUncertainty): FitStartOutput {
  return {
    ...out,
    evaluations: out.evaluations + u.evaluations,
    covarianceEvaluations: u.evaluations,
    ...(u.standardErrors !== undefined ? { standardErrors: u.standardErrors } : {}),
    ...(u.covariance !== undefined ? { covariance: u.covariance } : {}),
  };
}

/** The tasks of a multi-start fit: one `fit.start` per start. */
export function fitStartTasks(s: FitSettings, maxIterations: number): Task<FitStartInput>[] {
  const settings: FitSettingsData = { ...s, bounds: [...s.bounds.entries()] };
  return Array.from({ length: s.multiStart }, (_, start) => ({
    name: 'fit.start',
    input: { settings, start, maxIterations },
  }));
}

/** Callbacks of {@link fitMultiStart}. */
export interface MultiStartHooks {
  /** Called as each start finishes, with the count of finished starts. */
  readonly onStart?: (done: number, total: number) => void;
  /** Called with each start that finished without error (in completion order). */
  readonly onOutput?: (out: FitStartOutput, start: number) => void;
  /** True once the run was stopped (the runner closed by force): no result, the hooks are silent. */
  readonly stopped?: () => boolean;
}

/**
 * A multi-start L-BFGS fit with the starts as tasks on `runner` (threads or a Redis queue): start k
 * uses its own seed stream, so the result is the same whatever the number of workers, and the same
 * as `fit` of @odeon/train in one loop; the loss curve is the starts' curves one after another.
 * Undefined when `hooks.stopped()` turned true: the caller keeps what `onOutput` saw.
 */
export async function fitMultiStart(
  tasks: readonly Task<FitStartInput>[],
  p: PreparedFit,
  runner: TaskRunner,
  hooks: MultiStartHooks = {},
): Promise<{ readonly result: FitResult; readonly lossCurve: readonly number[] } | undefined> {
  const { onStart, onOutput, stopped = () => false } = hooks;
  // On threads, the starts skip their standard errors and they are computed here at the best start, as
  // `fit` does (2 evaluations per parameter, per start otherwise).
  // A queue (`runAll`) names its run by the task list, so there every start computes its own.
  const once = runner.runAll === undefined;
  const sent = once ? tasks.map((t) => ({ ...t, input: { ...t.input, uncertainty: false } })) : tasks;
  let replies: TaskReply[];
  try {
    replies = await runTasks(runner, sent, {
      onResult: (r, k, done, total) => {
        if (stopped()) return;
        if (r.ok) onOutput?.(r.output as FitStartOutput, k);
        onStart?.(done, total);
      },
    });
  } catch (error) {
    if (stopped()) return undefined; // a closed in-thread pool refuses the remaining starts
    throw error;
  }
  if (stopped()) return undefined;
  const outs = replies.map((r, k) => unwrapReply<FitStartOutput>(r, `Start ${k} of the fit`));
  let best = 0;
  for (let k = 1; k < outs.length; k++) if (outs[k].value < outs[best].value) best = k;
  if (outs[best].reason === 'failed')
    throw new OdeonError(
      'TrainingDiverged',
      'Every start of the fit failed: the model could not be integrated.',
      {
        hint: `First error: ${outs[0].error ?? 'unknown'}. Check the initial values and bounds.`,
      },
    );
  const objective = fitObjective(p.problem, p.data, p.fitOptions);
  if (once)
    outs[best] = withUncertainty(
      outs[best],
      fitUncertainty(objective, outs[best].theta, outs[best].value, p.fitOptions),
    );
  const b = outs[best];
  const parameters: Record<string, number> = Object.create(null);
  objective.names.forEach((name, k) => {
    parameters[name] = b.theta[k];
  });
  const starts: FitStart[] = outs.map((o) => ({
    initial: o.initial,
    theta: o.theta,
    value: o.value,
    iterations: o.iterations,
    reason: o.reason as LbfgsReason | 'failed',
    ...(o.error !== undefined ? { error: o.error } : {}),
  }));
  const result: FitResult = {
    parameters,
    theta: b.theta.slice(),
    p: objective.fullParams(b.theta),
    value: b.value,
    // The same set `fit` uses (it counts the noise floor as converged).
    converged: LBFGS_CONVERGED.has(b.reason as LbfgsReason),
    reason: b.reason,
    // As `fit` counts: every start's L-BFGS evaluations, and the standard errors of the best start only.
    evaluations:
      outs.reduce((n, o) => n + o.evaluations - o.covarianceEvaluations, 0) + b.covarianceEvaluations,
    starts,
    bestStart: best,
    ...(b.standardErrors !== undefined && b.covariance !== undefined
      ? { standardErrors: b.standardErrors, covariance: b.covariance }
      : {}),
  };
  return { result, lossCurve: outs.flatMap((o) => o.lossCurve) };
}
