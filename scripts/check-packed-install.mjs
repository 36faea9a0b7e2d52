#!/usr/bin/env node
// Every publishable package installs from its packed tarball with plain npm: packs them all with the
// release packing step (scripts/pack-all.mjs), checks that no packed package.json keeps a `workspace:`
// range, then installs the tarballs into an empty project with `npm install --offline` (local
// tarballs only; third-party dependencies come from npm's cache when present) and imports each
// installed package under Node ESM. Packages whose third-party dependencies are not in the cache are
// reported as not checkable offline (never as passing). Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll, publishablePackages } from './pack-all.mjs';

const work = mkdtempSync(join(tmpdir(), 'odeon-packed-'));
let failed = false;
try {
  // `--only a,b` checks those packages (with their workspace dependencies), e.g. before a full build.
  const only = process.argv.includes('--only')
    ? process.argv[process.argv.indexOf('--only') + 1].split(',')
    : undefined;
  const all = publishablePackages();
  const pkgs = only === undefined ? all : all.filter((p) => only.includes(p.json.name));
  const tarballs = packAll(join(work, 'tarballs'), pkgs);
  for (const [i, tgz] of tarballs.entries()) {
    const manifest = JSON.parse(
      execFileSync('tar', ['-xOzf', tgz, 'package/package.json'], { encoding: 'utf8' }),
    );
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
        if (String(range).startsWith('workspace:')) {
          console.error(`${pkgs[i].json.name}: packed ${field}.${dep} is still "${range}"`);
          failed = true;
        }
      }
    }
  }
  const names = new Set(pkgs.map((p) => p.json.name));
  // Install each package with its workspace dependencies' tarballs, dependencies first.
  for (const [i, p] of pkgs.entries()) {
    const closure = new Set();
    const add = (q) => {
      for (const dep of Object.keys(q.json.dependencies ?? {}))
        if (names.has(dep) && !closure.has(dep)) {
          closure.add(dep);
          add(pkgs.find((r) => r.json.name === dep));
        }
    };
    add(p);
    const own = [...closure].map((n) => tarballs[pkgs.findIndex((q) => q.json.name === n)]);
    const app = mkdtempSync(join(work, 'app-'));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'packed-check', private: true, type: 'module' }),
    );
    try {
      execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', ...own, tarballs[i]], {
        cwd: app,
        stdio: 'pipe',
      });
    } catch (e) {
      const text = String(e.stderr ?? e.message);
      if (/ENOTCACHED|offline/i.test(text)) {
        console.log(`${p.json.name}: not checkable offline (third-party dependencies not in npm's cache)`);
        continue;
      }
      console.error(`${p.json.name}: npm install of the packed tarball failed:\n${text}`);
      failed = true;
      continue;
    }
    if (p.json.exports === undefined && p.json.main === undefined) {
      console.log(`${p.json.name}: installed (no importable entry)`);
      continue;
    }
    try {
      execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(p.json.name)})`],
        {
          cwd: app,
          stdio: 'pipe',
        },
      );
      console.log(`${p.json.name}: installs from its tarball with npm and imports`);
    } catch (e) {
      console.error(`${p.json.name}: installed but does not import:\n${String(e.stderr ?? e.message)}`);
      failed = true;
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
