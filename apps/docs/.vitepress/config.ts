import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DefaultTheme, defineConfig } from 'vitepress';
import { apiPackages } from '../scripts/api-packages.ts';
import { docsDir, resolveFromApp } from './resolve-from-app.ts';

/** Guide pages, one per package, in reading order; a page is listed once its file exists. */
const guides: readonly [string, string][] = [
  ['ode', '@odeon/ode: solvers'],
  ['tensor', '@odeon/tensor: tensors and autodiff'],
  ['sbml', '@odeon/sbml: SBML models'],
  ['neural', '@odeon/neural: neural ODEs'],
  ['penalties', '@odeon/penalties: regularisers'],
  ['train', '@odeon/train: data and training'],
  ['petab', '@odeon/petab: PEtab parameter estimation'],
  ['ensemble', 'Running many simulations'],
];

/** Tutorials, in reading order. */
const tutorials: readonly [string, string][] = [
  ['stiff-rober', 'Stiff problems: explicit vs Rosenbrock'],
  ['backsolve-stiff', 'Why backsolve fails on stiff problems'],
  ['sbml-fit', 'Fitting an SBML model'],
  ['sbml-gradient-descent', 'SBML import and gradient descent on BIOMD0000000145'],
  ['rate-flow-stoichiometry', 'RateFlowODE recovering a stoichiometry'],
  ['jacobian-regularisation', 'Jacobian regularisation and solver work'],
  ['stiff-neural-ode', 'Stiff neural ODEs on ROBER'],
  ['penalties-and-dropout', 'Penalties and temporal dropout'],
];

const exists = (page: string) => existsSync(join(docsDir, `${page}.md`));

const items = (dir: string, list: readonly [string, string][]): DefaultTheme.SidebarItem[] =>
  list
    .filter(([slug]) => exists(`${dir}/${slug}`))
    .map(([slug, text]) => ({ text, link: `/${dir}/${slug}` }));

const apiItems: DefaultTheme.SidebarItem[] = apiPackages
  .filter((p) => exists(`api/@odeon/${p}`))
  .map((p) => ({ text: `@odeon/${p}`, link: `/api/@odeon/${p}` }));

const sidebar: DefaultTheme.SidebarItem[] = [
  { text: 'Introduction', items: [{ text: 'Getting started', link: '/getting-started' }] },
  { text: 'Guides', items: items('guide', guides) },
  { text: 'Tutorials', items: items('tutorials', tutorials) },
  {
    text: 'Reference',
    items: [
      { text: 'CLI', link: '/cli' },
      { text: 'API', link: '/api/', items: apiItems },
    ],
  },
];

// The pages live in the top-level docs/ folder; this app holds the site configuration and theme.
export default defineConfig({
  title: 'Odeon',
  description: 'Differentiable ODE modelling and scientific machine learning for TypeScript',
  srcDir: '../../docs',
  cleanUrls: true,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  themeConfig: {
    nav: [
      { text: 'Getting started', link: '/getting-started' },
      { text: 'Guides', link: items('guide', guides)[0]?.link ?? '/getting-started' },
      { text: 'Tutorials', link: items('tutorials', tutorials)[0]?.link ?? '/getting-started' },
      { text: 'CLI', link: '/cli' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: sidebar.filter((s) => (s.items?.length ?? 0) > 0),
    outline: [2, 3],
    search: { provider: 'local' },
  },
  vite: {
    plugins: [resolveFromApp()],
    resolve: { conditions: ['@odeon/source'] },
    // Charts are drawn only in the browser, after Run; the server render never loads Vega.
    ssr: { external: ['vega-embed'] },
    // The snippet worker loads each package on demand, which needs code splitting (ES module workers).
    worker: { format: 'es', plugins: () => [resolveFromApp()] },
    // Vega (the chart renderer, ~1 MB) is its own lazily loaded chunk.
    build: { chunkSizeWarningLimit: 2000 },
  },
});
