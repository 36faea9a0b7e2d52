import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['node_modules', 'dist', 'cache', '.turbo', 'test-artifacts']);

/**
 * The newest modification time (ms) of any file under `dir`, skipping build outputs, caches and the
 * paths in `exclude` (generated inputs such as docs/api).
 */
export function newestMtime(dir: string, exclude: ReadonlySet<string> = new Set()): number {
  if (!existsSync(dir) || exclude.has(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path, exclude) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Whether the built site in `distDir` is newer than every input in `inputs` (pages, snippets, theme,
 * package and CLI sources), so the browser test can use it as built instead of building it again.
 */
export function isBuildFresh(
  distDir: string,
  inputs: readonly string[],
  exclude: readonly string[] = [],
): boolean {
  const marker = join(distDir, 'index.html');
  if (!existsSync(marker)) return false;
  const built = statSync(marker).mtimeMs;
  const skip = new Set(exclude);
  return inputs.every((dir) => newestMtime(dir, skip) < built);
}
