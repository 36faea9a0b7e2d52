// The example of README.md (included from the regions below by `pnpm readme:sync`), with assertions
// outside them.
// biome-ignore-all assist/source/organizeImports: the imports region holds only the README's imports
// #region imports
import { solve } from '@odeon/ode';
import { compileModel, ModelBuilder, parseSbml, simulate, writeSbml } from '@odeon/sbml';
// #endregion imports
import { expect, it } from 'vitest';

it('README example runs and gives the analytic answer', () => {
  // #region readme
  // A model by hand (or parseSbml(xmlText) for an SBML file): A ⇌ B with mass action.
  const model = new ModelBuilder('isomerisation')
    .species('A', 1)
    .species('B', 0)
    .parameter('kf', 2)
    .parameter('kr', 1)
    .reaction('A <-> B', 'kf*A - kr*B')
    .build();

  const compiled = compileModel(model); // generated RHS, analytic Jacobian, ∂f/∂p, VJP
  const course = simulate(compiled, { t1: 2, steps: 4 }); // Rodas5P, SBML outputs and events
  course.values; // Float64Array, row-major 5 × 2 ([A], [B] at t = 0, 0.5, ..., 2)

  // The same kernels as an @odeon/ode problem, e.g. for gradients:
  const sol = solve(compiled.problem(0, 2), { method: 'rodas5p', rtol: 1e-10, atol: 1e-12, saveAt: [2] });
  const vjpY = new Float64Array(compiled.n);
  const vjpP = new Float64Array(compiled.np); // compiled.paramIds: ['kf', 'kr']
  compiled.vjp(2, sol.y, compiled.p, Float64Array.of(1, 0), vjpY, vjpP);

  const sbml = writeSbml(model); // SBML Level 3 Version 2
  parseSbml(sbml); // reads back (SBML L2V1–L3V2 core)
  // #endregion readme

  // A(t) = (kr + kf e^{−(kf+kr)t}) / (kf + kr)
  const exact = (t: number) => (1 + 2 * Math.exp(-3 * t)) / 3;
  expect(course.values[4 * 2]).toBeCloseTo(exact(2), 7);
  expect(sol.y[0]).toBeCloseTo(exact(2), 9);
  expect(compiled.paramIds).toEqual(['kf', 'kr']);
  // vᵀ ∂f/∂p with v = e_A: ∂f_A/∂kf = −A, ∂f_A/∂kr = B.
  expect(vjpP[0]).toBeCloseTo(-sol.y[0], 12);
  expect(vjpP[1]).toBeCloseTo(sol.y[1], 12);
  expect(sbml).toContain('<reaction id="r1" reversible="true">');
});
