import {
  GRADIENT_METHODS,
  type GradientMethod,
  gradient,
  OdeonError,
  type OdeProblem,
  SENSITIVITY_KINDS,
  type SensitivityKind,
} from '@odeon/ode';
import { getStandardProblem, STANDARD_PROBLEM_NAMES, type StandardProblem } from '@odeon/ode/problems';
import { compileModel, problemWithEvents } from '@odeon/sbml';
import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { idRecord } from '../id-record.ts';
import { type CliIo, writeJson } from '../io.ts';
import { loadModelFile } from '../model-file.ts';
import { requireModelValues } from '../model-values.ts';

const KINDS = SENSITIVITY_KINDS;
const METHODS = GRADIENT_METHODS;

export interface GradientCommandOptions {
  readonly problem?: string;
  /** An SBML (Level 2/3) or JSON reaction-network model file, instead of `problem`. */
  readonly model?: string;
  /** End time for `model` (required with it). */
  readonly t1?: string;
  /** Observation times for `model`: this many evenly spaced in (0, t1] (default 50). */
  readonly points?: string;
  readonly sensitivity?: string;
  readonly method?: string;
  readonly rtol?: string;
  readonly atol?: string;
  readonly component?: string;
  readonly checkpoints?: string;
  readonly json?: boolean;
}

/** What `odeon gradient` computed (also its `--json` output). */
export interface GradientCommandResult {
  /** The bundled problem's name, or the model file. */
  readonly problem: string;
  readonly sensitivity: SensitivityKind;
  readonly method: GradientMethod;
  readonly rtol: number;
  readonly atol: number;
  /** What L is. */
  readonly loss: string;
  readonly value: number;
  readonly dp: Record<string, number>;
  readonly dy0: Record<string, number>;
  readonly stats: Record<string, unknown>;
  readonly wallMs: number;
}

function usage(message: string, option: string): OdeonError {
  return new OdeonError('UsageError', message, { option, hint: 'See `odeon gradient --help`.' });
}

function parseNumber(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (!Number.isFinite(x) || !(x > 0))
    throw usage(`--${option} must be a number > 0 (got ${JSON.stringify(value)}).`, option);
  return x;
}

/**
 * The 50 output times of the problem's shared/reference file, by its rule: ROBER t_k = 10^(−5 + 10k/49)
 * (t_0 = 1e−5, t_49 = 1e5 exactly); the others evenly spaced on [t0, t1] with both ends included.
 */
export function referenceTimes(prob: StandardProblem): Float64Array {
  const t = new Float64Array(50);
  if (prob.name === 'rober') {
    for (let k = 0; k < 50; k++) t[k] = 10 ** (-5 + (k * 10) / 49);
    t[0] = 1e-5;
    t[49] = 1e5;
    return t;
  }
  for (let k = 0; k < 49; k++) t[k] = prob.t0 + k * ((prob.t1 - prob.t0) / 49);
  t[49] = prob.t1;
  return t;
}

/** What the gradient is taken of: a bundled problem or a compiled model, with its names and times. */
interface GradientTarget {
  readonly label: string;
  readonly problem: OdeProblem;
  readonly stiff: boolean;
  readonly stateNames: readonly string[];
  readonly paramNames: readonly string[];
  readonly times: Float64Array;
  readonly timesLabel: string;
  readonly atolFactor: number;
}

function bundledTarget(name: string): GradientTarget {
  const prob = getStandardProblem(name);
  return {
    label: prob.name,
    problem: prob,
    stiff: prob.stiff,
    stateNames: prob.names,
    paramNames: prob.paramNames,
    times: referenceTimes(prob),
    timesLabel: "the reference's 50 output times",
    atolFactor: prob.atolFactor,
  };
}

/** An SBML or JSON model file: its parameters and initial state, observed at `points` times in (0, t1]. */
function modelTarget(io: CliIo, options: GradientCommandOptions): GradientTarget {
  const path = options.model!;
  const t1 = parseNumber(options.t1, 't1');
  if (t1 === undefined) throw usage('Give the end time with --t1 (required with --model).', 't1');
  const points = options.points === undefined ? 50 : Number(options.points);
  if (!Number.isInteger(points) || points < 1 || points > 100_000)
    throw usage(
      `--points must be an integer in 1..100000 (got ${JSON.stringify(options.points)}).`,
      'points',
    );
  const model = compileModel(loadModelFile(io, path).model);
  requireModelValues(model, 0, path);
  const times = Float64Array.from({ length: points }, (_, k) => (t1 * (k + 1)) / points);
  return {
    label: path,
    // events and piecewise switches are differentiated (jump conditions); delayed or prioritised
    // events are refused by problemWithEvents with UnsupportedSbmlFeature naming the event
    problem: problemWithEvents(model, 0, t1),
    stiff: true,
    stateNames: model.stateIds,
    paramNames: model.paramIds,
    times,
    timesLabel: `${points} evenly spaced times in (0, ${t1}]`,
    atolFactor: 1e-3,
  };
}

/**
 * Computes the loss and its gradient for a bundled problem or a model file: L = Σ_k Σ_j y_j(t_k), or
 * one component j.
 */
export function gradientProblem(options: GradientCommandOptions, io?: CliIo): GradientCommandResult {
  if ((options.problem === undefined) === (options.model === undefined))
    throw usage('Give either --problem <name> or --model <file> (with --t1).', 'problem');
  if (options.model !== undefined && io === undefined) throw usage('--model needs the CLI io.', 'model');
  const target = options.model !== undefined ? modelTarget(io!, options) : bundledTarget(options.problem!);
  const sensitivity = (options.sensitivity ?? 'quadrature') as SensitivityKind;
  if (!KINDS.includes(sensitivity))
    throw usage(
      `Unknown --sensitivity ${JSON.stringify(options.sensitivity)}; use one of ${KINDS.join(', ')}.`,
      'sensitivity',
    );
  const method = (options.method ?? (target.stiff ? 'rodas5p' : 'dopri5')) as GradientMethod;
  if (!METHODS.includes(method))
    throw usage(
      `Unknown --method ${JSON.stringify(options.method)}; use one of ${METHODS.join(', ')}.`,
      'method',
    );
  const rtol = parseNumber(options.rtol, 'rtol') ?? 1e-6;
  const atol = parseNumber(options.atol, 'atol') ?? rtol * target.atolFactor;
  const names = target.stateNames;
  const n = names.length;
  let component = -1;
  if (options.component !== undefined) {
    const byName = names.indexOf(options.component);
    component = byName >= 0 ? byName : Number(options.component);
    if (!Number.isInteger(component) || component < 0 || component >= n) {
      throw usage(
        `--component must be a state index 0..${n - 1} or a name (${names.join(', ')}); got ${JSON.stringify(options.component)}.`,
        'component',
      );
    }
  }
  const checkpoints = options.checkpoints === undefined ? undefined : Number(options.checkpoints);
  const start = performance.now();
  const g = gradient(target.problem, {
    method,
    rtol,
    atol,
    saveAt: target.times,
    sensitivity: { kind: sensitivity, ...(checkpoints === undefined ? {} : { checkpoints }) },
    loss: {
      value: (_i, _t, y) => {
        if (component >= 0) return y[component];
        let s = 0;
        for (let j = 0; j < n; j++) s += y[j];
        return s;
      },
      grad: (_i, _t, _y, out) => {
        if (component >= 0) out[component] = 1;
        else out.fill(1);
      },
    },
  });
  const wallMs = performance.now() - start;
  const dp = idRecord(target.paramNames, (j) => g.dp[j]);
  const dy0 = idRecord(names, (j) => g.dy0[j]);
  return {
    problem: target.label,
    sensitivity,
    method,
    rtol,
    atol,
    loss:
      component >= 0
        ? `sum over ${target.timesLabel} of ${names[component]}`
        : `sum of all states over ${target.timesLabel}`,
    value: g.value,
    dp,
    dy0,
    stats: { ...g.stats },
    wallMs,
  };
}

export const registerGradient: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('gradient')
    .description(
      'Gradient of a loss on a bundled problem or an SBML/JSON model with respect to its parameters and initial state (L = sum of all states over the reference’s 50 output times, or --points times in (0, t1] for a model; or --component j).',
    )
    .option('--problem <name>', `bundled problem: ${STANDARD_PROBLEM_NAMES.join(', ')}`)
    .option('--model <file>', 'an SBML (Level 2/3) or JSON reaction-network model instead of --problem')
    .option('--t1 <t>', 'end time (required with --model; observations in (0, t1])')
    .option('--points <k>', 'number of evenly spaced observation times with --model (default 50)')
    .option('--sensitivity <kind>', `gradient method: ${KINDS.join(', ')} (default quadrature)`)
    .option(
      '--method <name>',
      `integrator: ${METHODS.join(', ')} (default rodas5p for stiff problems, else dopri5)`,
    )
    .option('--rtol <x>', 'relative tolerance (default 1e-6)')
    .option('--atol <x>', "absolute tolerance (default rtol × the problem's atol factor)")
    .option(
      '--component <j>',
      'differentiate the sum of one state (index from 0, or its name) instead of all',
    )
    .option(
      '--checkpoints <k>',
      'bound on stored checkpoints (interpolating, discrete; Infinity keeps every step)',
    )
    .option('--json', 'print loss, gradient and statistics as JSON')
    .action((options: GradientCommandOptions) => {
      const r = gradientProblem(options, io);
      if (options.json === true) {
        writeJson(io, r);
        return;
      }
      const fmt = (o: Record<string, number>) =>
        Object.entries(o)
          .map(([k, v]) => `${k} = ${v.toPrecision(10)}`)
          .join(', ');
      const s = r.stats as {
        storedStates: number;
        maxLuSize: number;
        forward: { acceptedSteps: number };
        backward: { acceptedSteps: number };
      };
      io.stdout(
        `${r.problem}: ${r.sensitivity} (${r.method}), rtol ${r.rtol}, atol ${r.atol}\n` +
          `  L = ${r.value.toPrecision(12)} (${r.loss})\n` +
          `  dL/dp:  ${fmt(r.dp)}\n` +
          `  dL/dy0: ${fmt(r.dy0)}\n` +
          `  ${r.wallMs.toFixed(1)} ms, ${s.forward.acceptedSteps} forward / ${s.backward.acceptedSteps} backward steps, ` +
          `${s.storedStates} stored states, largest LU ${s.maxLuSize}×${s.maxLuSize}\n`,
      );
    });
};
