/**
 * Hand-written right-hand sides (and ROBER's Jacobian) of the two reference networks, as a person would
 * type them from Hairer & Wanner / the Test Set for IVP Solvers (rober.f, pollu.f). The baseline for the
 * generated code. p = [k1, k2, ...] in the order of problems.json.
 */
import type { Vec } from '../../packages/ode/src/index.ts';

export function roberRhs(_t: number, y: Vec, p: Vec, dy: Vec): void {
  const r1 = p[0] * y[0];
  const r2 = p[1] * y[1] * y[1];
  const r3 = p[2] * y[1] * y[2];
  dy[0] = -r1 + r3;
  dy[1] = r1 - r2 - r3;
  dy[2] = r2;
}

export function roberJacobian(_t: number, y: Vec, p: Vec, J: Vec): void {
  J[0] = -p[0];
  J[1] = p[2] * y[2];
  J[2] = p[2] * y[1];
  J[3] = p[0];
  J[4] = -2 * p[1] * y[1] - p[2] * y[2];
  J[5] = -p[2] * y[1];
  J[6] = 0;
  J[7] = 2 * p[1] * y[1];
  J[8] = 0;
}

export function polluRhs(_t: number, y: Vec, k: Vec, dy: Vec): void {
  const r1 = k[0] * y[0];
  const r2 = k[1] * y[1] * y[3];
  const r3 = k[2] * y[4] * y[1];
  const r4 = k[3] * y[6];
  const r5 = k[4] * y[6];
  const r6 = k[5] * y[6] * y[5];
  const r7 = k[6] * y[8];
  const r8 = k[7] * y[8] * y[5];
  const r9 = k[8] * y[10] * y[1];
  const r10 = k[9] * y[10] * y[0];
  const r11 = k[10] * y[12];
  const r12 = k[11] * y[9] * y[1];
  const r13 = k[12] * y[13];
  const r14 = k[13] * y[0] * y[5];
  const r15 = k[14] * y[2];
  const r16 = k[15] * y[3];
  const r17 = k[16] * y[3];
  const r18 = k[17] * y[15];
  const r19 = k[18] * y[15];
  const r20 = k[19] * y[16] * y[5];
  const r21 = k[20] * y[18];
  const r22 = k[21] * y[18];
  const r23 = k[22] * y[0] * y[3];
  const r24 = k[23] * y[18] * y[0];
  const r25 = k[24] * y[19];
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
}
