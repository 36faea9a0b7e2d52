import { defineConfig } from 'tsdown';
import { libraryConfig } from '../../tsdown.shared.ts';

// Three entries: the library, the BullMQ queue (Node only) and the pool's worker script.
export default defineConfig({
  ...libraryConfig,
  entry: ['src/index.ts', 'src/queue/index.ts', 'src/worker-entry.ts'],
  // The queue entry is Node only; its built-ins stay imports.
  external: [/^node:/],
});
