import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OdeonError } from '@odeon/ode';

/** Where a command writes; injectable so tests capture output without spawning a process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stdout is an interactive terminal (progress bars, colours). */
  readonly isTTY: boolean;
  /** Working directory for relative paths. */
  readonly cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY) && process.env.CI !== 'true',
    cwd: process.cwd(),
  };
}

/** Prints a value as pretty JSON (for `--json`); Float64Arrays become plain arrays. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout(
    `${JSON.stringify(value, (_key, v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v), 2)}\n`,
  );
}

/** Reads a text file relative to the CLI's working directory, as a typed `IoError` on failure. */
export function readTextFile(io: CliIo, path: string, what: string): string {
  try {
    return readFileSync(resolve(io.cwd, path), 'utf8');
  } catch (cause) {
    throw new OdeonError(
      'IoError',
      `Cannot read the ${what} ${JSON.stringify(path)}: ${(cause as Error).message}`,
      {
        cause,
        hint: 'Check the path.',
      },
    );
  }
}
