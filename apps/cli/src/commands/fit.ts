import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OdeonError, type OdeProblem, solve } from '@odeon/ode';
import { compileModel, loadModel } from '@odeon/sbml';
// Renamed on import: linters read a bare `fit(...)` as a focused test.
import {
  type FitOptions,
  type FitParameter,
  fit as fitModel,
  fitObjective,
  type LossName,
  parseCsv,
} from '@odeon/train';
import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { type CliIo, writeJson } from '../io.ts';
import { renderSvg, type VegaLiteSpec } from '../plot.ts';
import { readTextFile } from './simulate-model.ts';

/** Options of `odeon fit` (strings as commander passes them). */
export interface FitCommandOptions {
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

/** What `odeon fit` computed (also its `--json` output). */
export interface FitCommandResult {
  readonly model: string;
  readonly data: string;
  readonly parameters: Record<string, number>;
  /** Standard errors (loss mse only; see @odeon/train FitOptions.uncertainty). */
  readonly standardErrors?: Record<string, number>;
  readonly initialParameters: Record<string, number>;
  readonly initialLoss: number;
  readonly finalLoss: number;
  readonly loss: LossName;
  readonly converged: boolean;
  readonly reason: string;
  readonly iterations: number;
  readonly evaluations: number;
  readonly starts: number;
  readonly sensitivity: string;
  readonly lossCurve: readonly number[];
  readonly wallSeconds: number;
  readonly plot?: string;
}

const LOSSES: readonly LossName[] = ['mse', 'scaledMse', 'logcosh', 'mae', 'scaledMae'];
const SENSITIVITIES = ['forward', 'quadrature', 'interpolating', 'backsolve', 'discrete'] as const;
const METHODS = ['rodas5p', 'rodas4', 'dopri5'] as const;

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
function parseBounds(text: string | undefined): Map<string, { lower: number; upper: number }> {
  const out = new Map<string, { lower: number; upper: number }>();
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
  if (options.params === undefined || options.params.trim() === '') {
    throw usage('Name the parameters to fit with --params, e.g. --params k1,k2.', 'params');
  }
  const ids = options.params
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bounds = parseBounds(options.bounds);
  const loss = oneOf(options.loss, 'loss', LOSSES) ?? 'mse';
  const sensitivity = oneOf(options.sensitivity, 'sensitivity', SENSITIVITIES) ?? 'forward';
  const method = oneOf(options.method, 'method', METHODS);
  const initial = oneOf(options.initial, 'initial', ['data', 'model'] as const) ?? 'data';
  const multiStart =
    num(options.multiStart, 'multi-start', (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1') ?? 1;
  const seed =
    num(options.seed, 'seed', (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer') ?? 0;
  const rtol = num(options.rtol, 'rtol', (x) => x > 0, 'a positive number') ?? 1e-8;
  const atol = num(options.atol, 'atol', (x) => x > 0, 'a positive number') ?? 1e-10;
  const maxIterations =
    num(options.maxIterations, 'max-iterations', (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1') ??
    500;

  const model = compileModel(loadModel(readTextFile(io, modelPath, 'model')), { sensitivities: ids });
  const data = parseCsv(readTextFile(io, dataPath, 'data file'));
  for (const id of ids) {
    if (!model.paramIds.includes(id)) {
      const known = model.paramIds.slice(0, 20).join(', ');
      throw usage(
        `The model has no parameter ${JSON.stringify(id.slice(0, 60))}. Parameters: ${known}${model.paramIds.length > 20 ? ', ...' : ''}.`,
        'params',
      );
    }
  }
  for (const id of bounds.keys()) {
    if (!ids.includes(id))
      throw usage(`--bounds names ${JSON.stringify(id.slice(0, 60))}, which is not in --params.`, 'bounds');
  }
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  for (const m of data.measurements) {
    t0 = Math.min(t0, m.t[0]);
    t1 = Math.max(t1, m.t[m.t.length - 1]);
  }
  if (!(t1 > t0)) t1 = t0 + 1;
  const problem: OdeProblem = { ...model.problem(t0, t1), names: model.stateIds };
  const parameters: FitParameter[] = ids.map((name) => {
    const b = bounds.get(name);
    if (b !== undefined) return { name, ...b };
    // Kinetic parameters are positive: a log transform keeps them so and searches over decades.
    const v = model.p[model.paramIds.indexOf(name)];
    return v > 0 ? { name, lower: 0 } : { name };
  });
  const lossCurve: number[] = [];
  const fitOptions: FitOptions = {
    parameterNames: model.paramIds,
    parameters,
    loss,
    sensitivity,
    initialConditions: initial,
    multiStart,
    seed,
    rtol,
    atol,
    ...(method !== undefined ? { method } : {}),
    lbfgs: {
      maxIterations,
      onIteration: (info) => {
        lossCurve.push(info.value);
        if (io.isTTY && !options.json)
          io.stderr(`\riteration ${info.iteration}: loss ${info.value.toExponential(4)}   `);
      },
    },
  };
  const start = performance.now();
  const objective = fitObjective(problem, data, fitOptions);
  const initialLoss = objective.evaluate(objective.toU(objective.initialTheta)).value;
  const r = fitModel(problem, data, fitOptions);
  const wallSeconds = (performance.now() - start) / 1000;
  if (io.isTTY && !options.json) io.stderr('\n');
  const initialParameters: Record<string, number> = {};
  objective.names.forEach((name, k) => {
    initialParameters[name] = objective.initialTheta[k];
  });
  if (options.plot !== undefined) {
    const svg = await renderSvg(fitPlotSpec(problem, data, r.p, lossCurve, initial, modelPath));
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
    model: modelPath,
    data: dataPath,
    parameters: { ...r.parameters },
    ...(r.standardErrors !== undefined ? { standardErrors: { ...r.standardErrors } } : {}),
    initialParameters,
    initialLoss,
    finalLoss: r.value,
    loss,
    converged: r.converged,
    reason: r.reason,
    iterations: r.starts[r.bestStart].iterations,
    evaluations: r.evaluations,
    starts: r.starts.length,
    sensitivity,
    lossCurve,
    wallSeconds,
    ...(options.plot !== undefined ? { plot: options.plot } : {}),
  };
}

/** Data (points) vs the fitted model (lines) per measurement and species, beside the loss curve. */
function fitPlotSpec(
  problem: OdeProblem,
  data: ReturnType<typeof parseCsv>,
  p: Float64Array,
  lossCurve: readonly number[],
  initial: 'data' | 'model',
  title: string,
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
  const enc = {
    x: { field: 't', type: 'quantitative', title: 'time' },
    y: { field: 'value', type: 'quantitative', title: 'value', scale: { zero: false } },
    color: { field: 'series', type: 'nominal', title: null },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `odeon fit: ${title}`,
    hconcat: [
      {
        width: 480,
        height: 320,
        layer: [
          { data: { values: lines }, mark: { type: 'line' }, encoding: enc },
          { data: { values: points }, mark: { type: 'point', filled: true, size: 30 }, encoding: enc },
        ],
      },
      {
        width: 260,
        height: 320,
        data: { values: lossCurve.map((v, i) => ({ iteration: i + 1, loss: v })).filter((d) => d.loss > 0) },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'iteration', type: 'quantitative' },
          y: { field: 'loss', type: 'quantitative', scale: { type: 'log' } },
        },
      },
    ],
  };
}

export const registerFit: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('fit')
    .description(
      'Estimate model parameters from measurements: L-BFGS on ODE gradients (forward sensitivities by default), bounds via log/logistic transforms, multi-start.',
    )
    .argument('<model>', 'SBML (.xml) or Odeon JSON model')
    .argument('<data>', 'CSV with header measurement,time,<species ids>...; empty cells are missing values')
    .option('--params <ids>', 'comma-separated parameter ids to fit (required)')
    .option(
      '--bounds <list>',
      'bounds as id=lower:upper,... (positive parameters without bounds get a log transform)',
    )
    .option('--loss <name>', `loss: ${LOSSES.join(', ')} (default mse)`)
    .option('--multi-start <n>', 'number of starts (default 1)')
    .option('--seed <n>', 'seed of the extra starts (default 0)')
    .option('--sensitivity <kind>', `gradient method: ${SENSITIVITIES.join(', ')} (default forward)`)
    .option('--method <name>', `integrator: ${METHODS.join(', ')} (default rodas5p)`)
    .option('--rtol <x>', 'relative tolerance (default 1e-8)')
    .option('--atol <x>', 'absolute tolerance (default 1e-10)')
    .option('--initial <from>', 'initial conditions from the data (default) or the model')
    .option('--max-iterations <n>', 'L-BFGS iterations per start (default 500)')
    .option('--plot <file.svg>', 'write an SVG of data vs fit and the loss curve')
    .option('--json', 'print a machine-readable summary (ends with finalLoss and wallSeconds)')
    .addHelpText(
      'after',
      '\nExample:\n  odeon fit model.xml data.csv --params k1,k2 --bounds k1=1e-3:10 --multi-start 4 --json\n',
    )
    .action(async (modelPath: string, dataPath: string, options: FitCommandOptions) => {
      const r = await fitModelFile(modelPath, dataPath, options, io);
      if (options.json) {
        writeJson(io, r);
        return;
      }
      io.stdout(`fitted ${Object.keys(r.parameters).length} parameter(s) of ${r.model} to ${r.data}\n`);
      for (const [name, v] of Object.entries(r.parameters)) {
        const se = r.standardErrors?.[name];
        io.stdout(
          `  ${name} = ${v.toPrecision(8)}${se !== undefined ? ` ± ${se.toPrecision(2)}` : ''}   (start ${r.initialParameters[name]?.toPrecision(4)})\n`,
        );
      }
      io.stdout(
        `loss (${r.loss}) ${r.initialLoss.toExponential(3)} -> ${r.finalLoss.toExponential(3)}; ${r.converged ? 'converged' : 'NOT converged'} (${r.reason}), ${r.iterations} iterations, ${r.evaluations} evaluations, ${r.wallSeconds.toFixed(2)} s\n`,
      );
      if (r.plot !== undefined) io.stdout(`wrote ${r.plot}\n`);
    });
};
