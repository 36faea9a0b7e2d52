import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runSnippet } from '../../../docs/snippets/run-snippet.ts';
import { docsDir } from './resolve-from-app.ts';
import { executeSnippet } from './theme/execute-snippet.ts';
import { splitRegion } from './theme/snippet-region.ts';
import { workerModules } from './theme/worker-modules.ts';

// Every runnable block on every page names a snippet file and region that exist, shows that same
// region, and runs through the browser's execution path (sucrase + the worker's module table)
// printing exactly what the file prints when Node imports it. Each snippet's own test beside it
// checks that what it computes is right.

function walk(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'api' || e.name === 'public' ? [] : walk(path, ext);
    return e.name.endsWith(ext) ? [path] : [];
  });
}

interface Block {
  readonly page: string;
  readonly src: string;
  readonly region: string;
  readonly include: string | null;
}

const blocks: Block[] = walk(docsDir, '.md').flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  const page = relative(docsDir, file);
  const re = /<RunnableSnippet\s+src="([^"]+)"(?:\s+region="([^"]+)")?\s*>([\s\S]*?)<\/RunnableSnippet>/g;
  return [...text.matchAll(re)].map((m) => ({
    page,
    src: m[1],
    region: m[2] ?? 'example',
    include: /<<<\s*(\S+)/.exec(m[3])?.[1] ?? null,
  }));
});

const snippetFiles = walk(join(docsDir, 'snippets'), '.ts')
  .filter((f) => !f.endsWith('.test.ts'))
  .filter((f) => readFileSync(f, 'utf8').includes('// #region'))
  .map((f) => relative(join(docsDir, 'snippets'), f).replace(/\.ts$/, ''));

test('the pages have runnable snippets', () => {
  expect(blocks.length).toBeGreaterThan(0);
});

test('every snippet file with a region is shown on some page', () => {
  const used = new Set(blocks.map((b) => b.src));
  expect(snippetFiles.filter((f) => !used.has(f))).toEqual([]);
});

describe.each(blocks)('$page: $src#$region', (b) => {
  test('the block includes the same file and region it runs', () => {
    expect(b.include).toBe(`@/snippets/${b.src}.ts#${b.region}`);
    expect(() =>
      splitRegion(readFileSync(join(docsDir, 'snippets', `${b.src}.ts`), 'utf8'), b.region),
    ).not.toThrow();
  });

  test('runs through the browser execution path with the same output as in Node', async () => {
    const file = join(docsDir, 'snippets', `${b.src}.ts`);
    const printed: string[] = [];
    const result = await executeSnippet(readFileSync(file, 'utf8'), workerModules, (_level, text) =>
      printed.push(text),
    );
    const direct = await runSnippet(() => import(/* @vite-ignore */ file));
    expect(printed.length).toBeGreaterThan(0);
    expect(printed).toEqual(direct.lines);
    expect(Object.keys(result.exports).sort()).toEqual(Object.keys(direct.exports as object).sort());
  });
});
