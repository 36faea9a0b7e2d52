// Import-graph rules, checked in CI (`pnpm run check:imports`): no import loops, packages only in their
// layer order, and packages reach each other through their public entry points only.
//
// Layers (a package may import only packages below it):
//   core ← ode ← sbml ← neural ← penalties ← train ← cli
//   core ← tensor ← neural           (tensor does not need the solver)
//   train ← petab, ensemble ← cli
//   testkit (tests only) ← core
const layers = {
  core: [],
  ode: ['core'],
  tensor: ['core'],
  sbml: ['core', 'ode'],
  neural: ['core', 'ode', 'tensor', 'sbml'],
  penalties: ['core', 'ode', 'tensor', 'sbml', 'neural'],
  train: ['core', 'ode'],
  petab: ['core', 'ode', 'sbml', 'train'],
  ensemble: ['core', 'ode', 'sbml', 'train'],
  testkit: ['core'],
};
const allPackages = Object.keys(layers);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import loops make load order fragile and blur which module owns what.',
      from: {},
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
    {
      name: 'no-circular-types',
      severity: 'warn',
      comment: 'A loop through type-only imports does not affect load order, but still blurs ownership.',
      from: {},
      to: { circular: true },
    },
    ...Object.entries(layers).map(([pkg, allowed]) => ({
      name: `layer-${pkg}`,
      severity: 'error',
      comment: `@odeon/${pkg} may import only ${allowed.length ? allowed.map((a) => `@odeon/${a}`).join(', ') : 'no other package'}.`,
      from: { path: `^packages/${pkg}/src/`, pathNot: '\\.(test|bench)\\.ts$|/__fixtures__/' },
      to: {
        path: `^packages/(${allPackages.filter((p) => p !== pkg && !allowed.includes(p)).join('|')})/`,
      },
    })),
    {
      name: 'no-app-imports',
      severity: 'error',
      comment: 'Packages never import the apps.',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'benchmarks-use-the-cli-entry',
      severity: 'error',
      comment: 'Benchmarks reach the CLI through @odeon/cli (its main entry), never its files.',
      from: { path: '^benchmarks/' },
      to: { path: '^apps/', pathNot: '^apps/cli/src/main\\.ts$' },
    },
    {
      name: 'package-names-only',
      severity: 'error',
      comment:
        'Another package is imported by its name (@odeon/...), never by a relative path into packages/.',
      from: { path: '^(packages/[^/]+|apps/[^/]+|benchmarks)/' },
      to: { path: '^packages/', pathNot: '^$1/', dependencyTypes: ['local'] },
    },
    {
      name: 'public-entry-points-only',
      severity: 'error',
      comment:
        'Another package is reached through its package name and public entry points (src/index.ts, declared subpaths), never its files.',
      from: { path: '^(packages|apps|benchmarks)/([^/]+)/' },
      to: {
        path: '^packages/[^/]+/src/',
        pathNot: [
          '^packages/$2/',
          // entry points: src/index.ts and declared subpaths (src/<subpath>/index.ts)
          '^packages/[^/]+/src/index\\.ts$',
          '^packages/[^/]+/src/[^/]+/index\\.ts$',
          '^packages/testkit/src/setup\\.ts$',
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/|\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@odeon/source', 'import', 'types', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
