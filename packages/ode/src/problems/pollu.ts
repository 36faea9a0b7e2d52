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
 * [0, 60]; p = [k1, …, k25]. Straight-line RHS and Jacobian; ∂f/∂p and vjp from the compiled network.
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
  // straight-line RHS and Jacobian (transcribed from the reaction table above and
  // checked against it and against differences in problems.test.ts); ∂f/∂p and vjp from the network
  paramJacobian: kernels.paramJacobian,
  vjp: kernels.vjp,
  rhs(_t, y, p, dy) {
    const r1 = p[0] * y[0];
    const r2 = p[1] * y[1] * y[3];
    const r3 = p[2] * y[4] * y[1];
    const r4 = p[3] * y[6];
    const r5 = p[4] * y[6];
    const r6 = p[5] * y[6] * y[5];
    const r7 = p[6] * y[8];
    const r8 = p[7] * y[8] * y[5];
    const r9 = p[8] * y[10] * y[1];
    const r10 = p[9] * y[10] * y[0];
    const r11 = p[10] * y[12];
    const r12 = p[11] * y[9] * y[1];
    const r13 = p[12] * y[13];
    const r14 = p[13] * y[0] * y[5];
    const r15 = p[14] * y[2];
    const r16 = p[15] * y[3];
    const r17 = p[16] * y[3];
    const r18 = p[17] * y[15];
    const r19 = p[18] * y[15];
    const r20 = p[19] * y[16] * y[5];
    const r21 = p[20] * y[18];
    const r22 = p[21] * y[18];
    const r23 = p[22] * y[0] * y[3];
    const r24 = p[23] * y[18] * y[0];
    const r25 = p[24] * y[19];
    dy[0] = -r1 + r2 + r3 + r9 - r10 + r11 + r12 - r14 + r22 - r23 - r24 + r25;
    dy[1] = r1 - r2 - r3 - r9 - r12 + r21;
    dy[2] = r1 - r15 + r17 + r19 + r22;
    dy[3] = -r2 + r15 - r16 - r17 - r23;
    dy[4] = -r3 + 2 * r4 + r6 + r7 + r13 + r20;
    dy[5] = r3 - r6 - r8 - r14 + 2 * r18 - r20;
    dy[6] = -r4 - r5 - r6 + r13;
    dy[7] = r4 + r5 + r6 + r7;
    dy[8] = -r7 - r8;
    dy[9] = r7 + r9 - r12;
    dy[10] = r8 - r9 - r10 + r11;
    dy[11] = r9;
    dy[12] = r10 - r11;
    dy[13] = r12 - r13;
    dy[14] = r14;
    dy[15] = r16 - r18 - r19;
    dy[16] = -r20;
    dy[17] = r20;
    dy[18] = -r21 - r22 + r23 - r24 + r25;
    dy[19] = r24 - r25;
  },
  jacobian(_t, y, p, J) {
    J.fill(0);
    J[0] = -p[0] - p[9] * y[10] - p[13] * y[5] - p[22] * y[3] - p[23] * y[18];
    J[1] = p[1] * y[3] + p[2] * y[4] + p[8] * y[10] + p[11] * y[9];
    J[3] = p[1] * y[1] - p[22] * y[0];
    J[4] = p[2] * y[1];
    J[5] = -p[13] * y[0];
    J[9] = p[11] * y[1];
    J[10] = p[8] * y[1] - p[9] * y[0];
    J[12] = p[10];
    J[18] = p[21] - p[23] * y[0];
    J[19] = p[24];
    J[20] = p[0];
    J[21] = -p[1] * y[3] - p[2] * y[4] - p[8] * y[10] - p[11] * y[9];
    J[23] = -p[1] * y[1];
    J[24] = -p[2] * y[1];
    J[29] = -p[11] * y[1];
    J[30] = -p[8] * y[1];
    J[38] = p[20];
    J[40] = p[0];
    J[42] = -p[14];
    J[43] = p[16];
    J[55] = p[18];
    J[58] = p[21];
    J[60] = -p[22] * y[3];
    J[61] = -p[1] * y[3];
    J[62] = p[14];
    J[63] = -p[1] * y[1] - p[15] - p[16] - p[22] * y[0];
    J[81] = -p[2] * y[4];
    J[84] = -p[2] * y[1];
    J[85] = p[5] * y[6] + p[19] * y[16];
    J[86] = 2 * p[3] + p[5] * y[5];
    J[88] = p[6];
    J[93] = p[12];
    J[96] = p[19] * y[5];
    J[100] = -p[13] * y[5];
    J[101] = p[2] * y[4];
    J[104] = p[2] * y[1];
    J[105] = -p[5] * y[6] - p[7] * y[8] - p[13] * y[0] - p[19] * y[16];
    J[106] = -p[5] * y[5];
    J[108] = -p[7] * y[5];
    J[115] = 2 * p[17];
    J[116] = -p[19] * y[5];
    J[125] = -p[5] * y[6];
    J[126] = -p[3] - p[4] - p[5] * y[5];
    J[133] = p[12];
    J[145] = p[5] * y[6];
    J[146] = p[3] + p[4] + p[5] * y[5];
    J[148] = p[6];
    J[165] = -p[7] * y[8];
    J[168] = -p[6] - p[7] * y[5];
    J[181] = p[8] * y[10] - p[11] * y[9];
    J[188] = p[6];
    J[189] = -p[11] * y[1];
    J[190] = p[8] * y[1];
    J[200] = -p[9] * y[10];
    J[201] = -p[8] * y[10];
    J[205] = p[7] * y[8];
    J[208] = p[7] * y[5];
    J[210] = -p[8] * y[1] - p[9] * y[0];
    J[212] = p[10];
    J[221] = p[8] * y[10];
    J[230] = p[8] * y[1];
    J[240] = p[9] * y[10];
    J[250] = p[9] * y[0];
    J[252] = -p[10];
    J[261] = p[11] * y[9];
    J[269] = p[11] * y[1];
    J[273] = -p[12];
    J[280] = p[13] * y[5];
    J[285] = p[13] * y[0];
    J[303] = p[15];
    J[315] = -p[17] - p[18];
    J[325] = -p[19] * y[16];
    J[336] = -p[19] * y[5];
    J[345] = p[19] * y[16];
    J[356] = p[19] * y[5];
    J[360] = p[22] * y[3] - p[23] * y[18];
    J[363] = p[22] * y[0];
    J[378] = -p[20] - p[21] - p[23] * y[0];
    J[379] = p[24];
    J[380] = p[23] * y[18];
    J[398] = p[23] * y[0];
    J[399] = -p[24];
  },
};
