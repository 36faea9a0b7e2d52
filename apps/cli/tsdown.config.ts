import { defineConfig } from 'tsdown';

export default defineConfig({
  // task-worker: the script of the CLI's worker threads (--workers); fit-worker: the thread of an
  // L-BFGS `odeon fit` (so Ctrl-C is handled); both beside main.js.
  entry: ['src/main.ts', 'src/task-worker.ts', 'src/fit-worker.ts'],
  format: 'esm',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
});
