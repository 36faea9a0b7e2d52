import { type ExplicitTableau, lowerTriangular } from './explicit-tableau.ts';

const B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84] as const;

/** Dormand–Prince 5(4) pair (FSAL), as in Hairer's DOPRI5. */
export const DOPRI5_TABLEAU: ExplicitTableau = {
  name: 'dopri5',
  stages: 7,
  c: Float64Array.of(0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1),
  a: lowerTriangular([
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [...B],
  ]),
  b: Float64Array.of(...B, 0),
  e: Float64Array.of(71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40),
  order: 5,
  embeddedOrder: 4,
  fsal: true,
};

/** Shampine's dense-output coefficients d_i of DOPRI5 (4th-order continuous extension). */
export const DOPRI5_DENSE = Float64Array.of(
  -12715105075 / 11282082432,
  0,
  87487479700 / 32700410799,
  -10690763975 / 1880347072,
  701980252875 / 199316789632,
  -1453857185 / 822651844,
  69997945 / 29380423,
);
