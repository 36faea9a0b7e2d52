import { defineConfig } from 'vitepress';

// The pages live in the top-level docs/ folder; this app only holds the site configuration.
export default defineConfig({
  title: 'Odeon',
  description: 'Differentiable ODE modelling and scientific machine learning for TypeScript',
  srcDir: '../../docs',
  cleanUrls: true,
});
