#!/usr/bin/env node
// Packs a workspace package, installs the tarball into an empty folder with npm (offline: a package
// with zero runtime dependencies needs nothing from the registry), asserts that nothing but the package
// itself was installed, and imports it with plain Node ESM. Usage (from a package folder):
//   node ../../scripts/check-standalone-install.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pkgDir = process.cwd();
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'odeon-standalone-'));
try {
  execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: pkgDir, stdio: 'pipe' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('pnpm pack produced no tarball');
  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'standalone-check', private: true, type: 'module' }),
  );
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, tarball)], {
    cwd: app,
    stdio: 'pipe',
  });
  const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
  const installed = Object.keys(lock.packages).filter((k) => k !== '');
  const expected = `node_modules/${pkg.name}`;
  if (installed.length !== 1 || installed[0] !== expected) {
    throw new Error(`expected only ${expected} to be installed, got: ${installed.join(', ')}`);
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
    `${pkg.name}: tarball ${tarball} installs alone (0 runtime dependencies) and imports under Node ESM (${out.trim()} exports).`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
