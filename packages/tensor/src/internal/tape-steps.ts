/**
 * Turns a traced instruction list into specialised closures over preallocated buffers, with two
 * peephole fusions that matter for small MLPs: matrix–vector product + bias (`W·x + b`) and the
 * GELU backward `g ⊙ gelu′(x)`. Unspecialised instructions fall back to the generic kernel table.
 */
import { type CpuKernel, cpuKernels } from '../backends/cpu-kernels.ts';
import type { OpName, Shape } from '../types.ts';
import { erf } from './erf.ts';

export interface RawInstruction {
  readonly op: OpName;
  readonly ins: readonly number[];
  readonly shapes: readonly Shape[];
  readonly outShape: Shape;
  readonly attrs: unknown;
  readonly out: number;
}

export type Step = () => void;

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

function isMatVec(r: RawInstruction): boolean {
  return r.op === 'matmul' && r.shapes[0].length === 2 && r.shapes[1].length === 2 && r.shapes[1][1] === 1;
}

export function buildSteps(
  tape: readonly RawInstruction[],
  buffers: Float64Array[],
  outputSlots: readonly number[],
): Step[] {
  const uses = new Map<number, number>();
  for (const r of tape) for (const s of r.ins) uses.set(s, (uses.get(s) ?? 0) + 1);
  for (const s of outputSlots) uses.set(s, (uses.get(s) ?? 0) + 2);
  const producer = new Map<number, number>();
  for (let i = 0; i < tape.length; i++) producer.set(tape[i].out, i);
  const fusedAway = new Set<number>();
  const steps: Step[] = [];
  const single = (slot: number) => uses.get(slot) === 1;

  for (let i = 0; i < tape.length; i++) {
    const r = tape[i];
    const B = buffers;
    const o = r.out;
    const n = B[o].length;
    // W·x + b
    if (r.op === 'add' && r.shapes[0].length <= 2 && B[r.ins[0]] !== undefined) {
      const [s0, s1] = r.ins;
      const pi = producer.get(s0);
      const mm = pi === undefined ? undefined : tape[pi];
      if (
        mm !== undefined &&
        pi !== undefined &&
        isMatVec(mm) &&
        single(s0) &&
        B[s1].length === n &&
        !fusedAway.has(pi)
      ) {
        const [sw, sx] = mm.ins;
        const m = mm.shapes[0][0];
        const k = mm.shapes[0][1];
        fusedAway.add(pi);
        steps[pi] = () => {};
        steps.push(() => {
          const W = B[sw];
          const x = B[sx];
          const b = B[s1];
          const out = B[o];
          for (let a = 0; a < m; a++) {
            let s = b[a];
            const row = a * k;
            for (let p = 0; p < k; p++) s += W[row + p] * x[p];
            out[a] = s;
          }
        });
        continue;
      }
    }
    // g ⊙ gelu′(x)
    if (r.op === 'mul') {
      const [s0, s1] = r.ins;
      const pg = producer.get(s1);
      const gd = pg === undefined ? undefined : tape[pg];
      if (
        gd !== undefined &&
        pg !== undefined &&
        gd.op === 'geluDerivative' &&
        single(s1) &&
        B[s0].length === n &&
        B[s1].length === n
      ) {
        const sx = gd.ins[0];
        fusedAway.add(pg);
        steps[pg] = () => {};
        steps.push(() => {
          const g = B[s0];
          const x = B[sx];
          const out = B[o];
          for (let a = 0; a < n; a++) {
            const v = x[a];
            out[a] = g[a] * (0.5 * (1 + erf(v * INV_SQRT2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
          }
        });
        continue;
      }
    }
    if ((r.op === 'add' || r.op === 'mul' || r.op === 'sub') && B[r.ins[0]] !== undefined) {
      const [s0, s1] = r.ins;
      const la = r.shapes[0].reduce((x, y) => x * y, 1);
      const lb = r.shapes[1].reduce((x, y) => x * y, 1);
      if (la === n && lb === n) {
        const op = r.op;
        steps.push(
          op === 'add'
            ? () => {
                const a = B[s0];
                const b = B[s1];
                const out = B[o];
                for (let q = 0; q < n; q++) out[q] = a[q] + b[q];
              }
            : op === 'mul'
              ? () => {
                  const a = B[s0];
                  const b = B[s1];
                  const out = B[o];
                  for (let q = 0; q < n; q++) out[q] = a[q] * b[q];
                }
              : () => {
                  const a = B[s0];
                  const b = B[s1];
                  const out = B[o];
                  for (let q = 0; q < n; q++) out[q] = a[q] - b[q];
                },
        );
        continue;
      }
    }
    // Wᵀ·g without materialising Wᵀ: matvec whose matrix is a single-use transpose of a 2-D W.
    if (isMatVec(r)) {
      const pt = producer.get(r.ins[0]);
      const tr = pt === undefined ? undefined : tape[pt];
      if (
        tr !== undefined &&
        pt !== undefined &&
        tr.op === 'transpose' &&
        tr.shapes[0].length === 2 &&
        single(r.ins[0])
      ) {
        const sw = tr.ins[0];
        const sx = r.ins[1];
        const rows = tr.shapes[0][0]; // W is rows×cols; out = Wᵀ x has cols entries
        const cols = tr.shapes[0][1];
        fusedAway.add(pt);
        steps[pt] = () => {};
        steps.push(() => {
          const W = B[sw];
          const x = B[sx];
          const out = B[o];
          for (let c = 0; c < cols; c++) out[c] = 0;
          for (let a = 0; a < rows; a++) {
            const xa = x[a];
            const row = a * cols;
            for (let c = 0; c < cols; c++) out[c] += W[row + c] * xa;
          }
        });
        continue;
      }
    }
    // Outer product [m,1]·[1,n].
    if (r.op === 'matmul' && r.shapes[0].length === 2 && r.shapes[1].length === 2 && r.shapes[0][1] === 1) {
      const [sa, sb] = r.ins;
      const m = r.shapes[0][0];
      const nn = r.shapes[1][1];
      steps.push(() => {
        const a = B[sa];
        const b = B[sb];
        const out = B[o];
        for (let i2 = 0; i2 < m; i2++) {
          const ai = a[i2];
          const row = i2 * nn;
          for (let j = 0; j < nn; j++) out[row + j] = ai * b[j];
        }
      });
      continue;
    }
    if (r.op === 'gelu') {
      const sx = r.ins[0];
      steps.push(() => {
        const x = B[sx];
        const out = B[o];
        for (let q = 0; q < n; q++) {
          const v = x[q];
          out[q] = 0.5 * v * (1 + erf(v * INV_SQRT2));
        }
      });
      continue;
    }
    if (isMatVec(r)) {
      const [sw, sx] = r.ins;
      const m = r.shapes[0][0];
      const k = r.shapes[0][1];
      steps.push(() => {
        const W = B[sw];
        const x = B[sx];
        const out = B[o];
        for (let a = 0; a < m; a++) {
          let s = 0;
          const row = a * k;
          for (let p = 0; p < k; p++) s += W[row + p] * x[p];
          out[a] = s;
        }
      });
      continue;
    }
    // Generic: the kernel table.
    const kernel = cpuKernels[r.op] as CpuKernel<OpName>;
    const args: Float64Array[] = new Array(r.ins.length);
    const ins = r.ins;
    const shapes = r.shapes;
    const outShape = r.outShape;
    const attrs = r.attrs as never;
    steps.push(() => {
      for (let q = 0; q < ins.length; q++) args[q] = B[ins[q]];
      kernel(B[o], args, shapes, outShape, attrs);
    });
  }
  return steps.filter((_, i) => !fusedAway.has(i));
}
