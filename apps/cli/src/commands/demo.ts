import { join } from 'node:path';
import { invalidOption } from '@odeon/ode';
import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { type CliIo, writeJson } from '../io.ts';
import { timeSeriesSvg } from '../plot.ts';
import { type DemoTrainSummary, trainDemoNeuralOde } from './demo-train.ts';
import { formatCsv, simulateProblem, writeOutputFile } from './simulate.ts';

/** Where the demo writes by default: inside `out/`, which the repository's .gitignore excludes. */
export const DEMO_OUT_DIR = 'out/demo';

export interface DemoResult {
  readonly steps: readonly { readonly name: string; readonly summary: Record<string, unknown> }[];
}

/** Options of `runDemo`. */
export interface DemoOptions {
  /** Where plots and CSV files go (default `out/demo/`, relative to the working directory; git-ignored in a clone). */
  readonly outDir?: string;
  /** Wall-clock budget of the training stage in seconds (default 60); 0 skips the stage. */
  readonly trainSeconds?: number;
  /** Upper bound on training steps (default 100 000). */
  readonly trainSteps?: number;
}

/**
 * The demo's stages. Stage 1 solves the stiff ROBER problem with Rodas5P and writes its time course
 * (CSV) and a log-log plot (SVG). Stage 2 trains a small scaled neural ODE on that solution (Kim et al.
 * 2021) for a wall-clock budget and plots data vs model and the loss curve.
 */
export async function runDemo(io: CliIo, options: DemoOptions = {}): Promise<DemoResult> {
  const outDir = options.outDir ?? DEMO_OUT_DIR;
  const rober = simulateProblem({ problem: 'rober', method: 'rodas5p', rtol: 1e-6 });
  const csv = join(outDir, 'rober.csv');
  const svg = join(outDir, 'rober.svg');
  writeOutputFile(io, csv, formatCsv(rober.names, rober.t, rober.y));
  // y2 is four orders of magnitude below y1, y3: plot log-log
  writeOutputFile(
    io,
    svg,
    await timeSeriesSvg(rober.t, rober.y, rober.names, {
      title: 'ROBER (Rodas5P, rtol 1e-6)',
      logX: true,
      logY: true,
    }),
  );
  const steps: { name: string; summary: Record<string, unknown> }[] = [
    {
      name: 'rober',
      summary: {
        method: rober.method,
        rtol: rober.rtol,
        atol: rober.atol,
        wallMs: rober.wallMs,
        stats: rober.stats,
        final: rober.final,
        files: [csv, svg],
      },
    },
  ];
  const trainSeconds = options.trainSeconds ?? 60;
  if (trainSeconds > 0) {
    const summary = await trainDemoNeuralOde(io, {
      outDir,
      seconds: trainSeconds,
      ...(options.trainSteps === undefined ? {} : { maxSteps: options.trainSteps }),
    });
    steps.push({ name: 'neural-ode', summary: { ...summary } });
  }
  return { steps };
}

export const registerDemo: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('demo')
    .description(
      'Run the bundled example end to end: solve the stiff ROBER model, train a small neural ODE, write plots.',
    )
    .option('--out-dir <dir>', 'folder for plots and CSV files', DEMO_OUT_DIR)
    .option('--train-seconds <s>', 'wall-clock budget of the neural ODE training stage (0 skips it)', '60')
    .option('--train-steps <n>', 'upper bound on training steps')
    .option('--json', 'print a machine-readable summary')
    .action(
      async (options: { json?: boolean; outDir?: string; trainSeconds: string; trainSteps?: string }) => {
        const trainSeconds = Number(options.trainSeconds);
        const trainSteps = options.trainSteps === undefined ? undefined : Number(options.trainSteps);
        if (!(trainSeconds >= 0))
          throw invalidOption('--train-seconds', options.trainSeconds, 'a number ≥ 0');
        if (trainSteps !== undefined && !(Number.isInteger(trainSteps) && trainSteps >= 1)) {
          throw invalidOption('--train-steps', options.trainSteps, 'a whole number ≥ 1');
        }
        const result = await runDemo(io, {
          ...(options.outDir === undefined ? {} : { outDir: options.outDir }),
          trainSeconds,
          ...(trainSteps === undefined ? {} : { trainSteps }),
        });
        if (options.json) {
          writeJson(io, result);
          return;
        }
        for (const step of result.steps) {
          if (step.name === 'rober') {
            const s = step.summary as {
              stats: Record<string, number>;
              final: Record<string, number>;
              wallMs: number;
              files: string[];
            };
            io.stdout(
              `ROBER (stiff chemical kinetics) with rodas5p, rtol 1e-6: ${s.wallMs.toFixed(2)} ms\n` +
                `  steps ${s.stats.steps} (accepted ${s.stats.acceptedSteps}, rejected ${s.stats.rejectedSteps}), ` +
                `RHS ${s.stats.rhsEvals}, Jacobians ${s.stats.jacobianEvals}, LU ${s.stats.luFactorizations}\n` +
                `  final state at t = 1e5: ${Object.entries(s.final)
                  .map(([k, v]) => `${k} = ${v.toPrecision(8)}`)
                  .join(', ')}\n` +
                `  wrote ${s.files.join(', ')}\n`,
            );
          } else if (step.name === 'neural-ode') {
            const s = step.summary as unknown as DemoTrainSummary;
            io.stdout(
              `Neural ODE on ROBER (${s.model}), ${s.steps} AdamW steps in ${s.wallSeconds.toFixed(1)} s ` +
                `(${s.stepsPerSecond.toFixed(1)} steps/s, quadrature adjoint through rodas5p)\n` +
                `  scaled MAE ${s.initialScaledMae.toExponential(3)} -> ${s.finalScaledMae.toExponential(3)}\n` +
                `  wrote ${s.files.join(', ')}\n`,
            );
          } else io.stdout(`${step.name}: ${JSON.stringify(step.summary)}\n`);
        }
      },
    );
};
