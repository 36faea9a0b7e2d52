import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OdeonError } from '@odeon/ode';
import { compileProblem, evaluate, formatSimulationTable } from '@odeon/petab';
import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { type CliIo, writeJson } from '../io.ts';
import { registerPetabFit } from './petab-fit.ts';
import { compileOptions, loadPetab, type PetabCommonOptions } from './petab-options.ts';

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
      .argument('<problem>', 'PEtab problem file (YAML, format_version 1 or 2.0.0)')
      .option('--json', 'print JSON')
      .option('--parameters <file>', 'TSV of parameterId and value (linear scale) replacing nominal values')
      .option('--rtol <x>', 'relative tolerance of the ODE solver (default 1e-8)')
      .option('--atol <x>', 'absolute tolerance of the ODE solver, on concentrations (default 1e-16)');
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
