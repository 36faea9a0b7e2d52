import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';
import { repoRoot, resolveFromApp } from './.vitepress/resolve-from-app.ts';

// The `docs` project of the root vitest run: every snippet test (docs/snippets/**/*.test.ts runs the
// snippet file a page shows and asserts on its results) and the theme's unit tests. Not merged with
// the shared config, whose `include` globs would pick up every package's tests from the repo root.
export default defineProject({
  plugins: [resolveFromApp()],
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    name: 'docs',
    dir: repoRoot,
    include: [
      'docs/snippets/**/*.test.ts',
      'apps/docs/.vitepress/**/*.test.ts',
      'apps/docs/e2e/**/*.test.ts',
      'apps/docs/scripts/**/*.test.ts',
    ],
    // The browser test runs on its own (vitest.e2e.config.ts): it builds the site and starts Chromium.
    exclude: ['**/node_modules/**', '**/*.e2e.test.ts'],
    setupFiles: ['@odeon/testkit/setup'],
    testTimeout: 60_000,
  },
});
