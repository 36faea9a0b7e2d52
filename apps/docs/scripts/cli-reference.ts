// Writes the CLI reference (docs/api/cli-commands.md, git-ignored) from the `odeon` command's own
// --help output, run from source, so the page lists exactly the commands and options that exist.
// docs/cli.md includes it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docsDir, repoRoot } from '../.vitepress/resolve-from-app.ts';

function help(args: readonly string[]): string {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@odeon/source', '--import', 'tsx', 'apps/cli/src/bin.ts', ...args, '--help'],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', COLUMNS: '100' } },
  );
  if (r.status !== 0) throw new Error(`odeon ${args.join(' ')} --help failed:\n${r.stderr}`);
  return r.stdout.trimEnd();
}

/** Subcommand names from the "Commands:" section of commander's help. */
export function commandNames(topLevelHelp: string): string[] {
  const section = topLevelHelp.split(/^Commands:\s*$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]).filter((name) => name !== 'help');
}

const top = help([]);
const names = commandNames(top);
const parts = ['## `odeon`', '', '```text', top, '```', ''];
for (const name of names) parts.push(`## \`odeon ${name}\``, '', '```text', help([name]), '```', '');
mkdirSync(join(docsDir, 'api'), { recursive: true });
writeFileSync(join(docsDir, 'api', 'cli-commands.md'), parts.join('\n'));
console.log(`CLI reference: ${names.length} commands (${names.join(', ')}) → docs/api/cli-commands.md`);
