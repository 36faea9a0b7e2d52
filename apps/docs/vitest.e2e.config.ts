import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';
import { repoRoot } from './.vitepress/resolve-from-app.ts';

// `pnpm --filter @odeon/docs test:e2e`: the browser test, run on its own (it builds the site and
// starts Chromium). In CI its JSON report joins the others in .ci/results for the pass/fail count.
const ci = process.env.CI === 'true' || process.env.CI === '1';

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    name: 'docs-e2e',
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    setupFiles: ['@odeon/testkit/setup'],
    reporters: ci ? ['default', 'json'] : ['default'],
    ...(ci ? { outputFile: { json: join(repoRoot, '.ci/results/e2e.json') } } : {}),
  },
});
