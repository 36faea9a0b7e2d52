import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TaskHandler } from '@odeon/ensemble';
import { OdeonError, type OdeProblem, solve } from '@odeon/ode';
// Renamed on import: linters read a bare `fit(...)` as a focused test.
import {
  createOptimizer,
  type FitResult,
  fit as fitModel,
  fitObjective,
  type OptimizerSpec,
  type parseCsv,
} from '@odeon/train';
import type { Command } from 'commander';
import { cliRunner, type ScaleOptions } from '../cli-pool.ts';
import type { RegisterCommand } from '../command.ts';
import { CommandExit, signalExitCode } from '../exit-codes.ts';
import { idRecord } from '../id-record.ts';
import { type CliIo, readTextFile, writeJson } from '../io.ts';
import { loadModelFile, parseModelFile } from '../model-file.ts';
import { modelTitle } from '../model-title.ts';
import { axisFor, renderSvg, seriesColor, type VegaLiteSpec } from '../plot.ts';
import { progressReporter } from '../progress.ts';
import {
  FIT_LOSSES,
  FIT_METHODS,
  FIT_SENSITIVITIES,
  type FitBound,
  type FitLossName,
  type FitSettings,
  loadFitConfig,
} from './fit-config.ts';
import { type FitStartOutput, fitMultiStart, fitStartTask, fitStartTasks } from './fit-multistart.ts';
import { prepareFit } from './fit-prepare.ts';
import { lbfgsOnThread, stoppingMessage } from './fit-thread.ts';

/** Options of `odeon fit` (strings as commander passes them). */
export interface FitCommandOptions extends ScaleOptions {
  readonly params?: string;
  readonly bounds?: string;
  readonly loss?: string;
  readonly multiStart?: string;
  readonly seed?: string;
  readonly sensitivity?: string;
  readonly method?: string;
  readonly rtol?: string;
  readonly atol?: string;
  readonly initial?: string;
  readonly maxIterations?: string;
  readonly plot?: string;
  readonly json?: boolean;
}

/** What `odeon fit` computed (also its `--json` output, which ends with initialLoss, finalLoss, wallSeconds). */
export interface FitCommandResult {
  /** The config file, when the fit came from one. */
  readonly config?: string;
  readonly model: string;
  readonly data: string;
  readonly parameters: Record<string, number>;
  /** Standard errors (L-BFGS with loss mse or sqrtSumOfSquares; see @odeon/train FitOptions.uncertainty). */
  readonly standardErrors?: Record<string, number>;
  readonly initialParameters: Record<string, number>;
  readonly loss: FitLossName;
  /** `lbfgs`, or the first-order optimiser (`adam`, `adamw`, `adabelief`). */
  readonly optimizer: string;
  /** L-BFGS met its tolerance (always false for a first-order optimiser, which runs its steps). */
  readonly converged: boolean;
  /** L-BFGS's stopping reason, or `steps` when a first-order optimiser ran its steps. */
  readonly reason: string;
  /** L-BFGS iterations of the best start, or first-order steps. */
  readonly iterations: number;
  /** Objective evaluations; null for an interrupted L-BFGS fit (its worker was stopped mid-count). */
  readonly evaluations: number | null;
  readonly starts: number;
  readonly sensitivity: string;
  /** The loss at each iteration (L-BFGS) or before each step and at the end (first-order). */
  readonly lossCurve: readonly number[];
  readonly plot?: string;
  /** `<plot>.best.json`: the best parameters, their loss and iteration (written during the fit too). */
  readonly bestFile?: string;
  /** The signal (SIGINT, SIGTERM) that stopped the fit early; the parameters are the best so far. */
  readonly interrupted?: string;
  /** Of `starts`, those that finished before the interruption (a multi-start fit on --workers). */
  readonly startsDone?: number;
  readonly initialLoss: number;
  readonly finalLoss: number;
  readonly wallSeconds: number;
}

const LOSS_NAMES = FIT_LOSSES;

function usage(message: string, option: string): OdeonError {
  return new OdeonError('UsageError', message, { option, hint: 'See `odeon fit --help`.' });
}

function num(value: string | undefined, option: string, check: (x: number) => boolean, what: string) {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || !check(x)) {
    throw usage(`--${option} must be ${what} (got ${JSON.stringify(value)}).`, option);
  }
  return x;
}

function oneOf<T extends string>(
  value: string | undefined,
  option: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw usage(`--${option} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)}).`, option);
  }
  return value as T;
}

/** Parses `k1=1e-3:10,k2=0:5` into bounds per parameter id. */
function parseBounds(text: string | undefined): Map<string, FitBound> {
  const out = new Map<string, FitBound>();
  if (text === undefined) return out;
  for (const part of text.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*([^:]+):(.+)$/.exec(part);
    const lower = m ? Number(m[2]) : Number.NaN;
    const upper = m ? Number(m[3]) : Number.NaN;
    if (!m || Number.isNaN(lower) || Number.isNaN(upper) || !(lower < upper)) {
      throw usage(
        `--bounds entries look like id=lower:upper with lower < upper (got ${JSON.stringify(part.slice(0, 40))}).`,
        'bounds',
      );
    }
    out.set(m[1], { lower, upper });
  }
  return out;
}

/** Options that belong in the config file when `odeon fit config.json` is used. */
const MODEL_OPTIONS = [
  'params',
  'bounds',
  'loss',
  'multiStart',
  'seed',
  'sensitivity',
  'method',
  'rtol',
  'atol',
  'initial',
  'maxIterations',
] as const;

/** The settings of the positional form `odeon fit model data --params ...`. */
function settingsFromOptions(
  modelPath: string,
  dataPath: string,
  options: FitCommandOptions,
  io: CliIo,
): FitSettings {
  if (options.params === undefined || options.params.trim() === '') {
    throw usage('Name the parameters to fit with --params, e.g. --params k1,k2.', 'params');
  }
  const ids = options.params
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bounds = parseBounds(options.bounds);
  const method = oneOf(options.method, 'method', FIT_METHODS);
  const maxIterations = num(
    options.maxIterations,
    'max-iterations',
    (x) => Number.isInteger(x) && x >= 1,
    'an integer ≥ 1',
  );
  const settings: FitSettings = {
    modelPath,
    dataPath,
    params: ids,
    bounds,
    transform: 'auto',
    loss: oneOf(options.loss, 'loss', LOSS_NAMES) ?? 'mse',
    sensitivity: oneOf(options.sensitivity, 'sensitivity', FIT_SENSITIVITIES) ?? 'forward',
    ...(method !== undefined ? { method } : {}),
    initial: oneOf(options.initial, 'initial', ['data', 'model'] as const) ?? 'data',
    multiStart:
      num(options.multiStart, 'multi-start', (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1') ?? 1,
    seed: num(options.seed, 'seed', (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer') ?? 0,
    rtol: num(options.rtol, 'rtol', (x) => x > 0, 'a positive number') ?? 1e-8,
    atol: num(options.atol, 'atol', (x) => x > 0, 'a positive number') ?? 1e-10,
    optimizer: maxIterations === undefined ? { kind: 'lbfgs' } : { kind: 'lbfgs', maxIterations },
    modelFile: loadModelFile(io, modelPath).file,
    dataText: readTextFile(io, dataPath, 'data file'),
  };
  return settings;
}

/**
 * `odeon fit model.xml data.csv --params k1,k2`: estimates the listed parameters of an SBML (or Odeon
 * JSON) model from measurements (CSV `measurement,time,<species>...`, columns named by species id,
 * values in the model's state units) with `fit` from @odeon/train.
 */
export async function fitModelFile(
  modelPath: string,
  dataPath: string,
  options: FitCommandOptions,
  io: CliIo,
): Promise<FitCommandResult> {
  return runFit(settingsFromOptions(modelPath, dataPath, options, io), options, io);
}

/**
 * `odeon fit config.json`: the fit described by a config file (see `FitConfig` in fit-config.ts);
 * only `--plot` and `--json` may be given beside it.
 */
export async function fitConfigFile(
  configPath: string,
  options: FitCommandOptions,
  io: CliIo,
): Promise<FitCommandResult> {
  for (const name of MODEL_OPTIONS) {
    if (options[name] !== undefined) {
      const flag = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      throw usage(
        `--${flag} cannot be combined with a config file: set it in ${JSON.stringify(configPath)} instead.`,
        flag,
      );
    }
  }
  return runFit(loadFitConfig(io, configPath), options, io);
}

/** Runs a fit from resolved settings: L-BFGS through `fit` of @odeon/train, or first-order steps. */
export async function runFit(
  s: FitSettings,
  options: Pick<FitCommandOptions, 'json' | 'plot' | keyof ScaleOptions>,
  io: CliIo,
): Promise<FitCommandResult> {
  const prepared = prepareFit(s);
  const { problem, data, fitOptions } = prepared;
  const rootSum = s.loss === 'sqrtSumOfSquares';
  const lossCurve: number[] = [];
  // a status line on a terminal, a line every few seconds to stderr in CI and pipes
  const reporter = progressReporter(io, { quiet: options.json === true });
  const progress = (label: string, k: number, value: number) =>
    reporter.update(`${label} ${k}: loss ${value.toExponential(4)}  `);
  const start = performance.now();
  const objective = fitObjective(problem, data, fitOptions);
  // Long fits lose nothing: the best parameters so far go to a file (at most once a second, and at the
  // end), and Ctrl-C/SIGTERM stops a fit cleanly with its plot (L-BFGS runs on a worker thread for it).
  const bestFile =
    options.plot !== undefined ? `${options.plot.replace(/\.svg$/i, '')}.best.json` : undefined;
  let best: { value: number; theta: Float64Array; iteration: number } = {
    value: Number.POSITIVE_INFINITY,
    theta: objective.initialTheta.slice(),
    iteration: 0,
  };
  let lastSaved = 0;
  const saveBest = () => {
    if (bestFile === undefined || !Number.isFinite(best.value)) return;
    lastSaved = performance.now();
    writeFileSync(
      resolve(io.cwd, bestFile),
      `${JSON.stringify({ loss: report(best.value), iteration: best.iteration, parameters: idRecord(objective.names, (k) => best.theta[k]) })}\n`,
    );
  };
  const keepBest = (value: number, iteration: number, theta: () => Float64Array) => {
    if (!(value < best.value)) return;
    best = { value, theta: theta(), iteration };
    if (performance.now() - lastSaved > 1000) saveBest();
  };
  const interrupt = { signal: undefined as string | undefined };
  let unregister: (() => void) | undefined;
  // sqrtSumOfSquares: L = sqrt(N·mse) over the N observed values, a monotone map of the mse.
  const N = objective.observed;
  const report = (mean: number) => (rootSum ? Math.sqrt(N * mean) : mean);
  const initialLoss = report(objective.evaluate(objective.toU(objective.initialTheta)).value);
  let p: Float64Array;
  let theta: Float64Array;
  let finalLoss: number;
  let converged: boolean;
  let reason: string;
  let iterations: number;
  let evaluations: number | null;
  let starts = 1;
  let startsDone: number | undefined;
  let standardErrors: Record<string, number> | undefined;
  const o = s.optimizer;
  const scaled = options.workers !== undefined || options.redis !== undefined;
  if (options.redis === undefined && (options.results !== undefined || options.timeout !== undefined))
    throw usage(
      '--results and --timeout go with --redis.',
      options.results !== undefined ? 'results' : 'timeout',
    );
  if (scaled && o.kind !== 'lbfgs')
    throw usage(
      '--workers and --redis spread the starts of an L-BFGS fit; a first-order fit has one start.',
      'workers',
    );
  if (o.kind === 'lbfgs') {
    let r: FitResult | undefined;
    let lastIteration = 0;
    const onIteration = (iteration: number, value: number, u: Float64Array) => {
      lossCurve.push(report(value));
      progress('iteration', iteration, report(value));
      keepBest(value, iteration, () => objective.toTheta(u));
      lastIteration = iteration;
    };
    if (scaled) {
      // The starts as tasks (threads or a Redis queue): the same result whatever the number of workers.
      const tasks = fitStartTasks(s, o.maxIterations ?? 500);
      const runner = cliRunner(options, tasks, { 'fit.start': fitStartTask as TaskHandler }, io, 'fit');
      // On threads, SIGINT/SIGTERM stops the pool at once and keeps the starts that finished. (A
      // --redis run keeps its results file and resumes on a rerun.)
      const finished: FitStartOutput[] = [];
      unregister =
        runner.runAll === undefined
          ? io.onInterrupt?.((signal) => {
              if (interrupt.signal !== undefined) return;
              interrupt.signal = signal;
              io.stderr(stoppingMessage(signal));
              void runner.close({ force: true });
            })
          : undefined;
      try {
        const m = await fitMultiStart(tasks, prepared, runner, {
          onStart: (done, total) => {
            if (io.isTTY && !options.json) io.stderr(`\rstart ${done}/${total}   `);
          },
          onOutput: (out, k) => {
            finished[k] = out;
            keepBest(out.value, out.iterations, () => Float64Array.from(out.theta));
          },
          stopped: () => interrupt.signal !== undefined,
        });
        if (m !== undefined) {
          r = m.result;
          // the best start as fitMultiStart chose it (on a tie, the first), for the .best.json file
          best = { value: r.value, theta: r.theta.slice(), iteration: r.starts[r.bestStart].iterations };
          for (const v of m.lossCurve) lossCurve.push(report(v));
        } else {
          // interrupted: the finished starts' curves in start order, and the best start's iterations
          for (const out of finished)
            if (out !== undefined) for (const v of out.lossCurve) lossCurve.push(report(v));
          startsDone = finished.filter((out) => out !== undefined).length;
          lastIteration = best.iteration;
        }
      } finally {
        await runner.close();
      }
    } else if (io.onInterrupt !== undefined) {
      // A process that can be signalled: L-BFGS (synchronous) runs on a worker thread, so a signal
      // handler runs here and keeps the iterations the worker reported.
      const settings = { ...s, bounds: [...s.bounds.entries()] };
      const outcome = await lbfgsOnThread(
        { settings, maxIterations: o.maxIterations ?? 500 },
        io,
        onIteration,
      );
      if (outcome.signal === undefined) r = outcome.result;
      else interrupt.signal = outcome.signal;
    } else
      r = fitModel(problem, data, {
        ...fitOptions,
        lbfgs: {
          maxIterations: o.maxIterations ?? 500,
          onIteration: (info) => onIteration(info.iteration, info.value, info.x),
        },
      });
    if (r !== undefined) {
      p = r.p;
      theta = r.theta;
      finalLoss = report(r.value);
      converged = r.converged;
      reason = r.reason;
      iterations = r.starts[r.bestStart].iterations;
      evaluations = r.evaluations;
      starts = r.starts.length;
      const se = r.standardErrors;
      // a record without a prototype again (one from the worker thread is a structured clone)
      if (se !== undefined) standardErrors = idRecord(objective.names, (k) => se[objective.names[k]]);
    } else {
      // interrupted: the best iterate the worker reported (the start, if none)
      theta = best.theta;
      p = objective.fullParams(theta);
      finalLoss = Number.isFinite(best.value) ? report(best.value) : initialLoss;
      converged = false;
      reason = 'interrupted';
      iterations = lastIteration;
      evaluations = null;
      starts = s.multiStart;
    }
  } else {
    const { lr, steps, ...spec } = o;
    const u = objective.toU(objective.initialTheta);
    const opt = createOptimizer(spec as OptimizerSpec, u.length);
    const grad = new Float64Array(u.length);
    finalLoss = Number.NaN;
    let stoppedAt: number | undefined;
    // A first-order fit yields between steps, so Ctrl-C/SIGTERM stops it cleanly with its plot. (A
    // synchronous L-BFGS run cannot see a signal until it ends: Ctrl-C ends it at once, and the best
    // parameters so far are in the .best.json file beside --plot.)
    unregister = io.onInterrupt?.((signal) => {
      interrupt.signal = signal;
      io.stderr(`\n${signal}: stopping; writing the best parameters so far and the plot...\n`);
    });
    for (let k = 0; k <= steps; k++) {
      const r = objective.evaluate(u);
      const value = report(r.value);
      if (!Number.isFinite(value) || !r.grad.every(Number.isFinite)) {
        throw new OdeonError(
          'TrainingDiverged',
          `The fit diverged at step ${k}: the loss is ${value} (the model could not be integrated or the gradient is not finite).`,
          { hint: 'Lower optimizer.lr, add bounds, or use a log transform.' },
        );
      }
      lossCurve.push(value);
      progress('step', k, value);
      finalLoss = value;
      keepBest(r.value, k, () => objective.toTheta(u));
      if (k === steps) break;
      // let a Ctrl-C/SIGTERM handler run between steps
      await new Promise((done) => setImmediate(done));
      if (interrupt.signal !== undefined) {
        stoppedAt = k;
        break;
      }
      // d sqrt(N·m)/du = N·dm/du / (2 sqrt(N·m))
      const scale = rootSum ? (value > 0 ? N / (2 * value) : 0) : 1;
      for (let j = 0; j < u.length; j++) grad[j] = r.grad[j] * scale;
      opt.update(u, grad, lr);
    }
    theta = stoppedAt === undefined ? objective.toTheta(u) : best.theta;
    if (stoppedAt !== undefined) finalLoss = report(best.value);
    p = objective.fullParams(theta);
    converged = false; // a fixed number of first-order steps checks no convergence criterion
    reason = stoppedAt === undefined ? 'steps' : 'interrupted';
    iterations = stoppedAt ?? steps;
    evaluations = iterations + 1;
  }
  unregister?.();
  reporter.done();
  saveBest();
  const wallSeconds = (performance.now() - start) / 1000;
  const initialParameters = idRecord(objective.names, (k) => objective.initialTheta[k]);
  const fitted = idRecord(objective.names, (k) => theta[k]);
  if (options.plot !== undefined) {
    const svg = await renderSvg(
      fitPlotSpec(
        problem,
        data,
        p,
        lossCurve,
        s.initial,
        modelTitle(parseModelFile(s.modelFile), s.modelPath),
        o.kind === 'lbfgs' ? 'iteration' : 'step',
        s.loss,
      ),
    );
    try {
      writeFileSync(resolve(io.cwd, options.plot), svg);
    } catch (cause) {
      throw new OdeonError(
        'IoError',
        `Cannot write ${JSON.stringify(options.plot)}: ${(cause as Error).message}`,
        {
          cause,
          hint: 'Check the folder exists and is writable.',
        },
      );
    }
  }
  return {
    ...(s.config !== undefined ? { config: s.config } : {}),
    model: s.modelPath,
    data: s.dataPath,
    parameters: fitted,
    ...(standardErrors !== undefined ? { standardErrors } : {}),
    initialParameters,
    loss: s.loss,
    optimizer: o.kind,
    converged,
    reason,
    iterations,
    evaluations,
    starts,
    sensitivity: s.sensitivity,
    lossCurve,
    ...(options.plot !== undefined ? { plot: options.plot } : {}),
    ...(bestFile !== undefined && Number.isFinite(best.value) ? { bestFile } : {}),
    ...(interrupt.signal !== undefined ? { interrupted: interrupt.signal } : {}),
    ...(startsDone !== undefined ? { startsDone } : {}),
    initialLoss,
    finalLoss,
    wallSeconds,
  };
}

/**
 * Data (points) vs the fitted model (lines, drawn over the points) per measurement and species,
 * beside the loss curve (log scale); every axis labels each tick in one format (`axisFor`).
 */
export function fitPlotSpec(
  problem: OdeProblem,
  data: ReturnType<typeof parseCsv>,
  p: Float64Array,
  lossCurve: readonly number[],
  initial: 'data' | 'model',
  title: string,
  stepName: 'iteration' | 'step',
  loss: FitLossName,
): VegaLiteSpec {
  const points: { t: number; value: number; series: string }[] = [];
  const lines: { t: number; value: number; series: string }[] = [];
  const n = data.n;
  const stateOf = data.species.map((s) => (problem.names ?? []).indexOf(s));
  for (const m of data.measurements) {
    const label = (j: number) => (data.size > 1 ? `${m.name}: ${data.species[j]}` : data.species[j]);
    for (let i = 0; i < m.t.length; i++) {
      for (let j = 0; j < n; j++) {
        const v = m.y[i * n + j];
        if (Number.isFinite(v)) points.push({ t: m.t[i], value: v, series: label(j) });
      }
    }
    const y0 = Float64Array.from(problem.y0);
    if (initial === 'data') for (let j = 0; j < n; j++) if (!Number.isNaN(m.y0[j])) y0[stateOf[j]] = m.y0[j];
    const a = m.t[0];
    const b = m.t[m.t.length - 1];
    if (!(b > a)) continue;
    const ts = Array.from({ length: 201 }, (_, k) => a + ((b - a) * k) / 200);
    try {
      const sol = solve({ ...problem, y0, p, t0: a, t1: b }, { saveAt: ts, rtol: 1e-8, atol: 1e-12 });
      for (let k = 0; k < ts.length; k++) {
        for (let j = 0; j < n; j++)
          lines.push({ t: ts[k], value: sol.y[k * sol.n + stateOf[j]], series: label(j) });
      }
    } catch {
      // A model that cannot be integrated at the fitted values is plotted without its line.
    }
  }
  // legend in model order: measurement by measurement, species in the data's column order
  const seriesOrder = data.measurements.flatMap((m) =>
    data.species.map((sp) => (data.size > 1 ? `${m.name}: ${sp}` : sp)),
  );
  const values = [...points, ...lines];
  const enc = {
    x: {
      field: 't',
      type: 'quantitative',
      title: 'time',
      scale: { zero: false },
      axis: axisFor(
        values.map((d) => d.t),
        false,
      ),
    },
    y: {
      field: 'value',
      type: 'quantitative',
      title: 'value',
      scale: { zero: false },
      axis: axisFor(
        values.map((d) => d.value),
        false,
      ),
    },
    color: seriesColor(seriesOrder),
  };
  // dense data (hundreds of points) as small dots, so the fitted line over them stays visible
  const size = points.length > 200 ? 8 : 30;
  const curve = lossCurve.map((v, i) => ({ k: i + 1, loss: v })).filter((d) => d.loss > 0);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `odeon fit: ${title}`, subtitle: 'points: data; lines: the fitted model' },
    hconcat: [
      {
        width: 480,
        height: 320,
        layer: [
          {
            data: { values: points },
            mark: { type: 'point', filled: true, size, opacity: 0.8 },
            encoding: enc,
          },
          { data: { values: lines }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: enc },
        ],
      },
      {
        width: 260,
        height: 320,
        data: { values: curve },
        mark: { type: 'line', point: curve.length <= 100 },
        encoding: {
          x: {
            field: 'k',
            type: 'quantitative',
            title: stepName,
            scale: { zero: false },
            axis: { format: 'd', tickMinStep: 1, labelOverlap: false, tickCount: 6 },
          },
          y: {
            field: 'loss',
            type: 'quantitative',
            title: `loss (${loss})`,
            scale: { type: 'log' },
            axis: axisFor(
              curve.map((d) => d.loss),
              true,
            ),
          },
        },
      },
    ],
  };
}

export const registerFit: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('fit')
    .description(
      'Estimate model parameters from measurements: L-BFGS (or Adam) on ODE gradients (forward sensitivities by default), bounds via log/logistic transforms, multi-start. Give a model and a CSV with --params, or one config.json.',
    )
    .argument(
      '<model|config>',
      'SBML (.xml) or Odeon JSON model; or a fit config (.json) when no data is given',
    )
    .argument('[data]', 'CSV with header measurement,time,<species ids>...; empty cells are missing values')
    .option('--params <ids>', 'comma-separated parameter ids to fit (required with a model and data)')
    .option(
      '--bounds <list>',
      'bounds as id=lower:upper,... (positive parameters without bounds get a log transform)',
    )
    .option('--loss <name>', `loss: ${LOSS_NAMES.join(', ')} (default mse)`)
    .option('--multi-start <n>', 'number of starts (default 1)')
    .option('--seed <n>', 'seed of the extra starts (default 0)')
    .option('--sensitivity <kind>', `gradient method: ${FIT_SENSITIVITIES.join(', ')} (default forward)`)
    .option('--method <name>', `integrator: ${FIT_METHODS.join(', ')} (default rodas5p)`)
    .option('--rtol <x>', 'relative tolerance (default 1e-8)')
    .option('--atol <x>', 'absolute tolerance (default 1e-10)')
    .option('--initial <from>', 'initial conditions from the data (default) or the model')
    .option('--max-iterations <n>', 'L-BFGS iterations per start (default 500)')
    .option('--plot <file.svg>', 'write an SVG of data vs fit and the loss curve')
    .option('--workers <k>', 'run the starts on k worker threads (same result for any k; L-BFGS)')
    .option('--redis <url>', 'run the starts on `odeon worker`s through Redis (redis://host:port)')
    .option(
      '--results <file>',
      'with --redis: results file, resumed on a rerun (default out/runs/fit-<run>.jsonl)',
    )
    .option('--timeout <s>', 'with --redis: give up after this many seconds, keeping results (default 86400)')
    .option('--json', 'print a machine-readable summary (ends with initialLoss, finalLoss and wallSeconds)')
    .addHelpText(
      'after',
      `
Examples:
  odeon fit model.xml data.csv --params k1,k2 --bounds k1=1e-3:10 --multi-start 4 --json
  odeon fit examples/sbml-gradient-descent/config.json --json --plot fit.svg
  odeon fit model.xml data.csv --params k1,k2 --multi-start 64 --workers 2
  odeon fit model.xml data.csv --params k1,k2 --multi-start 64 --redis redis://127.0.0.1:6379

Config file (paths relative to it; only model, data and params are required):
  {
    "model": "model.xml",                 SBML or Odeon JSON model
    "data": "data.csv",                   measurements / target
    "params": ["k1", "k2"],               parameter ids, or "all"
    "bounds": { "k1": { "lower": 1e-3, "upper": 10, "transform": "log" } },
    "transform": "auto",                  others: auto (log if positive), none (raw), log
    "initial": "data",                    initial state from the data or the model
    "loss": "mse",                        ${LOSS_NAMES.join(', ')}
    "optimizer": { "kind": "lbfgs", "maxIterations": 500 },
                                          or { "kind": "adam", "lr": 1e-3, "steps": 1000 }
                                          (adamw, adabelief: also weightDecay; beta1, beta2, eps)
    "multiStart": 1, "seed": 0,           extra starts (lbfgs) drawn within the bounds
    "sensitivity": "forward", "method": "rodas5p", "rtol": 1e-8, "atol": 1e-10
  }
sqrtSumOfSquares is L = sqrt(sum of squared residuals over all observed values); L-BFGS
minimises the equivalent mse and reports L. Unknown keys are errors.
`,
    )
    .action(async (first: string, dataPath: string | undefined, options: FitCommandOptions) => {
      const r =
        dataPath === undefined
          ? await fitConfigFile(first, options, io)
          : await fitModelFile(first, dataPath, options, io);
      const exit = () => {
        if (r.interrupted !== undefined) throw new CommandExit(signalExitCode(r.interrupted));
      };
      if (options.json) {
        writeJson(io, r);
        return exit();
      }
      io.stdout(`fitted ${Object.keys(r.parameters).length} parameter(s) of ${r.model} to ${r.data}\n`);
      for (const [name, v] of Object.entries(r.parameters)) {
        const se = r.standardErrors?.[name];
        io.stdout(
          `  ${name} = ${v.toPrecision(8)}${se !== undefined ? ` ± ${se.toPrecision(2)}` : ''}   (start ${r.initialParameters[name]?.toPrecision(4)})\n`,
        );
      }
      const how =
        r.interrupted !== undefined
          ? `INTERRUPTED by ${r.interrupted} (not converged) after ${r.iterations} ${r.optimizer === 'lbfgs' ? 'iterations' : 'steps'}`
          : r.optimizer === 'lbfgs'
            ? `${r.converged ? 'converged' : 'NOT converged'} (${r.reason}), ${r.iterations} iterations`
            : `${r.optimizer}, ${r.iterations} steps`;
      const evals = r.evaluations === null ? '' : `, ${r.evaluations} evaluations`;
      io.stdout(
        `loss (${r.loss}) ${r.initialLoss.toExponential(3)} -> ${r.finalLoss.toExponential(3)}; ${how}${evals}, ${r.wallSeconds.toFixed(2)} s\n`,
      );
      if (r.interrupted !== undefined)
        io.stdout(
          `interrupted by ${r.interrupted}: the parameters above are the best so far${r.startsDone !== undefined ? ` (of the ${r.startsDone} of ${r.starts} starts that finished)` : ''}\n`,
        );
      else if (r.reason === 'lineSearchFailed')
        io.stdout(
          'the line search could not lower the loss further: the fit may be at the accuracy of the ODE solution (try a smaller rtol/atol), or the loss is not smooth there (try other starts)\n',
        );
      else if (r.reason === 'maxIterations')
        io.stdout(
          'the iteration limit was reached before a stopping test held: raise it (--max-iterations, or optimizer.maxIterations in a config)\n',
        );
      if (r.plot !== undefined) io.stdout(`wrote ${r.plot}\n`);
      if (r.bestFile !== undefined) io.stdout(`wrote ${r.bestFile} (best parameters)\n`);
      exit();
    });
};
