/**
 * Process exit codes of `odeon`: 0 success, 1 failure (bad model, solver error, I/O), 2 usage error,
 * 128 + the signal's number after a command stopped early on a signal and wrote what it had (130 for
 * SIGINT/Ctrl-C, 143 for SIGTERM), as shells report a process a signal ended.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** The exit code after a command stopped on `signal` (130 for SIGINT). */
export function signalExitCode(signal: string): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 2);
}

/** Thrown by a command after it wrote its output, so that `odeon` ends with `code` (see `run`). */
export class CommandExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
