import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest ancestor of this file holding `pnpm-workspace.yaml`. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir)
      throw new Error('@odeon/testkit: cannot find the repository root (no pnpm-workspace.yaml above).');
    dir = up;
  }
}

/** The path of a local repository this checkout was cloned from (`remote.origin.url`), if it is one. */
function localOrigin(root: string): string | undefined {
  try {
    const url = execFileSync('git', ['config', '--get', 'remote.origin.url'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return url.startsWith('/') ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The read-only `shared/` folder with reference solutions and the SBML Test Suite sample: `$ODEON_SHARED`
 * if set, else `../shared` beside the repository root, else `../shared` beside the local repository this
 * checkout was cloned from. `root` is the checkout (default: this one). Missing data is an error, never a
 * silent skip.
 */
export function sharedDir(root: string = repoRoot()): string {
  const fromEnv = process.env.ODEON_SHARED;
  const origin = fromEnv ? undefined : localOrigin(root);
  const candidates = fromEnv
    ? [resolve(fromEnv)]
    : [resolve(root, '..', 'shared'), ...(origin ? [resolve(origin, '..', 'shared')] : [])];
  for (const c of candidates) if (existsSync(join(c, 'reference'))) return c;
  throw new Error(
    `@odeon/testkit: shared data not found (looked in ${candidates.join(', ')}). Clone the repository beside shared/ or set ODEON_SHARED.`,
  );
}
