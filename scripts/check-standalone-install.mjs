#!/usr/bin/env node
// Packs a workspace package and its workspace dependencies (`@odeon/*`), installs the tarballs into an
// empty folder with npm (offline: a package with zero third-party dependencies needs nothing from the
// registry), asserts that nothing but those packages was installed, and imports it with plain Node ESM.
// Usage (from a package folder):
//   node ../../scripts/check-standalone-install.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pkgDir = process.cwd();
const readPkg = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const pkg = readPkg(pkgDir);
const work = mkdtempSync(join(tmpdir(), 'odeon-standalone-'));

/** The package folder and the folders of its workspace dependencies, transitively. */
function workspaceClosure(dir, seen = new Map()) {
  const p = readPkg(dir);
  if (seen.has(p.name)) return seen;
  seen.set(p.name, dir);
  for (const [name, range] of Object.entries(p.dependencies ?? {})) {
    if (!String(range).startsWith('workspace:')) {
      throw new Error(`${p.name} has a third-party runtime dependency: ${name}`);
    }
    workspaceClosure(join(dir, 'node_modules', name), seen);
  }
  return seen;
}

try {
  const closure = workspaceClosure(pkgDir);
  for (const dir of closure.values()) {
    execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: dir, stdio: 'pipe' });
  }
  const tarballs = readdirSync(work).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length !== closure.size) throw new Error('pnpm pack produced no tarball');
  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'standalone-check', private: true, type: 'module' }),
  );
  execFileSync(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', ...tarballs.map((t) => join(work, t))],
    { cwd: app, stdio: 'pipe' },
  );
  const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
  const installed = Object.keys(lock.packages)
    .filter((k) => k !== '')
    .sort();
  const expected = [...closure.keys()].map((name) => `node_modules/${name}`).sort();
  if (installed.join() !== expected.join()) {
    throw new Error(`expected only ${expected.join(', ')} to be installed, got: ${installed.join(', ')}`);
  }
  const out = execFileSync(
    'node',
    [
      '--input-type=module',
      '-e',
      `const m = await import('${pkg.name}'); console.log(Object.keys(m).length)`,
    ],
    { cwd: app, encoding: 'utf8' },
  );
  console.log(
    `${pkg.name}: installs with ${[...closure.keys()].join(', ')} only (0 third-party dependencies) and imports under Node ESM (${out.trim()} exports).`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
