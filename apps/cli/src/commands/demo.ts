import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { type CliIo, writeJson } from '../io.ts';

export interface DemoResult {
  readonly steps: readonly { readonly name: string; readonly summary: Record<string, unknown> }[];
}

/** The demo's stages; each later feature (simulation, training) adds one. */
export async function runDemo(_io: CliIo): Promise<DemoResult> {
  return { steps: [] };
}

export const registerDemo: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('demo')
    .description(
      'Run the bundled example end to end: solve the stiff ROBER model, train a small neural ODE, write plots.',
    )
    .option('--json', 'print a machine-readable summary')
    .action(async (options: { json?: boolean }) => {
      const result = await runDemo(io);
      if (options.json) writeJson(io, result);
      else for (const step of result.steps) io.stdout(`${step.name}: ${JSON.stringify(step.summary)}\n`);
    });
};
