import type { Dag } from './dag.ts';
import { DAG_OPS, KERNEL_HELPERS, type NodeId } from './dag-ops.ts';

/**
 * A kernel to evaluate: each target writes `out{array}[index] = Σ w[term.w] · node` (w index -1 means
 * a weight of 1). `zero` lists output arrays cleared first (sparse Jacobians write only nonzeros).
 * Both back ends (generated code, tape interpreter) implement exactly the same arithmetic.
 */
export interface KernelSpec {
  /** Number of output arrays (1 or 2). */
  readonly outputs: 1 | 2;
  /** Whether the kernel reads a weight vector `w` (VJP/JVP). */
  readonly weighted: boolean;
  readonly targets: readonly KernelTarget[];
  readonly zero: readonly number[];
}

export interface KernelTarget {
  readonly array: number;
  readonly index: number;
  readonly terms: readonly { readonly w: number; readonly node: NodeId }[];
}

/**
 * A kernel callable. Weighted kernels (VJP, JVP) take `(t, y, p, w, out0, out1?)`; the others take
 * `(t, y, p, out0, out1?)`, so an RHS kernel is directly an `RhsFunction` (no wrapper call).
 */
export type Kernel = (
  t: number,
  y: Float64Array,
  p: Float64Array,
  a: Float64Array | undefined,
  b?: Float64Array,
  c?: Float64Array,
) => void;

/**
 * Generates JavaScript source for a kernel. Only operator names from a fixed table, array indices and
 * number literals appear in the source: no identifier, name or text from the model is ever embedded.
 */
export function generateKernelSource(dag: Dag, spec: KernelSpec): string {
  const roots: NodeId[] = [];
  for (const t of spec.targets) for (const term of t.terms) roots.push(term.node);
  const order = dag.topo(roots);
  const uses = new Map<NodeId, number>();
  for (const id of order) for (const a of dag.node(id).args) uses.set(a, (uses.get(a) ?? 0) + 1);
  for (const r of roots) uses.set(r, (uses.get(r) ?? 0) + 1);
  const text = new Map<NodeId, string>();
  const height = new Map<NodeId, number>();
  const lines: string[] = [];
  const temp = new Set<NodeId>();
  let temps = 0;
  for (const id of order) {
    const n = dag.node(id);
    const rule = DAG_OPS[n.op];
    let s: string;
    let h = 0;
    if (rule.arity === 0) s = rule.js([], n.value, []);
    else {
      const a = n.args.map((x) => text.get(x) as string);
      // An inlined negation inside a sum is emitted as a subtraction.
      const negated = n.args.map((x) => {
        const arg = dag.node(x);
        return arg.op === 'neg' && !temp.has(x) ? text.get(arg.args[0]) : undefined;
      });
      h = 1 + Math.max(0, ...n.args.map((x) => height.get(x) ?? 0));
      s = rule.js(a, n.value, negated);
      if (((uses.get(id) ?? 0) > 1 && n.op !== 'neg') || h > 20) {
        temp.add(id);
        const name = `t${temps++}`;
        lines.push(`const ${name} = ${s};`);
        s = name;
        h = 0;
      }
    }
    text.set(id, s);
    height.set(id, h);
  }
  for (const z of spec.zero) lines.push(`o${z}.fill(0);`);
  for (const t of spec.targets) {
    const parts = t.terms.map((term) => {
      const v = text.get(term.node) as string;
      return term.w < 0 ? v : `w[${term.w | 0}] * ${v}`;
    });
    lines.push(`o${t.array | 0}[${t.index | 0}] = ${parts.length === 0 ? '0' : parts.join(' + ')};`);
  }
  const params = spec.weighted ? 't, y, p, w, o0, o1' : 't, y, p, o0, o1';
  return `"use strict";\nreturn function kernel(${params}) {\n${lines.join('\n')}\n};`;
}

/** Compiles a kernel with `new Function` (throws in strict-CSP environments; callers fall back to the tape). */
export function compileKernel(dag: Dag, spec: KernelSpec): Kernel {
  const source = generateKernelSource(dag, spec);
  const factory = new Function('M', 'H', source) as (m: Math, h: typeof KERNEL_HELPERS) => Kernel;
  return factory(Math, KERNEL_HELPERS);
}

/**
 * The interpreter fallback: the same kernel evaluated from a flat instruction tape, for environments that
 * forbid `new Function` (strict Content-Security-Policy). Allocates its slot buffer once.
 */
export function interpretKernel(dag: Dag, spec: KernelSpec): Kernel {
  const roots: NodeId[] = [];
  for (const t of spec.targets) for (const term of t.terms) roots.push(term.node);
  const order = dag.topo(roots);
  const slotOf = new Map<NodeId, number>(order.map((id, i) => [id, i]));
  const m = order.length;
  const code = new Int32Array(m);
  const val = new Float64Array(m);
  const index = new Int32Array(m); // y/p indices as integers (a double-valued key would take V8's slow path)
  const argStart = new Int32Array(m + 1);
  const argList: number[] = [];
  for (let i = 0; i < m; i++) {
    const n = dag.node(order[i]);
    code[i] = DAG_OPS[n.op].opcode;
    val[i] = n.value;
    index[i] = n.op === 'y' || n.op === 'p' ? n.value : 0;
    argStart[i] = argList.length;
    for (const a of n.args) argList.push(slotOf.get(a) as number);
  }
  argStart[m] = argList.length;
  argList.push(0, 0, 0); // padding: operand reads of leaves stay in bounds (no deoptimising undefined reads)
  const args = Int32Array.from(argList);
  const slots = new Float64Array(m);
  // Outputs as flat typed arrays (no per-call iterators or object loads).
  const nTargets = spec.targets.length;
  const tArray = Int32Array.from(spec.targets.map((t) => t.array));
  const tIndex = Int32Array.from(spec.targets.map((t) => t.index));
  const tStart = new Int32Array(nTargets + 1);
  const termW: number[] = [];
  const termSlot: number[] = [];
  spec.targets.forEach((t, g) => {
    tStart[g] = termW.length;
    for (const x of t.terms) {
      termW.push(x.w);
      termSlot.push(slotOf.get(x.node) as number);
    }
  });
  tStart[nTargets] = termW.length;
  const termWs = Int32Array.from(termW);
  const termSlots = Int32Array.from(termSlot);
  const zero0 = spec.zero.includes(0);
  const zero1 = spec.zero.includes(1);
  // Leaves are loaded by tight loops; constants are written once; the dispatch loop visits operators only.
  const ySlots: number[] = [];
  const yIdx: number[] = [];
  const pSlots: number[] = [];
  const pIdx: number[] = [];
  const tSlots: number[] = [];
  const opSlots: number[] = [];
  for (let i = 0; i < m; i++) {
    const op = dag.node(order[i]).op;
    if (op === 'const') slots[i] = val[i];
    else if (op === 'y') {
      ySlots.push(i);
      yIdx.push(index[i]);
    } else if (op === 'p') {
      pSlots.push(i);
      pIdx.push(index[i]);
    } else if (op === 't') tSlots.push(i);
    else opSlots.push(i);
  }
  const yS = Int32Array.from(ySlots);
  const yI = Int32Array.from(yIdx);
  const pS = Int32Array.from(pSlots);
  const pI = Int32Array.from(pIdx);
  const tS = Int32Array.from(tSlots);
  const ops = Int32Array.from(opSlots);
  const nOps = ops.length;
  const { factorial: fact, rem, min, max } = KERNEL_HELPERS;
  const run = (
    t: number,
    y: Float64Array,
    p: Float64Array,
    w: Float64Array | undefined,
    o0: Float64Array,
    o1?: Float64Array,
  ): void => {
    const s = slots;
    for (let j = 0; j < yS.length; j++) s[yS[j]] = y[yI[j]];
    for (let j = 0; j < pS.length; j++) s[pS[j]] = p[pI[j]];
    for (let j = 0; j < tS.length; j++) s[tS[j]] = t;
    for (let q = 0; q < nOps; q++) {
      const i = ops[q];
      const k = argStart[i];
      const a = s[args[k]];
      const b = s[args[k + 1]];
      let r: number;
      // Case labels are the opcodes of DAG_OPS (dag-ops.test.ts checks every operator against `eval`).
      switch (code[i]) {
        case 0:
          r = val[i];
          break;
        case 1:
          r = y[index[i]];
          break;
        case 2:
          r = p[index[i]];
          break;
        case 3:
          r = t;
          break;
        case 4: {
          r = a;
          for (let j = k + 1; j < argStart[i + 1]; j++) r += s[args[j]];
          break;
        }
        case 5: {
          r = a;
          for (let j = k + 1; j < argStart[i + 1]; j++) r *= s[args[j]];
          break;
        }
        case 6:
          r = -a;
          break;
        case 7:
          r = a / b;
          break;
        case 8:
          r = a ** b;
          break;
        case 9:
          r = Math.exp(a);
          break;
        case 10:
          r = Math.log(a);
          break;
        case 11:
          r = Math.sqrt(a);
          break;
        case 12:
          r = Math.sin(a);
          break;
        case 13:
          r = Math.cos(a);
          break;
        case 14:
          r = Math.tan(a);
          break;
        case 15:
          r = Math.sinh(a);
          break;
        case 16:
          r = Math.cosh(a);
          break;
        case 17:
          r = Math.tanh(a);
          break;
        case 18:
          r = Math.asin(a);
          break;
        case 19:
          r = Math.acos(a);
          break;
        case 20:
          r = Math.atan(a);
          break;
        case 21:
          r = Math.asinh(a);
          break;
        case 22:
          r = Math.acosh(a);
          break;
        case 23:
          r = Math.atanh(a);
          break;
        case 24:
          r = Math.abs(a);
          break;
        case 25:
          r = Math.floor(a);
          break;
        case 26:
          r = Math.ceil(a);
          break;
        case 27:
          r = fact(a);
          break;
        case 28:
          r = Math.trunc(a);
          break;
        case 29:
          r = rem(a, b);
          break;
        case 30:
          r = min(a, b);
          break;
        case 31:
          r = max(a, b);
          break;
        case 32:
          r = a < b ? 1 : 0;
          break;
        case 33:
          r = a <= b ? 1 : 0;
          break;
        case 34:
          r = a > b ? 1 : 0;
          break;
        case 35:
          r = a >= b ? 1 : 0;
          break;
        case 36:
          r = a === b ? 1 : 0;
          break;
        case 37:
          r = a !== b ? 1 : 0;
          break;
        case 38:
          r = a !== 0 && b !== 0 ? 1 : 0;
          break;
        case 39:
          r = a !== 0 || b !== 0 ? 1 : 0;
          break;
        case 40:
          r = (a !== 0) !== (b !== 0) ? 1 : 0;
          break;
        case 41:
          r = a === 0 ? 1 : 0;
          break;
        default:
          r = a !== 0 ? b : s[args[k + 2]];
      }
      s[i] = r;
    }
    if (zero0) o0.fill(0);
    if (zero1) (o1 as Float64Array).fill(0);
    for (let g = 0; g < nTargets; g++) {
      const out = tArray[g] === 0 ? o0 : (o1 as Float64Array);
      let acc = 0;
      for (let j = tStart[g]; j < tStart[g + 1]; j++) {
        const v = s[termSlots[j]];
        const term = termWs[j] < 0 ? v : (w as Float64Array)[termWs[j]] * v;
        acc = j === tStart[g] ? term : acc + term;
      }
      out[tIndex[g]] = acc;
    }
  };
  if (spec.weighted) return run as Kernel;
  return ((t: number, y: Float64Array, p: Float64Array, o0: Float64Array, o1?: Float64Array) =>
    run(t, y, p, undefined, o0, o1)) as Kernel;
}
