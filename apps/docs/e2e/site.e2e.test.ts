import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadReference } from '@odeon/testkit';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appDir, docsDir, repoRoot } from '../.vitepress/resolve-from-app.ts';
import { executeSnippet } from '../.vitepress/theme/execute-snippet.ts';
import { workerModules } from '../.vitepress/theme/worker-modules.ts';
import { chromiumArgs, ensureChromium } from './chromium.ts';
import { isBuildFresh } from './site-freshness.ts';
import { type StaticServer, serveStatic } from './static-server.ts';

// Builds the site, serves the static files on 127.0.0.1 and drives Debian's Chromium through the
// pages whose snippets must run in the reader's browser: Run, printed output, chart, no console errors.

const distDir = join(appDir, '.vitepress', 'dist');
const artifactsDir = join(appDir, 'test-artifacts');

interface PageCase {
  readonly name: string;
  readonly path: string;
  readonly snippet: string;
  /** Lines the snippet must print (checked in order of appearance). */
  readonly output: readonly RegExp[];
  /** Extra checks on the printed text. */
  readonly check?: (text: string) => void | Promise<void>;
  /** Whether the snippet exports a chart. Default true. */
  readonly chart?: boolean;
  /** At least this many Web Workers must start (the snippet's own, and any it starts). */
  readonly workers?: number;
  /** Edit the code (replace a string), run it again and compare the two outputs. */
  readonly edited?: {
    readonly replace: readonly [string, string];
    readonly check: (first: string, edited: string) => void;
  };
}

const ENSEMBLE_STATS = ['mean(A)', 'q05(A)', 'q95(A)'];

/** The numbers printed after `label = [` … `]`. */
function printedVector(text: string, label: string): number[] {
  const line = text.split('\n').find((l) => l.startsWith(`${label} = [`));
  return line
    ? line
        .slice(label.length + 4, -1)
        .split(', ')
        .map(Number)
    : [];
}

const rober = loadReference('rober');

/** What a snippet prints when run in Node (through the page's execution path: worker threads there). */
async function printedInNode(snippet: string): Promise<string> {
  const printed: string[] = [];
  const source = readFileSync(join(docsDir, 'snippets', `${snippet}.ts`), 'utf8');
  await executeSnippet(source, workerModules, (_level, text) => printed.push(text));
  return printed.join('\n');
}

const pages: readonly PageCase[] = [
  {
    name: 'getting-started',
    path: '/getting-started',
    snippet: 'getting-started/rober',
    output: [/^status: success$/m, /^\d+ steps \(\d+ rejected\), \d+ rhs evaluations/m],
    check: (text) => expect(printedVector(text, 'y(1e5)')).toBeAllclose(rober.final, { rtol: 1e-6, atol: 0 }),
  },
  {
    name: 'tutorial-stiff-rober',
    path: '/tutorials/stiff-rober',
    snippet: 'tutorials/stiff-rober',
    output: [/^method\s+steps\s+rhs evals\s+LU\s+y2\(40\)$/m, /^tsit5\s+\d{5}\s/m, /^rodas5p\s+\d{2,3}\s/m],
    // y2(40) printed by every method, against Hairer & Wanner's reference 0.9185534764e-5.
    check: (text) => {
      const y2 = [...text.matchAll(/^\w+\s+\d+\s+\d+\s+\d+\s+(\S+)$/gm)].map((m) => Number(m[1]));
      expect(y2).toHaveLength(4);
      expect(y2).toBeAllclose(Array(4).fill(0.9185534764e-5), { rtol: 2e-5, atol: 0 });
    },
  },
  {
    name: 'tutorial-backsolve',
    path: '/tutorials/backsolve-stiff',
    snippet: 'tutorials/backsolve-reverse',
    output: [
      /^backward integration failed: StepSizeTooSmall at t = /m,
      /^y2 at t = \S+: backward \S+, forward \S+$/m,
    ],
  },
  {
    name: 'guide-tensor-wasm',
    path: '/guide/tensor',
    snippet: 'guide-tensor/wasm',
    output: [/^cpu: float64, wasm: float32$/m],
    // The WebAssembly backend ran in the worker: float32 results within float32 accuracy of float64.
    check: (text) => {
      const d = Number(/max \|cpu − wasm\| = (\S+)/.exec(text)?.[1]);
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThan(1e-5);
    },
    chart: false,
  },
  {
    name: 'guide-neural',
    path: '/guide/neural',
    snippet: 'guide-neural/fit-spiral',
    output: [/^354 parameters$/m, /^loss \S+ → \S+ in \d+ L-BFGS iterations$/m],
    check: (text) => {
      const [, before, after] = /^loss (\S+) → (\S+)/m.exec(text) ?? [];
      expect(Number(after)).toBeLessThan(Number(before) / 100);
    },
  },
  {
    name: 'tutorial-sbml-fit',
    path: '/tutorials/sbml-fit',
    snippet: 'tutorials/sbml-fit',
    output: [/^kf = \S+, kr = \S+ {3}\(true 0\.6, 0\.2\)$/m, /^3 starts, best loss \S+$/m],
    // The SBML model compiled and fitted in the browser: rate constants within 5 % of the truth.
    check: (text) => {
      const [, kf, kr] = /^kf = (\S+), kr = (\S+)/m.exec(text) ?? [];
      expect([Number(kf), Number(kr)]).toBeAllclose([0.6, 0.2], { rtol: 0.05, atol: 0 });
    },
  },
  {
    name: 'guide-ensemble',
    path: '/guide/ensemble',
    snippet: 'guide-ensemble/ensemble',
    output: [/^200 of 200 members solved$/m, /^A\(5\): mean 0\.\d{4}, 90% band \[0\.\d{4}, 0\.\d{4}\]$/m],
    // Two Web Workers in the page: mean and quantiles of A at every output time equal those of two
    // worker threads in Node. Chromium's V8 is not Node's, and Math.exp / Math.pow may differ in the
    // last bit between V8 versions (the step-size controller uses them), so across engines the check is
    // to 1e-9, far below the solver's tolerance; within the page it is bit for bit (see `edited`).
    check: async (text) => {
      const inNode = await printedInNode('guide-ensemble/ensemble');
      for (const label of ENSEMBLE_STATS) {
        const node = printedVector(inNode, label);
        expect(node, label).toHaveLength(21);
        expect(printedVector(text, label), label).toBeAllclose(node, { rtol: 1e-9, atol: 0 });
      }
    },
    // Run again on this page's thread (workers: 0): the same statistics, bit for bit.
    edited: {
      replace: ['workers: 2,', 'workers: 0,'],
      check: (first, again) => {
        for (const label of ENSEMBLE_STATS) {
          expect(printedVector(first, label), label).toHaveLength(21);
          expect(printedVector(again, label), label).toEqual(printedVector(first, label));
        }
      },
    },
    workers: 3,
  },
];

let built = false;
let server: StaticServer | null = null;
let browser: Browser | null = null;

describe('documentation site in Chromium', () => {
  beforeAll(() => mkdirSync(artifactsDir, { recursive: true }));
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the site builds to static files', () => {
    // `pnpm test` builds every workspace package (the site included) just before this test: reuse
    // that build when nothing it depends on changed since. Otherwise build from scratch, so a stale
    // dist/ never stands in for a failed build.
    const inputs = [
      docsDir,
      join(appDir, '.vitepress'),
      join(appDir, 'scripts'),
      join(repoRoot, 'packages'),
      join(repoRoot, 'apps/cli/src'),
    ];
    if (isBuildFresh(distDir, inputs, [join(docsDir, 'api')])) {
      console.log('docs e2e: the built site is newer than all its inputs; not rebuilding');
    } else {
      rmSync(distDir, { recursive: true, force: true });
      const r = spawnSync('pnpm', ['run', 'build'], { cwd: appDir, stdio: 'inherit' });
      expect(r.status).toBe(0);
    }
    expect(existsSync(join(distDir, 'index.html'))).toBe(true);
    built = true;
  }, 280_000);

  test('Chromium starts', async () => {
    const executablePath = ensureChromium();
    server = await serveStatic(distDir);
    browser = await chromium.launch({ executablePath, args: chromiumArgs, headless: true });
    expect(browser.version()).toMatch(/^\d+\./);
  }, 240_000);

  test('a snippet can be edited in place and run again', async () => {
    if (!built) throw new Error('the site did not build');
    if (!browser || !server) throw new Error('the browser or the server did not start');
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${server.url}/getting-started`, { waitUntil: 'load' });
    const box = page.locator('.odeon-snippet[data-snippet="getting-started/rober"]');
    await box.and(page.locator('[data-hydrated="true"]')).waitFor({ timeout: 30_000 });
    const steps = async () => {
      await box.and(page.locator('[data-state="done"], [data-state="failed"]')).waitFor({ timeout: 60_000 });
      const text = (await box.locator('.odeon-snippet-output').textContent()) ?? '';
      expect(await box.getAttribute('data-state'), text).toBe('done');
      return Number(/^(\d+) steps/m.exec(text)?.[1]);
    };
    await box.locator('button.odeon-snippet-run').click();
    const original = await steps();

    // Loosen the tolerance in the editor and run the edited code (Ctrl+Enter): fewer steps.
    await box.getByRole('button', { name: 'Edit' }).click();
    const editor = box.locator('textarea.odeon-snippet-editor');
    const code = await editor.inputValue();
    expect(code).toContain('rtol: 1e-8');
    await editor.fill(code.replace('rtol: 1e-8, atol: 1e-12', 'rtol: 1e-4, atol: 1e-8'));
    await editor.press('Control+Enter');
    const edited = await steps();
    expect(edited).toBeGreaterThan(0);
    expect(edited).toBeLessThan(original);

    // An error in the edited code is reported in the output panel, not thrown at the page.
    await editor.fill(code.replace("method: 'rodas5p'", "method: 'rodas9'"));
    await editor.press('Control+Enter');
    await box.and(page.locator('[data-state="failed"]')).waitFor({ timeout: 60_000 });
    expect(await box.locator('.odeon-snippet-output').textContent()).toMatch(
      /OdeonError \[InvalidOption\]: Invalid option `method`: got "rodas9"/,
    );

    // Reset restores the original region.
    await box.getByRole('button', { name: 'Reset' }).click();
    await box.locator('button.odeon-snippet-run').click();
    expect(await steps()).toBe(original);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  for (const c of pages) {
    test(`${c.name}: Run prints the expected output and draws a chart, without console errors`, async () => {
      if (!built) throw new Error('the site did not build');
      if (!browser || !server) throw new Error('the browser or the server did not start');
      const page: Page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      let workers = 0;
      page.on('worker', () => {
        workers++;
      });
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });

      const response = await page.goto(`${server.url}${c.path}`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      const box = page.locator(`.odeon-snippet[data-snippet="${c.snippet}"]`);
      await box.and(page.locator('[data-hydrated="true"]')).waitFor({ timeout: 30_000 });
      await box.locator('button.odeon-snippet-run').click();
      await box.and(page.locator('[data-state="done"], [data-state="failed"]')).waitFor({ timeout: 60_000 });
      const text = (await box.locator('.odeon-snippet-output').textContent()) ?? '';
      expect(await box.getAttribute('data-state'), text).toBe('done');
      for (const re of c.output) expect(text).toMatch(re);
      await c.check?.(text);
      if (c.workers !== undefined) expect(workers).toBeGreaterThanOrEqual(c.workers);
      if (c.edited !== undefined) {
        await box.getByRole('button', { name: 'Edit' }).click();
        const editor = box.locator('textarea.odeon-snippet-editor');
        const code = await editor.inputValue();
        expect(code).toContain(c.edited.replace[0]);
        await editor.fill(code.replace(...c.edited.replace));
        await editor.press('Control+Enter');
        await box
          .and(page.locator('[data-state="running"]'))
          .waitFor({ timeout: 30_000 })
          .catch(() => {});
        await box
          .and(page.locator('[data-state="done"], [data-state="failed"]'))
          .waitFor({ timeout: 60_000 });
        const again = (await box.locator('.odeon-snippet-output').textContent()) ?? '';
        expect(await box.getAttribute('data-state'), again).toBe('done');
        c.edited.check(text, again);
        await box.getByRole('button', { name: 'Reset' }).click();
      }

      // The chart: an SVG with one line per series, drawn by vega-embed.
      if (c.chart !== false) {
        const marks = box.locator('.odeon-snippet-chart svg path[aria-roledescription="line mark"]');
        await marks.first().waitFor({ timeout: 30_000 });
        expect(await marks.count()).toBeGreaterThan(0);
      }

      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(artifactsDir, `${c.name}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    }, 120_000);
  }
});
