import type { UserConfig } from 'tsdown';

/** Library build: ESM only, declarations, sourcemaps; platform-neutral so no Node built-in sneaks in. */
export const libraryConfig = {
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'neutral',
  dts: true,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
} satisfies UserConfig;
