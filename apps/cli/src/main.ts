import { isOdeonError } from '@odeon/ode';
import { Command, CommanderError } from 'commander';
import type { RegisterCommand } from './command.ts';
import { registerDemo } from './commands/demo.ts';
import { registerEnsemble } from './commands/ensemble.ts';
import { registerFit } from './commands/fit.ts';
import { registerGradient } from './commands/gradient.ts';
import { registerInfo } from './commands/info.ts';
import { registerPetab } from './commands/petab.ts';
import { registerSbmlSuite } from './commands/sbml-suite.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerTrain } from './commands/train.ts';
import { registerWorker } from './commands/worker.ts';
import { CommandExit, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.ts';
import { type CliIo, processIo } from './io.ts';
import { CLI_VERSION } from './version.ts';

/** An in-memory `CliIo` that records what a command writes (scripts and tests). */
export { type CapturedIo, captureIo } from './capture-io.ts';
/** The streams, files and cwd a command runs against. */
export type { CliIo } from './io.ts';

/** Every subcommand, in the order `odeon --help` lists them. */
const COMMANDS: readonly RegisterCommand[] = [
  registerDemo,
  registerSimulate,
  registerSbmlSuite,
  registerInfo,
  registerGradient,
  registerFit,
  registerTrain,
  registerPetab,
  registerEnsemble,
  registerWorker,
];

export function buildProgram(io: CliIo): Command {
  const program = new Command('odeon')
    .description(
      'Differentiable ODE modelling and scientific machine learning: simulate, differentiate, fit, train.',
    )
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const register of COMMANDS) register(program, io);
  for (const sub of program.commands)
    sub.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

/**
 * Runs `odeon` with the given arguments (without `node` and the script) and returns the exit code:
 * 0 success, 1 failure, 2 usage error, 130 (143) after a command stopped on SIGINT (SIGTERM) and wrote
 * what it had. Never throws.
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommandExit) return error.code;
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
      )
        return EXIT_OK;
      // Commander already printed the message (unknown command/option, missing argument, ...).
      return EXIT_USAGE;
    }
    if (isOdeonError(error)) {
      io.stderr(`odeon: error [${error.code}]: ${error.message}\n`);
      return error.code === 'UsageError' || error.code === 'InvalidOption' ? EXIT_USAGE : EXIT_FAILURE;
    }
    io.stderr(
      `odeon: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_FAILURE;
  }
}
