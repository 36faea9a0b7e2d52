import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Node flags and script that run the CLI from source, from the repository root (as `pnpm odeon` does). */
export const CLI_FROM_SOURCE = [
  '--conditions=@odeon/source',
  '--import',
  'tsx',
  'apps/cli/src/bin.ts',
] as const;

/** Resolves once `path` exists; rejects after `ms`, or at once when `gone()` says the run has ended. */
export async function waitFor(path: string, ms: number, gone?: () => string | undefined): Promise<void> {
  const end = Date.now() + ms;
  while (!existsSync(path)) {
    if (Date.now() > end) throw new Error(`${path} did not appear within ${ms} ms`);
    const why = gone?.();
    if (why !== undefined) throw new Error(`the run ended before ${path} appeared: ${why}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a signalled process printed and its exit code. */
export interface SignalledRun {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs `node ...args` in `cwd`, waits until `file` exists, sends `signal` and waits for the exit. The process
 * ending first, or `file` not appearing within `ms`, is an error (the process is killed).
 */
export async function signalWhen(
  args: readonly string[],
  options: { cwd: string; file: string; ms: number; signal: NodeJS.Signals },
): Promise<SignalledRun> {
  const child = spawn(process.execPath, [...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  let exited: string | undefined;
  const closed = new Promise<number | null>((done) =>
    child.on('close', (code) => {
      exited = `exit ${code}: ${err}`;
      done(code);
    }),
  );
  try {
    await waitFor(options.file, options.ms, () => exited);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  child.kill(options.signal);
  const code = await closed;
  return { code, out, err };
}
