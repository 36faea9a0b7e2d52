import { OdeonError } from '@odeon/ode';
import type { Dag } from './dag.ts';
import type { NodeId, OperatorOp } from './dag-ops.ts';

/** A MathML operator applied to already lowered arguments, as DAG nodes. */
export function lowerOperator(op: string, x: readonly NodeId[], d: Dag, element: string): NodeId {
  const un = (o: OperatorOp) => d.op(o, [x[0]]);
  const inv = (o: OperatorOp) => d.op(o, [d.div(d.const(1), x[0])]);
  const chain = (o: OperatorOp): NodeId => {
    if (x.length < 2) return d.const(1);
    const parts: NodeId[] = [];
    for (let i = 0; i + 1 < x.length; i++) parts.push(d.op(o, [x[i], x[i + 1]]));
    return parts.reduce((a, b) => d.op('and', [a, b]));
  };
  const fold = (o: OperatorOp, empty: number): NodeId =>
    x.length === 0 ? d.const(empty) : x.map((v) => d.truth(v)).reduce((a, b) => d.op(o, [a, b]));
  switch (op) {
    case 'plus':
      return d.add(x);
    case 'times':
      return d.mul(x);
    case 'minus':
      return x.length === 1 ? d.neg(x[0]) : d.sub(x[0], x[1]);
    case 'divide':
      return d.div(x[0], x[1]);
    case 'power':
      return d.pow(x[0], x[1]);
    case 'root':
      return d.isConst(x[0], 2) ? d.op('sqrt', [x[1]]) : d.pow(x[1], d.div(d.const(1), x[0]));
    case 'log':
      return d.isConst(x[0], 10)
        ? d.div(d.op('ln', [x[1]]), d.const(Math.LN10))
        : d.div(d.op('ln', [x[1]]), d.op('ln', [x[0]]));
    case 'abs':
    case 'exp':
    case 'ln':
    case 'floor':
    case 'factorial':
    case 'sin':
    case 'cos':
    case 'tan':
    case 'sinh':
    case 'cosh':
    case 'tanh':
      return un(op as OperatorOp);
    case 'ceiling':
      return un('ceil');
    case 'sec':
      return d.div(d.const(1), un('cos'));
    case 'csc':
      return d.div(d.const(1), un('sin'));
    case 'cot':
      return d.div(un('cos'), un('sin'));
    case 'sech':
      return d.div(d.const(1), un('cosh'));
    case 'csch':
      return d.div(d.const(1), un('sinh'));
    case 'coth':
      return d.div(un('cosh'), un('sinh'));
    case 'arcsin':
      return un('asin');
    case 'arccos':
      return un('acos');
    case 'arctan':
      return un('atan');
    case 'arcsinh':
      return un('asinh');
    case 'arccosh':
      return un('acosh');
    case 'arctanh':
      return un('atanh');
    case 'arcsec':
      return inv('acos');
    case 'arccsc':
      return inv('asin');
    case 'arccot':
      return inv('atan');
    case 'arcsech':
      return inv('acosh');
    case 'arccsch':
      return inv('asinh');
    case 'arccoth':
      return inv('atanh');
    case 'quotient':
      return d.op('trunc', [d.div(x[0], x[1])]);
    case 'rem':
      return d.op('rem', [x[0], x[1]]);
    case 'max':
      return x.reduce((a, b) => d.op('max', [a, b]));
    case 'min':
      return x.reduce((a, b) => d.op('min', [a, b]));
    case 'eq':
      return chain('eq');
    case 'neq':
      return d.op('ne', [x[0], x[1]]);
    case 'gt':
      return chain('gt');
    case 'lt':
      return chain('lt');
    case 'geq':
      return chain('ge');
    case 'leq':
      return chain('le');
    case 'and':
      return fold('and', 1);
    case 'or':
      return fold('or', 0);
    case 'xor':
      return fold('xor', 0);
    case 'not':
      return d.op('not', [x[0]]);
    case 'implies':
      return d.op('or', [d.op('not', [x[0]]), d.truth(x[1])]);
    default:
      throw new OdeonError('UnsupportedSbmlFeature', `The operator ${op} in ${element} is not supported.`, {
        feature: op === 'delay' ? 'csymbol delay' : op,
        element,
        hint: 'Rewrite the expression without it.',
      });
  }
}
