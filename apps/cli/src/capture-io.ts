import type { CliIo } from './io.ts';

/** A `CliIo` that records what a command writes, for in-process CLI tests (`run([...], io)`). */
export interface CapturedIo extends CliIo {
  /** Everything written to stdout. */
  out: string;
  /** Everything written to stderr. */
  err: string;
}

export function captureIo(cwd: string = process.cwd()): CapturedIo {
  const io: CapturedIo = {
    out: '',
    err: '',
    isTTY: false,
    cwd,
    stdout: (text) => {
      io.out += text;
    },
    stderr: (text) => {
      io.err += text;
    },
  };
  return io;
}
