/**
 * A hash-consed expression DAG over states y[i], parameters p[k] and time t. Structurally equal nodes
 * share one id, so common subexpressions are found for free; constructors simplify as they build
 * (constant folding, neutral elements, flattening), and `diff` differentiates symbolically with memoisation.
 * The rules of each operator are in `dag-ops.ts`.
 */

import { applyOp, DAG_OPS, type DagBuilder, type DagOp, type NodeId, type OperatorOp } from './dag-ops.ts';

export type { DagOp, NodeId } from './dag-ops.ts';

export interface DagNode {
  readonly op: DagOp;
  /** Constant value (`const`) or index (`y`, `p`). */
  readonly value: number;
  readonly args: readonly NodeId[];
}

/** Whether an operator's result is a 0/1 truth value. */
function isBoolean(op: DagOp): boolean {
  const rule = DAG_OPS[op];
  return rule.arity !== 0 && rule.boolean;
}

/** The expression pool. */
export class Dag implements DagBuilder {
  readonly nodes: DagNode[] = [];
  private readonly index = new Map<string, NodeId>();
  private readonly diffMemo = new Map<string, NodeId>();
  /** Guards against runaway expression growth (hostile inputs): total node count. */
  maxNodes = 2_000_000;

  private intern(op: DagOp, value: number, args: readonly NodeId[]): NodeId {
    const key = op === 'const' ? `c${Object.is(value, -0) ? 0 : value}` : `${op}:${value}:${args.join(',')}`;
    const hit = this.index.get(key);
    if (hit !== undefined) return hit;
    if (this.nodes.length >= this.maxNodes) throw new RangeError('expression graph too large');
    const id = this.nodes.length;
    this.nodes.push({ op, value, args });
    this.index.set(key, id);
    return id;
  }

  node(id: NodeId): DagNode {
    return this.nodes[id];
  }

  isConst(id: NodeId, value?: number): boolean {
    const n = this.nodes[id];
    return n.op === 'const' && (value === undefined || Object.is(n.value, value) || n.value === value);
  }

  constValue(id: NodeId): number {
    return this.nodes[id].value;
  }

  const(value: number): NodeId {
    return this.intern('const', value, []);
  }
  y(i: number): NodeId {
    return this.intern('y', i, []);
  }
  p(k: number): NodeId {
    return this.intern('p', k, []);
  }
  t(): NodeId {
    return this.intern('t', 0, []);
  }

  /** Generic constructor with simplification. */
  op(op: OperatorOp, args: readonly NodeId[]): NodeId {
    switch (op) {
      case 'add':
        return this.add(args);
      case 'mul':
        return this.mul(args);
      case 'neg':
        return this.neg(args[0]);
      case 'div':
        return this.div(args[0], args[1]);
      case 'pow':
        return this.pow(args[0], args[1]);
      case 'select':
        return this.select(args[0], args[1], args[2]);
      default:
        break;
    }
    if (args.every((a) => this.isConst(a)))
      return this.const(
        applyOp(
          op,
          args.map((a) => this.constValue(a)),
        ),
      );
    if (op === 'not' && this.nodes[args[0]].op === 'not') return this.truth(this.nodes[args[0]].args[0]);
    return this.intern(op, 0, args);
  }

  /** x as a 0/1 truth value. */
  truth(x: NodeId): NodeId {
    return isBoolean(this.nodes[x].op) ? x : this.op('ne', [x, this.const(0)]);
  }

  add(args: readonly NodeId[]): NodeId {
    const terms: NodeId[] = [];
    let c = 0;
    const visit = (a: NodeId): void => {
      const n = this.nodes[a];
      if (n.op === 'add') for (const b of n.args) visit(b);
      else if (n.op === 'const') c += n.value;
      else terms.push(a);
    };
    for (const a of args) visit(a);
    // Combine like terms: c1·x + c2·x → (c1 + c2)·x (so 2x − x − x cancels, as in netted stoichiometry).
    const coef = new Map<NodeId, number>();
    const order: NodeId[] = [];
    for (const term of terms) {
      let base = term;
      let k = 1;
      const n = this.nodes[term];
      if (n.op === 'neg') {
        base = n.args[0];
        k = -1;
      } else if (n.op === 'mul' && this.nodes[n.args[0]].op === 'const') {
        k = this.nodes[n.args[0]].value;
        base = n.args.length === 2 ? n.args[1] : this.intern('mul', 0, n.args.slice(1));
      }
      const prev = coef.get(base);
      if (prev === undefined) order.push(base);
      coef.set(base, (prev ?? 0) + k);
    }
    const out: NodeId[] = [];
    for (const base of order) {
      const k = coef.get(base) as number;
      if (k === 0) continue;
      out.push(k === 1 ? base : k === -1 ? this.intern('neg', 0, [base]) : this.mul([this.const(k), base]));
    }
    if (c !== 0 || Number.isNaN(c)) out.push(this.const(c));
    if (out.length === 0) return this.const(0);
    if (out.length === 1) return out[0];
    return this.intern('add', 0, out);
  }

  mul(args: readonly NodeId[]): NodeId {
    const factors: NodeId[] = [];
    let c = 1;
    const visit = (a: NodeId): void => {
      const n = this.nodes[a];
      if (n.op === 'mul') for (const b of n.args) visit(b);
      else if (n.op === 'const') c *= n.value;
      else if (n.op === 'neg') {
        c = -c;
        visit(n.args[0]);
      } else factors.push(a);
    };
    for (const a of args) visit(a);
    if (c === 0) return this.const(0);
    if (factors.length === 0) return this.const(c);
    const body = factors.length === 1 ? factors[0] : this.intern('mul', 0, factors);
    if (c === 1) return body;
    if (c === -1) return this.intern('neg', 0, [body]);
    return this.intern('mul', 0, [this.const(c), ...factors]);
  }

  neg(a: NodeId): NodeId {
    const n = this.nodes[a];
    if (n.op === 'const') return this.const(-n.value);
    if (n.op === 'neg') return n.args[0];
    if (n.op === 'mul' && this.nodes[n.args[0]].op === 'const') return this.mul([this.const(-1), a]);
    return this.intern('neg', 0, [a]);
  }

  sub(a: NodeId, b: NodeId): NodeId {
    if (a === b) return this.const(0);
    return this.add([a, this.neg(b)]);
  }

  div(a: NodeId, b: NodeId): NodeId {
    if (this.isConst(b, 1)) return a;
    if (this.isConst(a, 0) && !this.isConst(b, 0)) return this.const(0);
    if (this.isConst(a) && this.isConst(b)) return this.const(this.constValue(a) / this.constValue(b));
    if (this.isConst(b) && this.constValue(b) !== 0 && Number.isFinite(1 / this.constValue(b)))
      return this.mul([a, this.const(1 / this.constValue(b))]);
    return this.intern('div', 0, [a, b]);
  }

  pow(a: NodeId, b: NodeId): NodeId {
    if (this.isConst(b, 1)) return a;
    if (this.isConst(b, 0)) return this.const(1);
    if (this.isConst(a) && this.isConst(b)) return this.const(this.constValue(a) ** this.constValue(b));
    if (this.isConst(b, 0.5)) return this.intern('sqrt', 0, [a]);
    if (this.isConst(b, 2)) return this.mul([a, a]);
    return this.intern('pow', 0, [a, b]);
  }

  select(c: NodeId, a: NodeId, b: NodeId): NodeId {
    if (this.isConst(c)) return this.constValue(c) !== 0 ? a : b;
    if (a === b) return a;
    return this.intern('select', 0, [c, a, b]);
  }

  /** Symbolic derivative of `e` with respect to a leaf (`y`, `p` or `t`). */
  diff(e: NodeId, leaf: NodeId): NodeId {
    const key = `${e}/${leaf}`;
    const hit = this.diffMemo.get(key);
    if (hit !== undefined) return hit;
    const r = this.diffUncached(e, leaf);
    this.diffMemo.set(key, r);
    return r;
  }

  private diffUncached(e: NodeId, leaf: NodeId): NodeId {
    if (e === leaf) return this.const(1);
    const n = this.nodes[e];
    const zero = this.const(0);
    return DAG_OPS[n.op].diff(this, e, n.args, (x) => this.diff(x, leaf), zero);
  }

  /** Nodes reachable from `roots`, in dependency order (arguments before users). */
  topo(roots: readonly NodeId[]): NodeId[] {
    const seen = new Uint8Array(this.nodes.length);
    const order: NodeId[] = [];
    const stack: [NodeId, number][] = [];
    for (const r of roots) {
      if (seen[r]) continue;
      stack.push([r, 0]);
      seen[r] = 1;
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        const args = this.nodes[top[0]].args;
        if (top[1] < args.length) {
          const c = args[top[1]++];
          if (!seen[c]) {
            seen[c] = 1;
            stack.push([c, 0]);
          }
        } else {
          order.push(top[0]);
          stack.pop();
        }
      }
    }
    return order;
  }
}
