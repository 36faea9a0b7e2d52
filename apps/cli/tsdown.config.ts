import { defineConfig } from 'tsdown';

export default defineConfig({
  // task-worker: the script of the CLI's worker threads (--workers), beside main.js.
  entry: ['src/main.ts', 'src/task-worker.ts'],
  format: 'esm',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
});
