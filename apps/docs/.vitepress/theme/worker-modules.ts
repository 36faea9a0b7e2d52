/**
 * The modules a snippet may import in the browser, bundled into the worker by Vite from the
 * packages' ESM sources (the same code their browser builds ship). Loaded lazily: a snippet pays only
 * for the packages it imports.
 */
export const workerModules: Readonly<Record<string, () => Promise<unknown>>> = {
  '@odeon/core': () => import('@odeon/core'),
  '@odeon/ode': () => import('@odeon/ode'),
  '@odeon/ode/problems': () => import('@odeon/ode/problems'),
  '@odeon/tensor': loadTensor,
  '@odeon/sbml': () => import('@odeon/sbml'),
  '@odeon/neural': () => import('@odeon/neural'),
  '@odeon/penalties': () => import('@odeon/penalties'),
  '@odeon/train': () => import('@odeon/train'),
  '@odeon/petab': () => import('@odeon/petab'),
  '@odeon/ensemble': loadEnsemble,
};

const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

/**
 * `@odeon/tensor`, with `initBackend('wasm')` pointed at the site's copies of the tfjs binaries when
 * running in the browser worker, so snippets call it as they would in Node. (In an application,
 * pass `wasmPaths` yourself; see the tensor guide.) In Node, tfjs reads the binaries from disk.
 */
async function loadTensor(): Promise<unknown> {
  const tensor = await import('@odeon/tensor');
  if (!inWorker) return tensor;
  const { tfjsWasmPaths } = await import('./tfjs-wasm-paths.ts');
  const initBackend: typeof tensor.initBackend = (name, options = {}) =>
    tensor.initBackend(name, name === 'wasm' ? { wasmPaths: tfjsWasmPaths, ...options } : options);
  return { ...tensor, initBackend };
}

/**
 * `@odeon/ensemble`, whose pools in the browser run the package's worker bundled by Vite (a module
 * Web Worker started from the snippet's own worker). In Node, pools use worker threads as usual.
 */
async function loadEnsemble(): Promise<unknown> {
  const ensemble = await import('@odeon/ensemble');
  if (!inWorker) return ensemble;
  const { default: script } = await import('./ensemble-worker.ts?worker&url');
  const createPool: typeof ensemble.createPool = (options = {}) =>
    ensemble.createPool({ script: new URL(script, self.location.href), workerType: 'web', ...options });
  const runEnsemble: typeof ensemble.runEnsemble = async (options) => {
    if (options.pool !== undefined || (options.workers ?? 0) === 0) return ensemble.runEnsemble(options);
    const pool = createPool({ workers: options.workers ?? 0 });
    try {
      return await ensemble.runEnsemble({ ...options, pool });
    } finally {
      await pool.close();
    }
  };
  return { ...ensemble, createPool, runEnsemble };
}

/**
 * Module specifiers `require`d by transpiled snippet code (sucrase turns static and dynamic imports
 * into `require` calls and drops type-only imports).
 */
export function requiredModules(code: string): string[] {
  const found = new Set<string>();
  const re = /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = re.exec(code); m !== null; m = re.exec(code)) found.add(m[1]);
  return [...found];
}
