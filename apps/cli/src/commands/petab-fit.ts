import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OdeonError } from '@odeon/ode';
import {
  compileProblem,
  evaluate,
  fromScale,
  LOCAL_OPTIMIZE_DEFAULTS,
  multistart,
  type PetabSensitivity,
  PROFILE_THRESHOLDS,
  type Profile,
  profile,
  type StartResult,
} from '@odeon/petab';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type CliIo, writeJson } from '../io.ts';
import { compileOptions, loadPetab, type PetabCommonOptions } from './petab-options.ts';
import { fittedSpec, profilesSpec, renderSvg, waterfallSpec } from './petab-plots.ts';

interface FitCliOptions extends PetabCommonOptions {
  readonly starts?: string;
  readonly seed?: string;
  readonly sensitivity?: string;
  readonly maxIterations?: string;
  readonly optimizer?: string;
  readonly out?: string;
}

function optimizerOf(text: string | undefined): 'lbfgs' | 'trust-region' {
  if (text === undefined) return LOCAL_OPTIMIZE_DEFAULTS.optimizer;
  if (text !== 'lbfgs' && text !== 'trust-region')
    throw new OdeonError(
      'InvalidOption',
      `--optimizer must be lbfgs or trust-region, got ${JSON.stringify(text)}.`,
      {
        option: 'optimizer',
        value: text,
        allowed: 'lbfgs, trust-region',
        hint: 'Give --optimizer lbfgs or --optimizer trust-region.',
      },
    );
  return text;
}

function integer(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min)
    throw new OdeonError(
      'InvalidOption',
      `--${name} must be an integer ≥ ${min}, got ${JSON.stringify(text)}.`,
      {
        option: name,
        value: text,
        allowed: `an integer ≥ ${min}`,
        hint: `Give e.g. --${name} ${Math.max(min, fallback)}.`,
      },
    );
  return v;
}

function sensitivityOf(text: string | undefined): PetabSensitivity {
  if (text === undefined) return LOCAL_OPTIMIZE_DEFAULTS.sensitivity;
  if (text !== 'adjoint' && text !== 'forward')
    throw new OdeonError(
      'InvalidOption',
      `--sensitivity must be adjoint or forward, got ${JSON.stringify(text)}.`,
      {
        option: 'sensitivity',
        value: text,
        allowed: 'adjoint, forward',
        hint: 'Give --sensitivity adjoint or --sensitivity forward.',
      },
    );
  return text;
}

function outDir(io: CliIo, dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  const d = resolve(io.cwd, dir);
  mkdirSync(d, { recursive: true });
  return d;
}

/** Progress on stderr: a bar on a terminal, else one line per item. */
function progress(
  io: CliIo,
  total: number,
  label: string,
): { tick: (text: string) => void; stop: () => void } {
  if (io.isTTY) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {value}/{total} {text}`,
      stream: process.stderr,
      clearOnComplete: true,
    });
    bar.start(total, 0, { text: '' });
    return { tick: (text) => bar.increment(1, { text }), stop: () => bar.stop() };
  }
  let k = 0;
  return { tick: (text) => io.stderr(`${label} ${++k}/${total} ${text}\n`), stop: () => {} };
}

/** `odeon petab fit`: multistart fit; results saved to <out>/starts.jsonl as they arrive (rerun to resume). */
export async function petabFit(
  io: CliIo,
  path: string,
  options: FitCliOptions,
): Promise<Record<string, unknown>> {
  const problem = await loadPetab(io, path, options);
  const model = compileProblem(problem, compileOptions(options));
  const count = integer('starts', options.starts, 50, 1);
  const seed = integer('seed', options.seed, 1, 0);
  const dir = outDir(io, options.out);
  const log = dir === undefined ? undefined : join(dir, 'starts.jsonl');
  const done: StartResult[] = [];
  if (log !== undefined && existsSync(log)) {
    const header = `{"seed":${seed},"starts":${count}}`;
    const lines = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    if (lines[0] === header) for (const l of lines.slice(1)) done.push(JSON.parse(l) as StartResult);
    else writeFileSync(log, `${header}\n`);
  } else if (log !== undefined) writeFileSync(log, `{"seed":${seed},"starts":${count}}\n`);
  const bar = progress(io, count - done.length, 'fit');
  const started = performance.now();
  let result: ReturnType<typeof multistart>;
  try {
    result = multistart(model, {
      starts: count,
      seed,
      sensitivity: sensitivityOf(options.sensitivity),
      optimizer: optimizerOf(options.optimizer),
      maxIterations: integer('max-iterations', options.maxIterations, 500, 1),
      done,
      onResult: (r) => {
        if (log !== undefined) appendFileSync(log, `${JSON.stringify(r)}\n`);
        bar.tick(r.result ? `objective ${r.result.objective.toPrecision(8)}` : `failed: ${r.error?.code}`);
      },
    });
  } finally {
    bar.stop();
  }
  const best = result.best?.result;
  const params = model.estimatedParameters;
  const parameters = best
    ? Object.fromEntries(params.map((p, i) => [p.id, fromScale(best.theta[i], p.scale)]))
    : {};
  const ev = best ? evaluate(model, best.theta) : undefined;
  if (dir !== undefined && best && ev) {
    writeFileSync(
      join(dir, 'best-parameters.tsv'),
      `parameterId\tvalue\tscaledValue\n${params.map((p, i) => `${p.id}\t${fromScale(best.theta[i], p.scale)}\t${best.theta[i]}`).join('\n')}\n`,
    );
    writeFileSync(join(dir, 'waterfall.svg'), await renderSvg(waterfallSpec(result.ranked)));
    const rows = problem.measurements.map((m, i) => ({
      observable: m.observableId,
      condition: m.simulationConditionId,
      time: m.time,
      measurement: m.measurement,
      simulation: ev.simulations[i],
    }));
    writeFileSync(join(dir, 'fitted.svg'), await renderSvg(fittedSpec(rows)));
  }
  return {
    file: path,
    starts: count,
    seed,
    wallMs: performance.now() - started,
    bestObjective: best?.objective ?? null,
    bestNllh: ev?.nllh ?? null,
    bestLlh: ev?.llh ?? null,
    parameters,
    ranked: result.ranked,
  };
}

/** `odeon petab profile`: profile likelihoods from the nominal (or `--parameters`) point. */
export async function petabProfile(
  io: CliIo,
  path: string,
  options: PetabCommonOptions & { points?: string; only?: string; out?: string; sensitivity?: string },
): Promise<{ profiles: Profile[]; threshold: number }> {
  const problem = await loadPetab(io, path, options);
  const model = compileProblem(problem, compileOptions(options));
  const theta = model.nominal();
  const ids = model.estimatedParameters.map((p) => p.id);
  const only = options.only === undefined ? ids : options.only.split(',').map((s) => s.trim());
  for (const id of only)
    if (!ids.includes(id))
      throw new OdeonError('InvalidOption', `--only names ${JSON.stringify(id)}, which is not estimated.`, {
        option: 'only',
        value: id,
        allowed: ids.join(', '),
        hint: 'Name estimated parameters, separated by commas.',
      });
  const points = integer('points', options.points, 20, 2);
  const bar = progress(io, only.length, 'profile');
  const profiles: Profile[] = [];
  try {
    for (const id of only) {
      profiles.push(
        profile(model, theta, ids.indexOf(id), { points, sensitivity: sensitivityOf(options.sensitivity) }),
      );
      bar.tick(id);
    }
  } finally {
    bar.stop();
  }
  const threshold = PROFILE_THRESHOLDS[0.95];
  const dir = outDir(io, options.out);
  if (dir !== undefined) {
    writeFileSync(join(dir, 'profiles.json'), `${JSON.stringify({ threshold, profiles }, null, 2)}\n`);
    writeFileSync(join(dir, 'profiles.svg'), await renderSvg(profilesSpec(profiles, threshold)));
  }
  return { profiles, threshold };
}

/** Registers `odeon petab fit` and `odeon petab profile`. */
export function registerPetabFit(petab: Command, io: CliIo, common: (c: Command) => Command): void {
  common(
    petab
      .command('fit')
      .description(
        'multistart fit (Latin-hypercube starts, bounded trust region or L-BFGS); resumable with --out',
      ),
  )
    .option('--starts <n>', 'number of starts (default 50)')
    .option('--seed <n>', 'seed of the start design (default 1)')
    .option('--sensitivity <kind>', 'forward (default) or adjoint')
    .option('--max-iterations <n>', 'iterations per start (default 500)')
    .option(
      '--optimizer <name>',
      'trust-region (default; Gauss–Newton Hessian from forward sensitivities) or lbfgs',
    )
    .option('--out <dir>', 'save starts.jsonl (resumable), best-parameters.tsv, waterfall.svg, fitted.svg')
    .action(async (path: string, options: FitCliOptions) => {
      const r = await petabFit(io, path, options);
      if (options.json) {
        writeJson(io, r);
        return;
      }
      const lines = [
        `${path}: best objective ${r.bestObjective}  nllh ${r.bestNllh}  (${r.starts} starts, ${((r.wallMs as number) / 1000).toFixed(1)} s)`,
      ];
      lines.push('parameters (linear scale):');
      for (const [id, v] of Object.entries(r.parameters as Record<string, number>))
        lines.push(`  ${id}\t${v}`);
      lines.push('rank\tstart\tobjective\titerations\tconverged');
      for (const [k, s] of (r.ranked as StartResult[]).entries())
        lines.push(
          s.result
            ? `${k + 1}\t${s.start}\t${s.result.objective}\t${s.result.iterations}\t${s.result.converged}`
            : `${k + 1}\t${s.start}\tfailed (${s.error?.code})\t-\t-`,
        );
      io.stdout(`${lines.join('\n')}\n`);
    });
  common(petab.command('profile').description('profile likelihoods from the nominal (or --parameters) point'))
    .option('--points <n>', 'points per direction at most (default 20)')
    .option('--only <ids>', 'comma-separated parameters to profile (default: all estimated)')
    .option('--sensitivity <kind>', 'forward (default) or adjoint')
    .option('--out <dir>', 'save profiles.json and profiles.svg')
    .action(
      async (
        path: string,
        options: PetabCommonOptions & { points?: string; only?: string; out?: string },
      ) => {
        const r = await petabProfile(io, path, options);
        if (options.json) {
          writeJson(io, r);
          return;
        }
        const lines = [`95 % threshold: best + ${r.threshold}`, 'parameter\tbest\tci95 (parameter scale)'];
        for (const p of r.profiles) lines.push(`${p.parameter}\t${p.best}\t[${p.ci95[0]}, ${p.ci95[1]}]`);
        io.stdout(`${lines.join('\n')}\n`);
      },
    );
}
