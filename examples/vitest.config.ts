import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.ts';

// Fast smoke tests of the examples (a handful of steps each); the long reproduction runs are not CI gates.
export default mergeConfig(
  sharedConfig,
  defineProject({
    test: { name: 'examples', include: ['*.test.ts'] },
  }),
);
