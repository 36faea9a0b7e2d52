import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OdeonError } from '@odeon/ode';
import {
  compileProblem,
  evaluate,
  formatSimulationTable,
  loadProblem,
  type PetabProblem,
  parseTsv,
} from '@odeon/petab';
import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { type CliIo, writeJson } from '../io.ts';
import { registerPetabFit } from './petab-fit.ts';
import { readTextFile } from './simulate-model.ts';

/** Options shared by the `odeon petab` subcommands. */
export interface PetabCommonOptions {
  readonly json?: boolean;
  readonly parameters?: string;
  readonly rtol?: string;
  readonly atol?: string;
}

function positiveNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v))
    throw new OdeonError(
      'InvalidOption',
      `--${name} must be a positive number, got ${JSON.stringify(text)}.`,
      {
        option: name,
        value: text,
        allowed: 'a number > 0',
        hint: `Give e.g. --${name} 1e-8.`,
      },
    );
  return v;
}

/**
 * Loads the problem and applies a `--parameters` table (columns `parameterId` and `value` or
 * `nominalValue`, linear scale): the listed parameters take those values as their nominal values.
 */
export async function loadPetab(io: CliIo, path: string, options: PetabCommonOptions): Promise<PetabProblem> {
  const problem = await loadProblem(resolve(io.cwd, path));
  if (options.parameters === undefined) return problem;
  const table = parseTsv(readTextFile(io, options.parameters, 'parameter values'), options.parameters);
  const column = table.columns.includes('value') ? 'value' : 'nominalValue';
  if (!table.columns.includes('parameterId') || !table.columns.includes(column))
    throw new OdeonError('PetabFormatError', `${options.parameters}: needs columns parameterId and value.`, {
      file: options.parameters,
      hint: 'Give a TSV with a parameterId column and a value (or nominalValue) column on the linear scale.',
    });
  const values = new Map<string, number>();
  table.rows.forEach((r, i) => {
    const id = r.parameterId;
    const v = Number(r[column]);
    if (!problem.parameters.some((p) => p.id === id) || !Number.isFinite(v))
      throw new OdeonError(
        'PetabFormatError',
        `${options.parameters}, row ${i + 1}: unknown parameter or bad value.`,
        {
          file: options.parameters,
          row: i + 1,
          column: Number.isFinite(v) ? 'parameterId' : column,
          hint: 'Name parameters of the parameter table and give finite linear-scale values.',
        },
      );
    values.set(id, v);
  });
  return {
    ...problem,
    parameters: problem.parameters.map((p) =>
      values.has(p.id) ? { ...p, nominalValue: values.get(p.id) as number } : p,
    ),
  };
}

export function compileOptions(options: PetabCommonOptions): { rtol: number; atol: number } {
  return {
    rtol: positiveNumber('rtol', options.rtol, 1e-8),
    atol: positiveNumber('atol', options.atol, 1e-12),
  };
}

/** `odeon petab llh`: the likelihood at the nominal (or given) parameters. */
export async function petabLlh(
  io: CliIo,
  path: string,
  options: PetabCommonOptions,
): Promise<Record<string, unknown>> {
  const started = performance.now();
  const problem = await loadPetab(io, path, options);
  const model = compileProblem(problem, compileOptions(options));
  const compiledMs = performance.now() - started;
  const ev = evaluate(model, model.nominal());
  const wallMs = performance.now() - started;
  return {
    file: path,
    llh: ev.llh,
    nllh: ev.nllh,
    chi2: ev.chi2,
    logPrior: ev.logPrior,
    measurements: problem.measurements.length,
    experiments: model.experiments.length,
    states: model.sim.n,
    estimated: model.size,
    compileMs: compiledMs,
    wallMs,
  };
}

export const registerPetab: RegisterCommand = (program: Command, io: CliIo) => {
  const petab = program
    .command('petab')
    .description('PEtab parameter-estimation problems: simulate, likelihood, multistart fit, profiles.');
  const common = (c: Command): Command =>
    c
      .argument('<problem>', 'PEtab problem file (YAML, format_version 1)')
      .option('--json', 'print JSON')
      .option('--parameters <file>', 'TSV of parameterId and value (linear scale) replacing nominal values')
      .option('--rtol <x>', 'relative tolerance of the ODE solver (default 1e-8)')
      .option('--atol <x>', 'absolute tolerance of the ODE solver (default 1e-12)');
  common(
    petab
      .command('llh')
      .description('log-likelihood, χ² and negative log-likelihood at the nominal parameters'),
  ).action(async (path: string, options: PetabCommonOptions) => {
    const r = await petabLlh(io, path, options);
    if (options.json) writeJson(io, r);
    else
      io.stdout(
        `${path}: llh ${r.llh}  chi2 ${r.chi2}  nllh ${r.nllh}  (${r.measurements} measurements, ${r.experiments} simulations, ${(r.wallMs as number).toFixed(1)} ms)\n`,
      );
  });
  common(
    petab
      .command('simulate')
      .description('simulate every condition; print or write the PEtab simulation table'),
  )
    .option('--out <file>', 'write the simulation table (TSV) here')
    .action(async (path: string, options: PetabCommonOptions & { out?: string }) => {
      const problem = await loadPetab(io, path, options);
      const model = compileProblem(problem, compileOptions(options));
      const ev = evaluate(model, model.nominal());
      const table = formatSimulationTable(problem, ev.simulations);
      if (options.out !== undefined) {
        try {
          writeFileSync(resolve(io.cwd, options.out), table);
        } catch (cause) {
          throw new OdeonError('IoError', `Cannot write ${JSON.stringify(options.out)}.`, {
            cause,
            hint: 'Check the path.',
          });
        }
      }
      if (options.json)
        writeJson(io, {
          file: path,
          llh: ev.llh,
          chi2: ev.chi2,
          simulations: ev.simulations,
          sigmas: ev.sigmas,
        });
      else if (options.out === undefined) io.stdout(table);
      else io.stdout(`wrote ${options.out} (${problem.measurements.length} rows; llh ${ev.llh})\n`);
    });
  registerPetabFit(petab, io, common);
};
