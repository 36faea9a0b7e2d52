import { defineConfig } from 'vitest/config';

// One run over every workspace project. In CI, a JSON report feeds `.ci/run`'s pass/fail line.
const ci = process.env.CI === 'true' || process.env.CI === '1';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/cli', 'apps/docs', 'examples'],
    reporters: ci ? ['default', 'json'] : ['default'],
    ...(ci ? { outputFile: { json: '.ci/results/vitest.json' } } : {}),
  },
});
