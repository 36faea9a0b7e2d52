import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type EnsembleResult,
  type GridSpec,
  type MemberResult,
  runEnsemble,
  type SamplingSpec,
  sampleMembers,
} from '@odeon/ensemble';
import { METHODS, type MethodName, OdeonError } from '@odeon/ode';
import type { Command } from 'commander';
import { cliRunner, parseWorkers, type ScaleOptions } from '../cli-pool.ts';
import type { RegisterCommand } from '../command.ts';
import { type CliIo, readTextFile, writeJson } from '../io.ts';
import { loadModelFile } from '../model-file.ts';

/** Options of `odeon ensemble` (strings as commander passes them). */
export interface EnsembleCommandOptions extends ScaleOptions {
  readonly t0?: string;
  readonly t1?: string;
  readonly steps?: string;
  readonly method?: string;
  readonly rtol?: string;
  readonly atol?: string;
  readonly csv?: string;
  readonly members?: string;
  readonly json?: boolean;
}

/** The sampling spec file: a `SamplingSpec` or `GridSpec` of @odeon/ensemble, plus run settings. */
const SPEC_KEYS = [
  'count',
  'seed',
  'p',
  'y0',
  'grid',
  'quantiles',
  't0',
  't1',
  'steps',
  'times',
  'method',
  'rtol',
  'atol',
  'chunkSize',
  'description',
];

function usage(message: string, option: string): OdeonError {
  return new OdeonError('UsageError', message, { option, hint: 'See `odeon ensemble --help`.' });
}

function num(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x))
    throw usage(`--${option} must be a number (got ${JSON.stringify(value)}).`, option);
  return x;
}

function specError(message: string, element: string): OdeonError {
  return new OdeonError('InvalidOption', `Ensemble spec: ${message}`, {
    option: element,
    element,
    hint: 'See `odeon ensemble --help` for the spec format.',
  });
}

/** What `odeon ensemble` computed (also its `--json` output). */
export interface EnsembleCommandResult {
  readonly model: string;
  readonly members: number;
  readonly status: EnsembleResult['stats']['status'];
  readonly names: readonly string[];
  readonly saveAt: Float64Array;
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly quantiles: Record<string, Float64Array>;
  /** First errors of failed members (at most 5). */
  readonly errors: readonly { readonly index: number; readonly code: string; readonly message: string }[];
  readonly wallSeconds: number;
}

/** `odeon ensemble model spec.json`: solves every member the spec samples and summarises them. */
export async function ensembleCommand(
  modelPath: string,
  specPath: string,
  options: EnsembleCommandOptions,
  io: CliIo,
): Promise<EnsembleCommandResult> {
  const { file } = loadModelFile(io, modelPath);
  const modelText = file.text;
  let spec: Record<string, unknown>;
  try {
    spec = JSON.parse(readTextFile(io, specPath, 'ensemble spec')) as Record<string, unknown>;
  } catch (cause) {
    if (cause instanceof OdeonError) throw cause;
    throw new OdeonError(
      'IoError',
      `The ensemble spec ${JSON.stringify(specPath)} is not valid JSON: ${(cause as Error).message}`,
      {
        cause,
        hint: 'Fix the JSON syntax.',
      },
    );
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    throw specError('the spec must be a JSON object.', 'spec');
  for (const key of Object.keys(spec))
    if (!SPEC_KEYS.includes(key))
      throw specError(
        `unknown key ${JSON.stringify(key.slice(0, 40))} (allowed: ${SPEC_KEYS.join(', ')}).`,
        key,
      );
  const members = sampleMembers(spec as unknown as SamplingSpec | GridSpec);
  const t0 = num(options.t0, 't0') ?? (spec.t0 as number | undefined) ?? 0;
  const t1 = num(options.t1, 't1') ?? (spec.t1 as number | undefined);
  if (typeof t1 !== 'number' || !Number.isFinite(t1) || !(t1 > t0))
    throw usage('Give an end time after t0 with --t1 (or "t1" in the spec).', 't1');
  const steps = num(options.steps, 'steps') ?? (spec.steps as number | undefined) ?? 100;
  if (!Number.isInteger(steps) || steps < 1 || steps > 1_000_000)
    throw usage('--steps must be an integer in [1, 1e6].', 'steps');
  let saveAt: number[];
  if (spec.times !== undefined) {
    if (!Array.isArray(spec.times) || !spec.times.every((t) => typeof t === 'number' && t >= t0 && t <= t1))
      throw specError('"times" must be a list of numbers within [t0, t1].', 'times');
    saveAt = spec.times as number[];
  } else
    saveAt = Array.from({ length: steps + 1 }, (_, i) => (i === steps ? t1 : t0 + ((t1 - t0) * i) / steps));
  const method = (options.method ?? spec.method) as MethodName | undefined;
  if (method !== undefined && !(METHODS as readonly string[]).includes(method))
    throw usage(`--method must be one of ${METHODS.join(', ')} (got ${JSON.stringify(method)}).`, 'method');
  const rtol = num(options.rtol, 'rtol') ?? (spec.rtol as number | undefined);
  const atol = num(options.atol, 'atol') ?? (spec.atol as number | undefined);
  const quantiles = (spec.quantiles as number[] | undefined) ?? [0.05, 0.5, 0.95];
  parseWorkers(options.workers);
  if (options.redis === undefined && (options.results !== undefined || options.timeout !== undefined))
    throw usage(
      '--results and --timeout go with --redis.',
      options.results !== undefined ? 'results' : 'timeout',
    );

  const membersPath = options.members === undefined ? undefined : resolve(io.cwd, options.members);
  if (membersPath !== undefined) writeOut(membersPath, '');
  const settings = {
    t0,
    t1,
    saveAt,
    ...(method !== undefined ? { method } : {}),
    ...(rtol !== undefined ? { rtol } : {}),
    ...(atol !== undefined ? { atol } : {}),
  };
  // the run's identity (a resumed Redis run) covers the external files too
  const externals = file.externals.length > 0 ? { externals: file.externals } : {};
  const runner = cliRunner(options, { modelText, ...externals, spec, settings }, {}, io, 'ensemble');
  const start = performance.now();
  let r: EnsembleResult;
  try {
    r = await runEnsemble({
      problem: {
        kind: 'model',
        text: modelText,
        ...externals,
      },
      members,
      ...settings,
      quantiles,
      pool: runner,
      ...(typeof spec.chunkSize === 'number' ? { chunkSize: spec.chunkSize } : {}),
      onMember: (m: MemberResult, done, total) => {
        if (membersPath !== undefined)
          appendOut(
            membersPath,
            `${JSON.stringify({ index: m.index, status: m.status, names: m.names, y: Array.from(m.y, (v) => (Number.isFinite(v) ? v : null)), ...(m.error !== undefined ? { error: m.error } : {}) })}\n`,
          );
        if (io.isTTY && !options.json && (done % 10 === 0 || done === total))
          io.stderr(`\rmember ${done}/${total}   `);
      },
    });
  } finally {
    await runner.close();
  }
  if (io.isTTY && !options.json) io.stderr('\n');
  const s = r.stats;
  if (options.csv !== undefined) writeOut(resolve(io.cwd, options.csv), statsCsv(r));
  const q: Record<string, Float64Array> = Object.create(null);
  s.levels.forEach((level, j) => {
    q[String(level)] = s.quantiles[j];
  });
  return {
    model: modelPath,
    members: members.length,
    status: s.status,
    names: s.names,
    saveAt: s.saveAt,
    mean: s.mean,
    std: s.std,
    quantiles: q,
    errors: r.members
      .filter((m) => m.error !== undefined)
      .slice(0, 5)
      .map((m) => ({ index: m.index, code: m.error?.code ?? 'Error', message: m.error?.message ?? '' })),
    wallSeconds: (performance.now() - start) / 1000,
  };
}

/** Statistics as CSV: time, then mean, std and each quantile per name. */
function statsCsv(r: EnsembleResult): string {
  const s = r.stats;
  const m = s.names.length;
  const header = ['time'];
  for (const name of s.names)
    header.push(`${name}_mean`, `${name}_std`, ...s.levels.map((l) => `${name}_q${l}`));
  const rows = [header.join(',')];
  for (let i = 0; i < s.saveAt.length; i++) {
    const row = [String(s.saveAt[i])];
    for (let j = 0; j < m; j++)
      row.push(
        String(s.mean[i * m + j]),
        String(s.std[i * m + j]),
        ...s.quantiles.map((qa) => String(qa[i * m + j])),
      );
    rows.push(row.join(','));
  }
  return `${rows.join('\n')}\n`;
}

function writeOut(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (cause) {
    throw new OdeonError('IoError', `Cannot write ${JSON.stringify(path)}: ${(cause as Error).message}`, {
      cause,
      hint: 'Check the folder is writable.',
    });
  }
}

function appendOut(path: string, text: string): void {
  try {
    appendFileSync(path, text);
  } catch (cause) {
    throw new OdeonError('IoError', `Cannot write ${JSON.stringify(path)}: ${(cause as Error).message}`, {
      cause,
      hint: 'Check the folder is writable.',
    });
  }
}

export const registerEnsemble: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('ensemble')
    .description(
      'Solve an ensemble of a model: parameters and initial values sampled (or a grid) per a spec; mean, std and quantiles at the output times, per-member status. On threads (--workers) or machines (--redis); the same result either way.',
    )
    .argument('<model>', 'SBML (.xml) or Odeon JSON model')
    .argument('<spec>', 'sampling spec (.json): see below')
    .option('--t0 <t>', 'start time (default 0)')
    .option('--t1 <t>', 'end time (or "t1" in the spec)')
    .option('--steps <n>', 'output intervals between t0 and t1 (default 100)')
    .option('--method <name>', `integrator: ${METHODS.join(', ')} (default rodas5p)`)
    .option('--rtol <x>', 'relative tolerance (default 1e-8)')
    .option('--atol <x>', 'absolute tolerance (default 1e-12)')
    .option('--workers <k>', 'solve on k worker threads (default: this thread)')
    .option('--redis <url>', 'solve on `odeon worker`s through Redis (redis://host:port)')
    .option(
      '--results <file>',
      'with --redis: results file, resumed on a rerun (default out/runs/ensemble-<run>.jsonl)',
    )
    .option('--timeout <s>', 'with --redis: give up after this many seconds, keeping results (default 86400)')
    .option('--csv <file>', 'write the statistics: time, <name>_mean, <name>_std, <name>_q<level>...')
    .option('--members <file.jsonl>', 'write every member as it finishes (index, status, values, error)')
    .option('--json', 'print the statistics as JSON')
    .addHelpText(
      'after',
      `
Spec (random members; member k draws from its own seed stream, so results never depend on workers):
  { "count": 1000, "seed": 1, "t1": 10, "steps": 50,
    "p":  { "k1": { "dist": "lognormal", "median": 0.5, "sigma": 0.3 },
            "k2": { "dist": "uniform", "lower": 0.1, "upper": 1 } },
    "y0": { "A": { "dist": "normal", "mean": 1, "sd": 0.05 } },
    "quantiles": [0.05, 0.5, 0.95] }
  dist: fixed (value), uniform | loguniform (lower, upper), normal (mean, sd),
        lognormal (median, sigma), choice (values)
Or a full factorial scan: { "grid": { "p": { "k1": [0.1, 1, 10] }, "y0": { "A": [1, 2] } }, "t1": 10 }
Also: "times" (output times), "method", "rtol", "atol", "t0", "chunkSize" (members per task).

Examples:
  odeon ensemble model.xml spec.json --workers 2 --csv stats.csv
  odeon ensemble model.xml spec.json --redis redis://127.0.0.1:6379 --json
`,
    )
    .action(async (modelPath: string, specPath: string, options: EnsembleCommandOptions) => {
      const r = await ensembleCommand(modelPath, specPath, options, io);
      if (options.json) {
        writeJson(io, r);
        return;
      }
      const { success, terminated, failed } = r.status;
      io.stdout(
        `${r.members} members of ${r.model}: ${success} succeeded, ${terminated} terminated, ${failed} failed (${r.wallSeconds.toFixed(2)} s)\n`,
      );
      const last = r.saveAt.length - 1;
      const m = r.names.length;
      io.stdout(`at t = ${r.saveAt[last]}:\n`);
      for (let j = 0; j < m; j++) {
        const qs = Object.entries(r.quantiles)
          .map(([level, a]) => `q${level} ${a[last * m + j].toPrecision(4)}`)
          .join(', ');
        io.stdout(
          `  ${r.names[j]}: mean ${r.mean[last * m + j].toPrecision(6)} ± ${r.std[last * m + j].toPrecision(3)} (${qs})\n`,
        );
      }
      for (const e of r.errors) io.stdout(`  member ${e.index} failed [${e.code}]: ${e.message}\n`);
      if (options.csv !== undefined) io.stdout(`wrote ${options.csv}\n`);
    });
};
