#!/usr/bin/env node
// The release packing step: packs every publishable workspace package with `pnpm pack`, which rewrites
// `workspace:^` ranges to the versions being released (plain `npm pack` keeps them and the tarball
// cannot be installed). Run after `pnpm build`. Usage: node scripts/pack-all.mjs [destination]
// (default out/pack); prints one tarball path per line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Publishable workspace packages (not private), in dependency order (dependencies first). */
export function publishablePackages() {
  const dirs = [
    ...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)),
    ...readdirSync(join(root, 'apps')).map((d) => join(root, 'apps', d)),
  ].filter((d) => existsSync(join(d, 'package.json')));
  const pkgs = dirs
    .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter((p) => !p.json.private);
  const names = new Set(pkgs.map((p) => p.json.name));
  const ordered = [];
  const seen = new Set();
  const visit = (p) => {
    if (seen.has(p.json.name)) return;
    seen.add(p.json.name);
    for (const dep of Object.keys(p.json.dependencies ?? {}))
      if (names.has(dep)) visit(pkgs.find((q) => q.json.name === dep));
    ordered.push(p);
  };
  for (const p of pkgs) visit(p);
  return ordered;
}

/** Packs `pkgs` into `dest` with pnpm; returns the tarball paths. */
export function packAll(dest, pkgs = publishablePackages()) {
  mkdirSync(dest, { recursive: true });
  // the workspace's pinned pnpm (node_modules/.bin is on PATH in `pnpm test` and `pnpm run`)
  const pnpm = 'pnpm';
  return pkgs.map((p) => {
    if (!existsSync(join(p.dir, 'dist')))
      throw new Error(`${p.json.name} has no dist/: run \`pnpm build\` first`);
    const out = execFileSync(pnpm, ['pack', '--pack-destination', dest], { cwd: p.dir, encoding: 'utf8' });
    const tgz = out.trim().split('\n').pop().trim();
    return resolve(p.dir, tgz);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dest = resolve(process.argv[2] ?? join(root, 'out', 'pack'));
  for (const t of packAll(dest)) console.log(t);
}
