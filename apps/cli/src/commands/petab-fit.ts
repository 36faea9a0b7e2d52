import type { Command } from 'commander';
import type { CliIo } from '../io.ts';

/** Registers `odeon petab fit` and `odeon petab profile`. */
export function registerPetabFit(_petab: Command, _io: CliIo, _common: (c: Command) => Command): void {}
