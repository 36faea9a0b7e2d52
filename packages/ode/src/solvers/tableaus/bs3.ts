import { type ExplicitTableau, lowerTriangular } from './explicit-tableau.ts';

/** Bogacki–Shampine 3(2) pair (FSAL), as in MATLAB's ode23. */
export const BS3_TABLEAU: ExplicitTableau = {
  name: 'bs3',
  stages: 4,
  c: Float64Array.of(0, 1 / 2, 3 / 4, 1),
  a: lowerTriangular([[], [1 / 2], [0, 3 / 4], [2 / 9, 1 / 3, 4 / 9]]),
  b: Float64Array.of(2 / 9, 1 / 3, 4 / 9, 0),
  // b − b̂ with b̂ = (7/24, 1/4, 1/3, 1/8)
  e: Float64Array.of(2 / 9 - 7 / 24, 1 / 3 - 1 / 4, 4 / 9 - 1 / 3, -1 / 8),
  order: 3,
  embeddedOrder: 2,
  fsal: true,
};
