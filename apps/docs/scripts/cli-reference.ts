// Writes the CLI reference (docs/api/cli-commands.md, git-ignored) from the `odeon` command's own
// help texts, so the page lists exactly the commands and options that exist. docs/cli.md includes it.
// Run with the @odeon/source condition (see package.json): the CLI is loaded from source, in process.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { docsDir, repoRoot } from '../.vitepress/resolve-from-app.ts';

/** The part of commander's `Command` this script reads. */
interface HelpCommand {
  name(): string;
  helpInformation(): string;
  readonly commands: readonly HelpCommand[];
}

interface CliModule {
  buildProgram(io: {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
    isTTY: boolean;
    cwd: string;
  }): HelpCommand;
}

// Loaded by URL (not a typed import), so this app does not type-check the CLI's sources.
const cliMain = pathToFileURL(join(repoRoot, 'apps/cli/src/main.ts')).href;
const { buildProgram } = (await import(cliMain)) as CliModule;
const ignore = () => {};
const program = buildProgram({ stdout: ignore, stderr: ignore, isTTY: false, cwd: repoRoot });

const block = (title: string, help: string) => [`## \`${title}\``, '', '```text', help.trimEnd(), '```', ''];
const parts = block('odeon', program.helpInformation());
for (const cmd of program.commands) parts.push(...block(`odeon ${cmd.name()}`, cmd.helpInformation()));
mkdirSync(join(docsDir, 'api'), { recursive: true });
writeFileSync(join(docsDir, 'api', 'cli-commands.md'), parts.join('\n'));
console.log(
  `CLI reference: ${program.commands.length} commands (${program.commands.map((c) => c.name()).join(', ')}) → docs/api/cli-commands.md`,
);
