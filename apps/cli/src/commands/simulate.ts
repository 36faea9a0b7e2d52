import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { METHODS, type MethodName, OdeonError, solve } from '@odeon/ode';
import { getStandardProblem, STANDARD_PROBLEM_NAMES, type StandardProblem } from '@odeon/ode/problems';
import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { idRecord } from '../id-record.ts';
import { type CliIo, writeJson } from '../io.ts';
import { timeSeriesSvg } from '../plot.ts';
import { simulateModel } from './simulate-model.ts';
import { SIMULATE_DEFAULTS, type SimulateOptions, simulateSettings } from './simulate-options.ts';

/** What `odeon simulate --problem` computed (also its `--json` output, plus the saved states). */
export interface SimulateResult {
  readonly problem: string;
  readonly method: MethodName;
  readonly rtol: number;
  readonly atol: number;
  readonly t0: number;
  readonly t1: number;
  readonly names: readonly string[];
  readonly t: Float64Array;
  readonly y: Float64Array;
  readonly stats: Record<string, number>;
  readonly wallMs: number;
  readonly final: Record<string, number>;
}

function usage(message: string, option: string): OdeonError {
  return new OdeonError('UsageError', message, { option, hint: 'See `odeon simulate --help`.' });
}

/** Output times: log-spaced for ROBER (its dynamics span ten decades), else evenly spaced. */
function outputTimes(prob: StandardProblem, t0: number, t1: number, steps: number): Float64Array {
  const t = new Float64Array(steps + 1);
  if (prob.name === 'rober' && t0 === 0 && t1 > 1e-5 && steps >= 2) {
    t[0] = 0;
    const a = Math.log10(1e-5);
    const b = Math.log10(t1);
    for (let k = 1; k <= steps; k++) t[k] = 10 ** (a + ((b - a) * (k - 1)) / (steps - 1));
    t[steps] = t1;
    return t;
  }
  for (let k = 0; k <= steps; k++) t[k] = t0 + ((t1 - t0) * k) / steps;
  t[steps] = t1;
  return t;
}

/** Solves a bundled reference problem (`--problem`) and returns the time course and statistics. */
export function simulateProblem(options: SimulateOptions): SimulateResult {
  const name = options.problem;
  if (name === undefined) throw usage('Give --problem <name> or a model file.', 'problem');
  const prob = getStandardProblem(name);
  const d = SIMULATE_DEFAULTS.problem;
  const set = simulateSettings(options, {
    method: d.method,
    rtol: d.rtol,
    t0: prob.t0,
    t1: prob.t1,
    steps: d.steps,
  });
  const { method, rtol, t0 } = set;
  const t1 = set.t1 ?? prob.t1;
  const steps = set.steps;
  const atol = set.atol ?? rtol * prob.atolFactor;
  const saveAt = outputTimes(prob, t0, t1, steps);
  const dt = set.dt;
  const start = performance.now();
  const sol = solve(
    { ...prob, t0, t1 },
    { method, rtol, atol, saveAt, maxSteps: 10_000_000, ...(dt === undefined ? {} : { dt: Math.abs(dt) }) },
  );
  const wallMs = performance.now() - start;
  const n = prob.names.length;
  const final = idRecord(prob.names, (i) => sol.y[sol.y.length - n + i]);
  return {
    problem: prob.name,
    method,
    rtol,
    atol,
    t0,
    t1,
    names: prob.names,
    t: sol.t,
    y: sol.y,
    stats: { ...sol.stats },
    wallMs,
    final,
  };
}

/** CSV text: a `time` column and one column per state. */
export function formatCsv(names: readonly string[], t: ArrayLike<number>, y: ArrayLike<number>): string {
  const n = names.length;
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = [['time', ...names].map(quote).join(',')];
  for (let k = 0; k < t.length; k++) {
    const row = [String(t[k])];
    for (let i = 0; i < n; i++) row.push(String(y[k * n + i]));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes a text file relative to the working directory (creating folders), as `IoError` on failure. */
export function writeOutputFile(io: CliIo, path: string, text: string): string {
  const full = resolve(io.cwd, path);
  try {
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  } catch (cause) {
    throw new OdeonError('IoError', `Cannot write ${JSON.stringify(path)}: ${(cause as Error).message}`, {
      cause,
      hint: 'Check that the folder is writable.',
    });
  }
  return full;
}

/** 1e-6 rather than 0.000001; 0.5 as it is. */
function shortNumber(x: number): string {
  const e = x.toExponential();
  return e.length < String(x).length ? e.replace('e+', 'e') : String(x);
}

function logAxes(log: string | undefined): { logX: boolean; logY: boolean } {
  if (log === undefined) return { logX: false, logY: false };
  if (!['x', 'y', 'xy'].includes(log))
    throw usage(`--log must be x, y or xy (got ${JSON.stringify(log)}).`, 'log');
  return { logX: log.includes('x'), logY: log.includes('y') };
}

async function runSimulate(model: string | undefined, options: SimulateOptions, io: CliIo): Promise<void> {
  if (model !== undefined) {
    if (options.problem !== undefined)
      throw usage('Give either a model file or --problem, not both.', 'problem');
    await simulateModel(model, options, io);
    return;
  }
  // ROBER spans ten decades in time and y2 stays below 4e-5: log-log shows all three species
  const axes = logAxes(options.log ?? (options.problem === 'rober' ? 'xy' : undefined));
  const result = simulateProblem(options);
  if (options.out !== undefined)
    writeOutputFile(io, options.out, formatCsv(result.names, result.t, result.y));
  if (options.plot !== undefined) {
    const svg = await timeSeriesSvg(result.t, result.y, result.names, {
      title: `${result.problem} (${result.method}, rtol ${shortNumber(result.rtol)})`,
      ...axes,
    });
    writeOutputFile(io, options.plot, svg);
  }
  if (options.json === true) {
    const { t: _t, y: _y, ...summary } = result;
    writeJson(io, {
      ...summary,
      ...(options.out === undefined ? { t: result.t, y: result.y } : { out: options.out }),
      ...(options.plot === undefined ? {} : { plot: options.plot }),
    });
    return;
  }
  const s = result.stats;
  io.stdout(
    `${result.problem}: ${result.method}, rtol ${result.rtol}, atol ${result.atol}, t ∈ [${result.t0}, ${result.t1}]\n` +
      `  ${result.wallMs.toFixed(2)} ms, ${s.steps} steps (${s.acceptedSteps} accepted, ${s.rejectedSteps} rejected), ` +
      `${s.rhsEvals} RHS, ${s.jacobianEvals} Jacobians, ${s.luFactorizations} LU\n` +
      `  final state: ${Object.entries(result.final)
        .map(([k, v]) => `${k} = ${v.toPrecision(8)}`)
        .join(', ')}\n`,
  );
  if (options.out !== undefined) io.stdout(`  wrote ${options.out}\n`);
  if (options.plot !== undefined) io.stdout(`  wrote ${options.plot}\n`);
}

export const registerSimulate: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('simulate')
    .description(
      `Solve a bundled reference problem (--problem ${STANDARD_PROBLEM_NAMES.join('|')}) or a model file (SBML, via @odeon/sbml).`,
    )
    .argument('[model]', 'model file (SBML); omit to use --problem')
    .option('--problem <name>', `bundled problem: ${STANDARD_PROBLEM_NAMES.join(', ')}`)
    .option(
      '--method <name>',
      `integration method: ${METHODS.join(', ')} (default rodas5p; models with ≥ 200 states: bdf on their sparse Jacobian)`,
    )
    .option(
      '--rtol <x>',
      `relative tolerance (default ${shortNumber(SIMULATE_DEFAULTS.problem.rtol)} with --problem, ${SIMULATE_DEFAULTS.model.rtol} for model files)`,
    )
    .option(
      '--atol <x>',
      `absolute tolerance (default rtol × the problem's atol factor with --problem, ${SIMULATE_DEFAULTS.model.atol} for model files)`,
    )
    .option('--t0 <t>', 'start time (default: the problem’s; 0 for model files)')
    .option('--t1 <t>', 'end time (default: the problem’s; required for model files without --settings)')
    .option(
      '--steps <n>',
      `number of output intervals (default ${SIMULATE_DEFAULTS.problem.steps} with --problem, ${SIMULATE_DEFAULTS.model.steps} for model files)`,
    )
    .option(
      '--dt <h>',
      `step size of the fixed-step methods (euler, midpoint, rk4; default (t1 − t0)/(${SIMULATE_DEFAULTS.fixedStepsPerInterval} × steps))`,
    )
    .option('--settings <file>', 'SBML Test Suite settings file (model files only)')
    .option('--out <file>', 'write the time course as CSV')
    .option('--plot <file>', 'write an SVG plot of the time course')
    .option('--log <axes>', 'logarithmic plot axes: x, y or xy (default xy for rober)')
    .option('--json', 'print statistics, timing and final state as JSON')
    .action(async (model: string | undefined, options: SimulateOptions) => {
      await runSimulate(model, options, io);
    });
};
