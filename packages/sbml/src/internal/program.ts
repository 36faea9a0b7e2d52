import { type Dag, factorial, type NodeId } from './dag.ts';

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

/** Helpers the generated code may call (bound by closure; never derived from input text). */
export const KERNEL_HELPERS = {
  factorial,
  rem: (a: number, b: number): number => a % b,
  min: (a: number, b: number): number => (a < b || Number.isNaN(a) ? a : b),
  max: (a: number, b: number): number => (a > b || Number.isNaN(a) ? a : b),
} as const;

/** Formats a number as a JavaScript literal (exact round trip). */
export function numberLiteral(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '(-Infinity)';
  if (Object.is(v, -0)) return '(-0)';
  const s = String(v);
  return v < 0 ? `(${s})` : s;
}

const MATH_FN: Readonly<Record<string, string>> = {
  exp: 'M.exp',
  ln: 'M.log',
  sqrt: 'M.sqrt',
  sin: 'M.sin',
  cos: 'M.cos',
  tan: 'M.tan',
  sinh: 'M.sinh',
  cosh: 'M.cosh',
  tanh: 'M.tanh',
  asin: 'M.asin',
  acos: 'M.acos',
  atan: 'M.atan',
  asinh: 'M.asinh',
  acosh: 'M.acosh',
  atanh: 'M.atanh',
  abs: 'M.abs',
  floor: 'M.floor',
  ceil: 'M.ceil',
  trunc: 'M.trunc',
  factorial: 'H.factorial',
  pow: 'M.pow',
  rem: 'H.rem',
  min: 'H.min',
  max: 'H.max',
};
const RELATION: Readonly<Record<string, string>> = {
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
  eq: '===',
  ne: '!==',
};

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
    let s: string;
    let h = 0;
    switch (n.op) {
      case 'const':
        s = numberLiteral(n.value);
        break;
      case 'y':
        s = `y[${n.value | 0}]`;
        break;
      case 'p':
        s = `p[${n.value | 0}]`;
        break;
      case 't':
        s = 't';
        break;
      default: {
        const a = n.args.map((x) => text.get(x) as string);
        h = 1 + Math.max(0, ...n.args.map((x) => height.get(x) ?? 0));
        switch (n.op) {
          case 'add': {
            // a + (−b) is emitted as a − b (the same IEEE operation).
            let sum = a[0];
            for (let i = 1; i < a.length; i++) {
              const arg = dag.node(n.args[i]);
              sum += arg.op === 'neg' && !temp.has(n.args[i]) ? ` - ${text.get(arg.args[0])}` : ` + ${a[i]}`;
            }
            s = `(${sum})`;
            break;
          }
          case 'mul':
            s = `(${a.join(' * ')})`;
            break;
          case 'neg':
            s = `(-${a[0]})`;
            break;
          case 'div':
            s = `(${a[0]} / ${a[1]})`;
            break;
          case 'select':
            s = `(${a[0]} !== 0 ? ${a[1]} : ${a[2]})`;
            break;
          case 'and':
            s = `(${a[0]} !== 0 && ${a[1]} !== 0 ? 1 : 0)`;
            break;
          case 'or':
            s = `(${a[0]} !== 0 || ${a[1]} !== 0 ? 1 : 0)`;
            break;
          case 'xor':
            s = `((${a[0]} !== 0) !== (${a[1]} !== 0) ? 1 : 0)`;
            break;
          case 'not':
            s = `(${a[0]} === 0 ? 1 : 0)`;
            break;
          default: {
            const rel = RELATION[n.op];
            if (rel !== undefined) s = `(${a[0]} ${rel} ${a[1]} ? 1 : 0)`;
            else {
              const fn = MATH_FN[n.op];
              if (fn === undefined) throw new Error(`codegen: no rule for ${n.op}`);
              s = `${fn}(${a.join(', ')})`;
            }
          }
        }
        if (((uses.get(id) ?? 0) > 1 && n.op !== 'neg') || h > 20) {
          temp.add(id);
          const name = `t${temps++}`;
          lines.push(`const ${name} = ${s};`);
          s = name;
          h = 0;
        }
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

const OPCODES = [
  'const',
  'y',
  'p',
  't',
  'add',
  'mul',
  'neg',
  'div',
  'pow',
  'exp',
  'ln',
  'sqrt',
  'sin',
  'cos',
  'tan',
  'sinh',
  'cosh',
  'tanh',
  'asin',
  'acos',
  'atan',
  'asinh',
  'acosh',
  'atanh',
  'abs',
  'floor',
  'ceil',
  'factorial',
  'trunc',
  'rem',
  'min',
  'max',
  'lt',
  'le',
  'gt',
  'ge',
  'eq',
  'ne',
  'and',
  'or',
  'xor',
  'not',
  'select',
] as const;
const OPCODE = new Map<string, number>(OPCODES.map((o, i) => [o, i]));

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
    code[i] = OPCODE.get(n.op) as number;
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
    const op = OPCODES[code[i]];
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
