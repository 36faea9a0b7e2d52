#!/usr/bin/env node
// `pnpm test`: every check and every test of the workspace, in order. Each step runs even when an
// earlier one failed (so one run shows everything), and the exit code is non-zero if any failed.
// Step outcomes go to .ci/results/steps.json; vitest writes its JSON report beside it when CI=true.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const resultsDir = join(root, '.ci', 'results');
mkdirSync(resultsDir, { recursive: true });

const docsPkg = JSON.parse(readFileSync(join(root, 'apps/docs/package.json'), 'utf8'));
const steps = [
  // The README's command 1 runs before command 2: the demo must leave the clone unchanged.
  ['demo leaves the clone clean', 'node', ['scripts/check-demo-clean.mjs']],
  ['lint', 'biome', ['check', '.']],
  ['import graph', 'pnpm', ['run', 'check:imports']],
  ['build', 'turbo', ['run', 'build']],
  ['typecheck', 'turbo', ['run', 'typecheck']],
  ['check:package', 'turbo', ['run', 'check:package']],
  // every package installs from its packed tarball with plain npm (workspace ranges rewritten)
  ['packed tarballs install with npm', 'node', ['scripts/check-packed-install.mjs']],
  ['tests', 'vitest', ['run']],
];
// The browser tests apt-get install Debian's Chromium (~440 MB) when it is missing; ODEON_SKIP_E2E=1 skips them.
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by this script, not by a turbo task
const skipE2e = process.env.ODEON_SKIP_E2E === '1';
if (docsPkg.scripts?.['test:e2e'] && skipE2e)
  console.log('ODEON_SKIP_E2E=1: skipping the documentation browser tests');
else if (docsPkg.scripts?.['test:e2e'])
  steps.push(['docs e2e', 'pnpm', ['--filter', '@odeon/docs', 'run', 'test:e2e']]);

// npx puts a relative `./node_modules/.bin` on PATH; turbo resolves `pnpm` through it and then fails to
// spawn it from a package folder. Make every entry absolute and put the workspace's own bin first.
const env = {
  ...process.env,
  PATH: [
    join(root, 'node_modules', '.bin'),
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((p) => resolve(root, p)),
  ].join(delimiter),
};

const outcomes = [];
for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  const ok = r.status === 0;
  outcomes.push({ name, ok, status: r.status, seconds: (Date.now() - started) / 1000 });
  console.log(
    `=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
writeFileSync(join(resultsDir, 'steps.json'), `${JSON.stringify(outcomes, null, 2)}\n`);
console.log('\nSummary of steps:');
for (const o of outcomes)
  console.log(`  ${o.ok ? 'ok    ' : 'FAILED'} ${o.name} (${o.seconds.toFixed(1)} s)`);
if (!existsSync(join(resultsDir, 'vitest.json')))
  console.log('  (no vitest JSON report: run with CI=true to write one)');
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
