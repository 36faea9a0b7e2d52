import { massActionKernels } from './mass-action.ts';
import { autonomousTgrad, type StandardProblem } from './standard-problem.ts';

// reactants → products (species indices), in the order of the rate constants k1..k25
const REACTIONS = [
  [[0], [1, 2]],
  [[1, 3], [0]],
  [
    [4, 1],
    [0, 5],
  ],
  [[6], [4, 4, 7]],
  [[6], [7]],
  [
    [6, 5],
    [4, 7],
  ],
  [[8], [4, 7, 9]],
  [[8, 5], [10]],
  [
    [10, 1],
    [0, 9, 11],
  ],
  [[10, 0], [12]],
  [[12], [0, 10]],
  [
    [9, 1],
    [0, 13],
  ],
  [[13], [4, 6]],
  [[0, 5], [14]],
  [[2], [3]],
  [[3], [15]],
  [[3], [2]],
  [[15], [5, 5]],
  [[15], [2]],
  [
    [16, 5],
    [4, 17],
  ],
  [[18], [1]],
  [[18], [0, 2]],
  [[0, 3], [18]],
  [[18, 0], [19]],
  [[19], [0, 18]],
] as const;

const kernels = massActionKernels(
  20,
  REACTIONS.map(([reactants, products]) => ({ reactants, products })),
);

/**
 * POLLU: the air-pollution model of Verwer (1994), 20 species and 25 mass-action reactions, stiff, on
 * [0, 60]; p = [k1, …, k25]. RHS, Jacobian, ∂f/∂p and vjp from the compiled network.
 */
export const POLLU: StandardProblem = {
  name: 'pollu',
  description: 'Air pollution model (Verwer 1994), stiff, 20 species, 25 reactions',
  stiff: true,
  atolFactor: 1e-6,
  t0: 0,
  t1: 60,
  y0: Float64Array.of(0, 0.2, 0, 0.04, 0, 0, 0.1, 0.3, 0.01, 0, 0, 0, 0, 0, 0, 0, 0.007, 0, 0, 0),
  p: Float64Array.of(
    0.35,
    26.6,
    12300,
    0.00086,
    0.00082,
    15000,
    0.00013,
    24000,
    16500,
    9000,
    0.022,
    12000,
    1.88,
    16300,
    4.8e6,
    0.00035,
    0.0175,
    1e8,
    4.44e11,
    1240,
    2.1,
    5.78,
    0.0474,
    1780,
    3.12,
  ),
  names: [
    'NO2',
    'NO',
    'O3P',
    'O3',
    'HO2',
    'OH',
    'HCHO',
    'CO',
    'ALD',
    'MEO2',
    'C2O3',
    'CO2',
    'PAN',
    'CH3O',
    'HNO3',
    'O1D',
    'SO2',
    'SO4',
    'NO3',
    'N2O5',
  ],
  paramNames: Array.from({ length: 25 }, (_, i) => `k${i + 1}`),
  tgrad: autonomousTgrad,
  ...kernels,
};
