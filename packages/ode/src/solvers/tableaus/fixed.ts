import { type ExplicitTableau, lowerTriangular } from './explicit-tableau.ts';

/** Forward Euler (order 1). */
export const EULER_TABLEAU: ExplicitTableau = {
  name: 'euler',
  stages: 1,
  c: Float64Array.of(0),
  a: lowerTriangular([[]]),
  b: Float64Array.of(1),
  order: 1,
  fsal: false,
};

/** Explicit midpoint rule (order 2). */
export const MIDPOINT_TABLEAU: ExplicitTableau = {
  name: 'midpoint',
  stages: 2,
  c: Float64Array.of(0, 0.5),
  a: lowerTriangular([[], [0.5]]),
  b: Float64Array.of(0, 1),
  order: 2,
  fsal: false,
};

/** The classical fourth-order Runge–Kutta method. */
export const RK4_TABLEAU: ExplicitTableau = {
  name: 'rk4',
  stages: 4,
  c: Float64Array.of(0, 0.5, 0.5, 1),
  a: lowerTriangular([[], [0.5], [0, 0.5], [0, 0, 1]]),
  b: Float64Array.of(1 / 6, 1 / 3, 1 / 3, 1 / 6),
  order: 4,
  fsal: false,
};
