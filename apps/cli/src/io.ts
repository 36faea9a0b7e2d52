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
  /**
   * Calls `handler` on the first SIGINT/SIGTERM while long work runs (a second one ends the process
   * as usual); returns the function that unregisters it. Absent: no signal handling (tests inject one).
   */
  readonly onInterrupt?: (handler: (signal: string) => void) => () => void;
}

let epipeGuard = false;

export function processIo(): CliIo {
  if (!epipeGuard) {
    epipeGuard = true;
    // `odeon ... --json | head`: the reader closed the pipe; stop quietly instead of a stack trace.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY) && process.env.CI !== 'true',
    cwd: process.cwd(),
    onInterrupt: (handler) => {
      const h = (signal: NodeJS.Signals) => handler(signal);
      process.once('SIGINT', h);
      process.once('SIGTERM', h);
      return () => {
        process.off('SIGINT', h);
        process.off('SIGTERM', h);
      };
    },
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
