import { fileURLToPath } from 'node:url';

/** The folder of this app (apps/docs): its node_modules hold vue, vitepress and the @odeon packages. */
export const appDir = fileURLToPath(new URL('..', import.meta.url));
/** The top-level docs/ folder: Markdown pages and snippet files, outside any package. */
export const docsDir = fileURLToPath(new URL('../../../docs/', import.meta.url));
/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const appImporter = `${appDir}package.json`;

function isBareImport(id: string): boolean {
  return !(
    id.startsWith('.') ||
    id.startsWith('/') ||
    id.startsWith('\0') ||
    id.startsWith('@/') ||
    id.startsWith('virtual:') ||
    /^[a-z]+:/i.test(id)
  );
}

interface ResolveContext {
  resolve(
    source: string,
    importer?: string,
    options?: { readonly skipSelf?: boolean; readonly isEntry?: boolean },
  ): Promise<{ readonly id: string } | null>;
}

/**
 * The plugin, typed structurally: the site builds with VitePress's Vite 5 and the snippet tests run on
 * the workspace's Vite 7, and this one object serves both.
 */
export interface ResolveFromAppPlugin {
  readonly name: string;
  readonly enforce: 'pre';
  resolveId(
    this: ResolveContext,
    source: string,
    importer: string | undefined,
    options: { readonly isEntry: boolean },
  ): Promise<{ readonly id: string } | null>;
}

/**
 * Pages and snippets live in the top-level `docs/` folder, which has no `node_modules` of its own.
 * Bare imports from there (`vue/server-renderer` in compiled pages, `@odeon/ode` in snippets) are
 * resolved as if they were imported from this app, whose dependencies are installed. Imports from
 * anywhere else resolve normally.
 */
export function resolveFromApp(): ResolveFromAppPlugin {
  return {
    name: 'odeon-docs:resolve-from-app',
    enforce: 'pre',
    async resolveId(id, importer, options) {
      if (!importer || !isBareImport(id)) return null;
      const file = importer.split('?')[0] ?? importer;
      if (!file.startsWith(docsDir)) return null;
      return this.resolve(id, appImporter, { ...options, skipSelf: true });
    },
  };
}
