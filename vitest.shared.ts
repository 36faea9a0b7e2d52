import { defineConfig } from 'vitest/config';

/**
 * Shared test settings for every workspace project: resolve workspace packages through the
 * `@odeon/source` export condition so tests run from `src` without a build (the TanStack/zod pattern).
 */
export const sourceConditions = ['@odeon/source'];

export const sharedConfig = defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    benchmark: { include: ['src/**/*.bench.ts'] },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
