import type { CliIo } from './io.ts';

/** Seconds between progress lines when stderr is not a terminal (CI logs, pipes). */
export const PROGRESS_EVERY_SECONDS = 10;

/**
 * A progress sink for long work: on a terminal it redraws one status line; off a terminal it writes
 * a line to stderr at most every `everySeconds` (0: never), so CI logs and pipes show progress too.
 * `--json` runs pass `quiet` (their stdout is for machines; stderr stays empty).
 */
export function progressReporter(
  io: CliIo,
  options: { readonly quiet?: boolean; readonly everySeconds?: number } = {},
): { update(line: string): void; done(): void } {
  const every = options.everySeconds ?? PROGRESS_EVERY_SECONDS;
  let last = performance.now();
  let drawn = false;
  return {
    update(line: string) {
      if (options.quiet) return;
      if (io.isTTY) {
        io.stderr(`\r${line} `);
        drawn = true;
        return;
      }
      const now = performance.now();
      if (every > 0 && now - last >= every * 1000) {
        last = now;
        io.stderr(`${line}\n`);
      }
    },
    done() {
      if (drawn) io.stderr('\n');
      drawn = false;
    },
  };
}
