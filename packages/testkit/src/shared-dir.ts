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

/**
 * The read-only `shared/` folder with reference solutions and the SBML Test Suite sample: `$ODEON_SHARED`
 * if set, else `../shared` beside the repository root. Missing data is an error, never a silent skip.
 */
export function sharedDir(): string {
  const fromEnv = process.env.ODEON_SHARED;
  const candidates = fromEnv ? [resolve(fromEnv)] : [resolve(repoRoot(), '..', 'shared')];
  for (const c of candidates) if (existsSync(join(c, 'reference'))) return c;
  throw new Error(
    `@odeon/testkit: shared data not found (looked in ${candidates.join(', ')}). Clone the repository beside shared/ or set ODEON_SHARED.`,
  );
}
