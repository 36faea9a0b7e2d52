/**
 * Backend initialisation: explicit, idempotent and memoised. `cpu` is always ready; `wasm` loads
 * tfjs-core and tfjs-backend-wasm on first use (dynamic import, so cpu-only users never load them).
 */
import { invalidOption, OdeonError } from '@odeon/core';
import type { InitBackendOptions } from './backend.ts';
import { backendImpl, registerBackend } from './engine.ts';
import type { BackendName } from './types.ts';

const pending = new Map<BackendName, Promise<void>>();

/**
 * Initialises a backend once (later calls return the same promise). Does not change the default
 * backend: pass `{ backend }` to creation functions, or call `setBackend`.
 */
export function initBackend(name: BackendName, options: InitBackendOptions = {}): Promise<void> {
  if (name === 'cpu') return Promise.resolve();
  if (name !== 'wasm') return Promise.reject(invalidOption('backend', name, "'cpu' or 'wasm'"));
  let p = pending.get(name);
  if (p === undefined) {
    p = import('./backends/wasm-backend.ts')
      .then((m) => m.createWasmBackend(options))
      .then((b) => registerBackend(b))
      .catch((cause: unknown) => {
        pending.delete(name);
        throw new OdeonError(
          'BackendUnavailable',
          `The wasm backend failed to initialise: ${String(cause)}`,
          {
            cause,
            hint: 'In a browser or bundler, pass { wasmPaths } pointing at the tfjs-backend-wasm .wasm files.',
          },
        );
      });
    pending.set(name, p);
  }
  return p;
}

/** True once `initBackend(name)` has completed. */
export function isBackendReady(name: BackendName): boolean {
  try {
    backendImpl(name);
    return true;
  } catch {
    return false;
  }
}
