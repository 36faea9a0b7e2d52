import type { Command } from 'commander';
import type { CliIo } from './io.ts';

/** A subcommand module: adds itself to the program. One file per subcommand under `commands/`. */
export type RegisterCommand = (program: Command, io: CliIo) => void;
