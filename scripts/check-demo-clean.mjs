#!/usr/bin/env node
// The README's command 1 before command 2: runs `odeon demo` (from source, training cut to a few
// seconds) and fails if it changed what git sees (`git status --porcelain` before == after), so the
// demo never writes into the clone and lint/tests afterwards see the tree the user cloned.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const status = () => {
  const r = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], {
    cwd: root,
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout : undefined;
};
const before = status();
if (before === undefined) {
  console.log('not a git checkout: skipping the demo check');
  process.exit(0);
}
const demo = spawnSync(
  process.execPath,
  ['--conditions=@odeon/source', '--import', 'tsx', 'apps/cli/src/bin.ts', 'demo', '--train-seconds', '10'],
  { cwd: root, stdio: 'inherit' },
);
if (demo.status !== 0) {
  console.error(`odeon demo failed (exit ${demo.status})`);
  process.exit(1);
}
const after = status();
if (after !== before) {
  const was = new Set(before.split('\n'));
  const changed = after.split('\n').filter((l) => l !== '' && !was.has(l));
  console.error(`odeon demo changed the clone (git status):\n${changed.join('\n')}`);
  process.exit(1);
}
console.log('odeon demo left the clone as it was (git status unchanged)');
