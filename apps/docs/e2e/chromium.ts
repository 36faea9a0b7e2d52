import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium: the only browser the e2e test drives (no browser downloads). */
export const chromiumPath = '/usr/bin/chromium';

/** Flags for a quiet, sandbox-free headless Chromium that never reaches the network on its own. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` failed with exit code ${r.status}`);
}

/** Installs Debian's `chromium` package with apt-get when it is missing (the CI machine runs as root). */
export function ensureChromium(): string {
  if (!existsSync(chromiumPath)) {
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', 'chromium']);
  }
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is still missing after apt-get install`);
  return chromiumPath;
}
