/**
 * The operators of the expression DAG and every rule about them, in one table keyed by the operator
 * name: arity, numeric semantics, derivative, generated JavaScript and interpreter opcode. A missing
 * operator or rule is a compile error.
 */

export type NodeId = number;

/** Leaves: a constant, a state y[i], a parameter p[k], time t. */
export type LeafOp = 'const' | 'y' | 'p' | 't';

/** Operators after lowering MathML (sec → 1/cos, piecewise → select, n-ary relations → binary, ...). */
export type OperatorOp =
  | 'add'
  | 'mul'
  | 'neg'
  | 'div'
  | 'pow'
  | 'exp'
  | 'ln'
  | 'sqrt'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'asinh'
  | 'acosh'
  | 'atanh'
  | 'abs'
  | 'floor'
  | 'ceil'
  | 'factorial'
  | 'trunc'
  | 'rem'
  | 'min'
  | 'max'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'eq'
  | 'ne'
  | 'and'
  | 'or'
  | 'xor'
  | 'not'
  | 'select';

export type DagOp = LeafOp | OperatorOp;

/** The node constructors a derivative rule builds with (implemented by `Dag`). */
export interface DagBuilder {
  const(value: number): NodeId;
  add(args: readonly NodeId[]): NodeId;
  mul(args: readonly NodeId[]): NodeId;
  neg(a: NodeId): NodeId;
  sub(a: NodeId, b: NodeId): NodeId;
  div(a: NodeId, b: NodeId): NodeId;
  pow(a: NodeId, b: NodeId): NodeId;
  select(c: NodeId, a: NodeId, b: NodeId): NodeId;
  op(op: OperatorOp, args: readonly NodeId[]): NodeId;
  isConst(id: NodeId, value?: number): boolean;
}

/**
 * The derivative of node `e` (operator applied to `args`) with respect to a leaf; `dx` differentiates
 * an argument, `zero` is the constant 0 node.
 */
export type DiffRule = (
  d: DagBuilder,
  e: NodeId,
  args: readonly NodeId[],
  dx: (x: NodeId) => NodeId,
  zero: NodeId,
) => NodeId;

/**
 * JavaScript for a node from its arguments' expressions. `value` is a leaf's constant or index;
 * `negated[i]` is the operand's expression when argument i is an inlined negation (so `add` can emit
 * a − b, the same IEEE operation as a + (−b)). Only operator names from this table, indices and number
 * literals are emitted: never text from the input.
 */
export type JsRule = (
  args: readonly string[],
  value: number,
  negated: readonly (string | undefined)[],
) => string;

interface RuleBase {
  /** Interpreter opcode (the `switch` in `interpretKernel`). */
  readonly opcode: number;
  readonly diff: DiffRule;
  readonly js: JsRule;
}

/** A leaf reads its value from the node (`const`) or from t, y, p: it has no numeric rule of its own. */
export interface LeafRule extends RuleBase {
  readonly arity: 0;
}

export interface OperatorRule extends RuleBase {
  /** Number of arguments; `n` for the flattened sums and products (two or more). */
  readonly arity: 1 | 2 | 3 | 'n';
  /** Whether the result is a 0/1 truth value. */
  readonly boolean: boolean;
  /** Numeric semantics on evaluated arguments (constant folding; the interpreter and the generated code match it). */
  readonly eval: (a: readonly number[]) => number;
}

export type OpTable = { readonly [K in DagOp]: K extends LeafOp ? LeafRule : OperatorRule };

export function factorial(x: number): number {
  if (!(x >= 0) || !Number.isFinite(x)) return x === Number.POSITIVE_INFINITY ? x : Number.NaN;
  const n = Math.round(x);
  if (n > 170) return Number.POSITIVE_INFINITY;
  let r = 1;
  for (let i = 2; i <= n; i++) r *= i;
  return r;
}

/** Helpers the generated code calls as `H.<name>` (bound by closure; never derived from input text). */
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

const zeroDiff: DiffRule = (_d, _e, _args, _dx, zero) => zero;

/** A unary operator's derivative: `rule(x, e, dx(x), one)`, or zero where dx(x) is zero. */
function unaryDiff(rule: (d: DagBuilder, x: NodeId, e: NodeId, da: NodeId, one: NodeId) => NodeId): DiffRule {
  return (d, e, args, dx, zero) => {
    const da = dx(args[0]);
    if (d.isConst(da, 0)) return zero;
    return rule(d, args[0], e, da, d.const(1));
  };
}

/** Chain rule of a unary operator with derivative g(x, e): g · dx. */
function chain(g: (d: DagBuilder, x: NodeId, e: NodeId, one: NodeId) => NodeId): DiffRule {
  return unaryDiff((d, x, e, da, one) => d.mul([g(d, x, e, one), da]));
}

const sq = (d: DagBuilder, v: NodeId): NodeId => d.mul([v, v]);

/** `M.<name>(args)` or `H.<name>(args)`. */
const call =
  (fn: string): JsRule =>
  (a) =>
    `${fn}(${a.join(', ')})`;

function unary(opcode: number, evalOne: (x: number) => number, js: JsRule, diff: DiffRule): OperatorRule {
  return { opcode, arity: 1, boolean: false, eval: (a) => evalOne(a[0]), js, diff };
}

function relation(opcode: number, jsOp: string, evalTwo: (a: number, b: number) => boolean): OperatorRule {
  return {
    opcode,
    arity: 2,
    boolean: true,
    eval: (a) => (evalTwo(a[0], a[1]) ? 1 : 0),
    js: (a) => `(${a[0]} ${jsOp} ${a[1]} ? 1 : 0)`,
    diff: zeroDiff,
  };
}

const H = KERNEL_HELPERS;

export const DAG_OPS: OpTable = {
  const: { opcode: 0, arity: 0, diff: zeroDiff, js: (_a, value) => numberLiteral(value) },
  y: { opcode: 1, arity: 0, diff: zeroDiff, js: (_a, value) => `y[${value | 0}]` },
  p: { opcode: 2, arity: 0, diff: zeroDiff, js: (_a, value) => `p[${value | 0}]` },
  t: { opcode: 3, arity: 0, diff: zeroDiff, js: () => 't' },
  add: {
    opcode: 4,
    arity: 'n',
    boolean: false,
    eval: (a) => {
      let s = 0;
      for (const x of a) s += x;
      return s;
    },
    js: (a, _value, negated) => {
      let sum = a[0];
      for (let i = 1; i < a.length; i++) {
        const inner = negated[i];
        sum += inner !== undefined ? ` - ${inner}` : ` + ${a[i]}`;
      }
      return `(${sum})`;
    },
    diff: (d, _e, a, dx) => d.add(a.map(dx)),
  },
  mul: {
    opcode: 5,
    arity: 'n',
    boolean: false,
    eval: (a) => {
      let s = 1;
      for (const x of a) s *= x;
      return s;
    },
    js: (a) => `(${a.join(' * ')})`,
    diff: (d, _e, a, dx) => {
      const terms: NodeId[] = [];
      for (let i = 0; i < a.length; i++) {
        const di = dx(a[i]);
        if (d.isConst(di, 0)) continue;
        terms.push(d.mul([di, ...a.filter((_, j) => j !== i)]));
      }
      return d.add(terms);
    },
  },
  neg: {
    opcode: 6,
    arity: 1,
    boolean: false,
    eval: (a) => -a[0],
    js: (a) => `(-${a[0]})`,
    diff: (d, _e, a, dx) => d.neg(dx(a[0])),
  },
  div: {
    opcode: 7,
    arity: 2,
    boolean: false,
    eval: (a) => a[0] / a[1],
    js: (a) => `(${a[0]} / ${a[1]})`,
    diff: (d, _e, a, dx) => {
      const da = dx(a[0]);
      const db = dx(a[1]);
      return d.sub(d.div(da, a[1]), d.div(d.mul([a[0], db]), d.mul([a[1], a[1]])));
    },
  },
  pow: {
    opcode: 8,
    arity: 2,
    boolean: false,
    eval: (a) => a[0] ** a[1],
    js: call('M.pow'),
    diff: (d, e, a, dx, zero) => {
      const da = dx(a[0]);
      const db = dx(a[1]);
      if (d.isConst(db, 0)) {
        if (d.isConst(da, 0)) return zero;
        return d.mul([a[1], d.pow(a[0], d.add([a[1], d.const(-1)])), da]);
      }
      // d(a^b) = a^b (b' ln a + b a'/a)
      return d.mul([e, d.add([d.mul([db, d.op('ln', [a[0]])]), d.div(d.mul([a[1], da]), a[0])])]);
    },
  },
  exp: unary(
    9,
    Math.exp,
    call('M.exp'),
    chain((_d, _x, e) => e),
  ),
  ln: unary(
    10,
    Math.log,
    call('M.log'),
    chain((d, x, _e, one) => d.div(one, x)),
  ),
  sqrt: unary(
    11,
    Math.sqrt,
    call('M.sqrt'),
    chain((d, _x, e) => d.div(d.const(0.5), e)),
  ),
  sin: unary(
    12,
    Math.sin,
    call('M.sin'),
    chain((d, x) => d.op('cos', [x])),
  ),
  cos: unary(
    13,
    Math.cos,
    call('M.cos'),
    chain((d, x) => d.neg(d.op('sin', [x]))),
  ),
  tan: unary(
    14,
    Math.tan,
    call('M.tan'),
    chain((d, _x, e, one) => d.add([one, sq(d, e)])),
  ),
  sinh: unary(
    15,
    Math.sinh,
    call('M.sinh'),
    chain((d, x) => d.op('cosh', [x])),
  ),
  cosh: unary(
    16,
    Math.cosh,
    call('M.cosh'),
    chain((d, x) => d.op('sinh', [x])),
  ),
  tanh: unary(
    17,
    Math.tanh,
    call('M.tanh'),
    chain((d, _x, e, one) => d.sub(one, sq(d, e))),
  ),
  asin: unary(
    18,
    Math.asin,
    call('M.asin'),
    chain((d, x, _e, one) => d.div(one, d.op('sqrt', [d.sub(one, sq(d, x))]))),
  ),
  acos: unary(
    19,
    Math.acos,
    call('M.acos'),
    chain((d, x, _e, one) => d.neg(d.div(one, d.op('sqrt', [d.sub(one, sq(d, x))])))),
  ),
  atan: unary(
    20,
    Math.atan,
    call('M.atan'),
    chain((d, x, _e, one) => d.div(one, d.add([one, sq(d, x)]))),
  ),
  asinh: unary(
    21,
    Math.asinh,
    call('M.asinh'),
    chain((d, x, _e, one) => d.div(one, d.op('sqrt', [d.add([sq(d, x), one])]))),
  ),
  acosh: unary(
    22,
    Math.acosh,
    call('M.acosh'),
    chain((d, x, _e, one) => d.div(one, d.op('sqrt', [d.sub(sq(d, x), one)]))),
  ),
  atanh: unary(
    23,
    Math.atanh,
    call('M.atanh'),
    chain((d, x, _e, one) => d.div(one, d.sub(one, sq(d, x)))),
  ),
  abs: unary(
    24,
    Math.abs,
    call('M.abs'),
    unaryDiff((d, x, _e, da) => d.select(d.op('lt', [x, d.const(0)]), d.neg(da), da)),
  ),
  floor: unary(25, Math.floor, call('M.floor'), zeroDiff),
  ceil: unary(26, Math.ceil, call('M.ceil'), zeroDiff),
  factorial: unary(27, factorial, call('H.factorial'), zeroDiff),
  trunc: unary(28, Math.trunc, call('M.trunc'), zeroDiff),
  rem: {
    opcode: 29,
    arity: 2,
    boolean: false,
    eval: (a) => H.rem(a[0], a[1]),
    js: call('H.rem'),
    // rem(a, b) = a − b trunc(a/b); trunc is piecewise constant.
    diff: (d, _e, a, dx) => d.sub(dx(a[0]), d.mul([d.op('trunc', [d.div(a[0], a[1])]), dx(a[1])])),
  },
  min: {
    opcode: 30,
    arity: 2,
    boolean: false,
    eval: (a) => H.min(a[0], a[1]),
    js: call('H.min'),
    diff: (d, _e, a, dx) => d.select(d.op('le', [a[0], a[1]]), dx(a[0]), dx(a[1])),
  },
  max: {
    opcode: 31,
    arity: 2,
    boolean: false,
    eval: (a) => H.max(a[0], a[1]),
    js: call('H.max'),
    diff: (d, _e, a, dx) => d.select(d.op('ge', [a[0], a[1]]), dx(a[0]), dx(a[1])),
  },
  lt: relation(32, '<', (a, b) => a < b),
  le: relation(33, '<=', (a, b) => a <= b),
  gt: relation(34, '>', (a, b) => a > b),
  ge: relation(35, '>=', (a, b) => a >= b),
  eq: relation(36, '===', (a, b) => a === b),
  ne: relation(37, '!==', (a, b) => a !== b),
  and: {
    opcode: 38,
    arity: 2,
    boolean: true,
    eval: (a) => (a[0] !== 0 && a[1] !== 0 ? 1 : 0),
    js: (a) => `(${a[0]} !== 0 && ${a[1]} !== 0 ? 1 : 0)`,
    diff: zeroDiff,
  },
  or: {
    opcode: 39,
    arity: 2,
    boolean: true,
    eval: (a) => (a[0] !== 0 || a[1] !== 0 ? 1 : 0),
    js: (a) => `(${a[0]} !== 0 || ${a[1]} !== 0 ? 1 : 0)`,
    diff: zeroDiff,
  },
  xor: {
    opcode: 40,
    arity: 2,
    boolean: true,
    eval: (a) => ((a[0] !== 0) !== (a[1] !== 0) ? 1 : 0),
    js: (a) => `((${a[0]} !== 0) !== (${a[1]} !== 0) ? 1 : 0)`,
    diff: zeroDiff,
  },
  not: {
    opcode: 41,
    arity: 1,
    boolean: true,
    eval: (a) => (a[0] === 0 ? 1 : 0),
    js: (a) => `(${a[0]} === 0 ? 1 : 0)`,
    diff: zeroDiff,
  },
  select: {
    opcode: 42,
    arity: 3,
    boolean: false,
    eval: (a) => (a[0] !== 0 ? a[1] : a[2]),
    js: (a) => `(${a[0]} !== 0 ? ${a[1]} : ${a[2]})`,
    diff: (d, _e, a, dx) => d.select(a[0], dx(a[1]), dx(a[2])),
  },
};

/** Evaluates one operator on already evaluated arguments (constant folding). */
export function applyOp(op: OperatorOp, a: readonly number[]): number {
  return DAG_OPS[op].eval(a);
}
