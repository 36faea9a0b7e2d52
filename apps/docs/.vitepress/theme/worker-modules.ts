/**
 * The modules a snippet may import in the browser, bundled into the worker by Vite from the
 * packages' ESM sources (the same code their browser builds ship). Loaded lazily: a snippet pays only
 * for the packages it imports.
 */
export const workerModules: Readonly<Record<string, () => Promise<unknown>>> = {
  '@odeon/ode': () => import('@odeon/ode'),
  '@odeon/tensor': () => import('@odeon/tensor'),
  '@odeon/sbml': () => import('@odeon/sbml'),
  '@odeon/neural': () => import('@odeon/neural'),
  '@odeon/penalties': () => import('@odeon/penalties'),
  '@odeon/train': () => import('@odeon/train'),
};

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
