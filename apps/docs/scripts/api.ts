// Generates the API reference (docs/api/, git-ignored) from the packages' TypeScript sources with
// TypeDoc and typedoc-plugin-markdown, and lists every public export that lacks a doc comment.
// `--check` exits 1 when any does.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Application, type DeclarationReflection, ReflectionKind } from 'typedoc';
import { docsDir, repoRoot } from '../.vitepress/resolve-from-app.ts';
import { apiPackages } from './api-packages.ts';

// `--out <dir>` writes elsewhere (the coverage test uses a temporary folder, leaving docs/api/ alone).
const outFlag = process.argv.indexOf('--out');
const outDir = outFlag >= 0 ? resolve(process.argv[outFlag + 1]) : join(docsDir, 'api');

function packageDescription(name: string): string {
  const dir = name.replace(/^@odeon\//, '');
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8'));
  return String(pkg.description ?? '');
}

/** A reflection and its children that need a description of their own. */
function undocumented(reflection: DeclarationReflection, path: string, out: string[]): void {
  const hasComment =
    Boolean(reflection.comment?.summary.some((p) => p.text.trim() !== '')) ||
    Boolean(reflection.signatures?.some((s) => s.comment?.summary.some((p) => p.text.trim() !== ''))) ||
    Boolean(reflection.getSignature?.comment || reflection.setSignature?.comment);
  if (!hasComment) out.push(path);
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const entryPoints = apiPackages
    .map((p) => join(repoRoot, 'packages', p))
    .filter((dir) => existsSync(join(dir, 'src', 'index.ts')));
  rmSync(outDir, { recursive: true, force: true });
  const app = await Application.bootstrapWithPlugins({
    entryPoints,
    // Each package with its own tsconfig (library sources only) and its package.json name.
    entryPointStrategy: 'packages',
    packageOptions: { entryPoints: ['src/index.ts'], skipErrorChecking: true },
    plugin: ['typedoc-plugin-markdown'],
    out: outDir,
    readme: 'none',
    name: 'API reference',
    entryFileName: 'index',
    // One page per package (members as sections): six pages instead of hundreds, each searchable
    // with the page outline.
    outputFileStrategy: 'modules',
    hidePageHeader: true,
    hideBreadcrumbs: false,
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    disableSources: true,
    disableGit: true,
    sourceLinkTemplate: '',
    githubPages: false,
    skipErrorChecking: true,
    logLevel: 'Warn',
    validation: { notExported: false, invalidLink: false, notDocumented: false },
  } as never);
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not convert the packages (see the errors above)');

  const missing: string[] = [];
  const order = (name: string) => apiPackages.indexOf(name.replace('@odeon/', '') as never);
  const modules = [...(project.children ?? [])].sort((a, b) => order(a.name) - order(b.name));
  for (const mod of modules) {
    for (const child of mod.children ?? []) {
      if (child.kindOf(ReflectionKind.Reference)) continue;
      undocumented(child, `${mod.name}.${child.name}`, missing);
    }
  }
  await app.generateOutputs(project);

  const rows = modules.map((m) => {
    const count = (m.children ?? []).filter((c) => !c.kindOf(ReflectionKind.Reference)).length;
    return `| [\`${m.name}\`](./${m.name}) | ${count} | ${packageDescription(m.name)} |`;
  });
  writeFileSync(
    join(outDir, 'index.md'),
    [
      '# API reference',
      '',
      'Generated from the TypeScript sources and their doc comments with TypeDoc at build time.',
      '',
      '| Package | Exports | What it is |',
      '| --- | --- | --- |',
      ...rows,
      '',
      missing.length === 0
        ? 'Every public export has a description.'
        : `${missing.length} exports have no description yet: ${missing.map((m) => `\`${m}\``).join(', ')}.`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(outDir, 'coverage.json'), `${JSON.stringify({ undocumented: missing }, null, 2)}\n`);
  console.log(
    `API reference: ${modules.length} packages, ${modules.reduce((s, m) => s + (m.children?.length ?? 0), 0)} exports, ${missing.length} without a description → docs/api/`,
  );
  if (missing.length > 0) console.log(`  undocumented: ${missing.join(', ')}`);
  if (check && missing.length > 0) process.exit(1);
}

await main();
