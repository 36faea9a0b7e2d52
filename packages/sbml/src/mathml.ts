import { OdeonError } from '@odeon/ode';
import { MATH_OPS, type MathExpr, type MathOp, TRIG_OPS } from './ast.ts';
import type { XmlElement } from './xml.ts';

const CSYMBOL_BASE = 'http://www.sbml.org/sbml/symbols/';

/** A lambda of a function definition. */
export interface MathLambda {
  readonly params: readonly string[];
  readonly body: MathExpr;
}

function fail(message: string, element: string): never {
  throw new OdeonError('SbmlParseError', `Invalid MathML in ${element}: ${message}`, {
    element,
    hint: 'Check the MathML against SBML Level 3 core (MathML subset).',
  });
}

function unwrapSemantics(el: XmlElement): XmlElement {
  let cur = el;
  for (let i = 0; i < 16 && cur.name === 'semantics'; i++) {
    const first = cur.children.find((c) => c.name !== 'annotation' && c.name !== 'annotation-xml');
    if (!first) break;
    cur = first;
  }
  return cur;
}

/** The single expression of a `<math>` element. `element` names the SBML element it belongs to (for errors). */
export function readMath(math: XmlElement, element: string): MathExpr {
  const kids = math.children.map(unwrapSemantics);
  if (kids.length !== 1) fail(`<math> must contain exactly one expression, found ${kids.length}`, element);
  return readNode(kids[0], element, 0);
}

/** The lambda of a function definition's `<math>`. */
export function readLambda(math: XmlElement, element: string): MathLambda {
  const kids = math.children.map(unwrapSemantics);
  if (kids.length !== 1 || kids[0].name !== 'lambda')
    fail('a function definition needs one <lambda>', element);
  const params: string[] = [];
  let body: MathExpr | undefined;
  for (const c of kids[0].children) {
    if (c.name === 'bvar') {
      const ci = c.children.find((x) => x.name === 'ci');
      if (!ci || ci.text === '') fail('<bvar> needs a <ci> name', element);
      params.push(ci.text);
    } else if (body === undefined) body = readNode(unwrapSemantics(c), element, 0);
    else fail('<lambda> has more than one body expression', element);
  }
  if (body === undefined) fail('<lambda> has no body', element);
  return { params, body };
}

function parseNumber(text: string, element: string): number {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?(inf|infinity|nan)$/i.test(t))
    fail(`not a number: ${JSON.stringify(t.slice(0, 40))}`, element);
  const lower = t.toLowerCase();
  if (lower.endsWith('nan')) return Number.NaN;
  if (lower.endsWith('inf') || lower.endsWith('infinity'))
    return lower.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number(t);
}

function readCn(el: XmlElement, element: string): MathExpr {
  const type = el.attrs.type ?? 'real';
  const parts = el.text.split(/\s+/).filter((s) => s.length > 0);
  if (type === 'e-notation' || type === 'rational') {
    if (parts.length !== 2) fail(`<cn type="${type}"> needs two parts separated by <sep/>`, element);
    const a = parseNumber(parts[0], element);
    const b = parseNumber(parts[1], element);
    return { type: 'number', value: type === 'rational' ? a / b : a * 10 ** b };
  }
  if (type !== 'real' && type !== 'integer' && type !== 'double')
    fail(`unsupported <cn type="${type.slice(0, 20)}">`, element);
  if (parts.length !== 1) fail('<cn> needs exactly one number', element);
  return { type: 'number', value: parseNumber(parts[0], element) };
}

function csymbolKind(el: XmlElement, element: string): 'time' | 'avogadro' | 'delay' | 'rateOf' {
  const url = (el.attrs.definitionURL ?? '').trim();
  if (url.startsWith(CSYMBOL_BASE)) {
    const k = url.slice(CSYMBOL_BASE.length);
    if (k === 'time' || k === 'avogadro' || k === 'delay' || k === 'rateOf') return k;
  }
  return fail(`unknown csymbol definitionURL ${JSON.stringify(url.slice(0, 80))}`, element);
}

const CONSTANTS: Readonly<Record<string, number>> = {
  true: 1,
  false: 0,
  pi: Math.PI,
  exponentiale: Math.E,
  infinity: Number.POSITIVE_INFINITY,
  notanumber: Number.NaN,
};

function readNode(el: XmlElement, element: string, depth: number): MathExpr {
  if (depth > 500) fail('expression nested too deeply', element);
  switch (el.name) {
    case 'cn':
      return readCn(el, element);
    case 'ci':
      if (el.text === '') fail('empty <ci>', element);
      return { type: 'symbol', name: el.text };
    case 'csymbol': {
      const k = csymbolKind(el, element);
      if (k === 'time') return { type: 'time' };
      if (k === 'avogadro') return { type: 'avogadro' };
      return fail(`csymbol ${k} must be the head of an <apply>`, element);
    }
    case 'piecewise': {
      const pieces: { value: MathExpr; condition: MathExpr }[] = [];
      let otherwise: MathExpr | undefined;
      for (const c of el.children) {
        if (c.name === 'piece') {
          const args = c.children.map(unwrapSemantics);
          if (args.length !== 2) fail('<piece> needs a value and a condition', element);
          pieces.push({
            value: readNode(args[0], element, depth + 1),
            condition: readNode(args[1], element, depth + 1),
          });
        } else if (c.name === 'otherwise') {
          const args = c.children.map(unwrapSemantics);
          if (args.length !== 1 || otherwise !== undefined)
            fail('<otherwise> needs exactly one expression', element);
          otherwise = readNode(args[0], element, depth + 1);
        } else fail(`unexpected <${c.name.slice(0, 30)}> in <piecewise>`, element);
      }
      return otherwise === undefined
        ? { type: 'piecewise', pieces }
        : { type: 'piecewise', pieces, otherwise };
    }
    case 'apply':
      return readApply(el, element, depth);
    case 'semantics':
      return readNode(unwrapSemantics(el), element, depth + 1);
    default:
      if (Object.hasOwn(CONSTANTS, el.name) && el.children.length === 0)
        return { type: 'number', value: CONSTANTS[el.name] };
      return fail(`unsupported MathML element <${el.name.slice(0, 30)}>`, element);
  }
}

function readApply(el: XmlElement, element: string, depth: number): MathExpr {
  const kids = el.children.map(unwrapSemantics);
  if (kids.length === 0) fail('empty <apply>', element);
  const head = kids[0];
  let qualifier: MathExpr | undefined;
  const args: MathExpr[] = [];
  for (const c of kids.slice(1)) {
    if (c.name === 'logbase' || c.name === 'degree') {
      const q = c.children.map(unwrapSemantics);
      if (q.length !== 1) fail(`<${c.name}> needs one expression`, element);
      qualifier = readNode(q[0], element, depth + 1);
    } else args.push(readNode(c, element, depth + 1));
  }
  if (head.name === 'ci') {
    if (head.text === '') fail('empty function name', element);
    return { type: 'call', name: head.text, args };
  }
  if (head.name === 'csymbol') {
    const k = csymbolKind(head, element);
    if (k === 'delay' || k === 'rateOf') return { type: 'apply', op: k, args: checkArity(k, args, element) };
    return fail(`csymbol ${k} cannot be applied`, element);
  }
  if (!MATH_OPS.has(head.name) || head.name === 'rateOf' || head.name === 'delay')
    fail(`unsupported operator <${head.name.slice(0, 30)}>`, element);
  const op = head.name as MathOp;
  if (op === 'log') {
    // log without <logbase> is base 10.
    return {
      type: 'apply',
      op,
      args: [qualifier ?? { type: 'number', value: 10 }, ...checkArity('log1', args, element)],
    };
  }
  if (op === 'root') {
    return {
      type: 'apply',
      op,
      args: [qualifier ?? { type: 'number', value: 2 }, ...checkArity('root1', args, element)],
    };
  }
  if (qualifier !== undefined) fail(`<${op}> takes no qualifier`, element);
  return { type: 'apply', op, args: checkArity(op, args, element) };
}

const UNARY = new Set([
  'abs',
  'exp',
  'ln',
  'floor',
  'ceiling',
  'factorial',
  'not',
  ...TRIG_OPS,
  'log1',
  'root1',
  'rateOf',
]);
const BINARY = new Set(['divide', 'power', 'quotient', 'rem', 'implies', 'delay', 'neq']);

function checkArity(op: string, args: MathExpr[], element: string): MathExpr[] {
  const n = args.length;
  const name = op.replace(/1$/, '');
  if (UNARY.has(op) && n !== 1) fail(`<${name}> takes 1 argument, got ${n}`, element);
  if (BINARY.has(op) && n !== 2) fail(`<${name}> takes 2 arguments, got ${n}`, element);
  if (op === 'minus' && (n < 1 || n > 2)) fail(`<minus> takes 1 or 2 arguments, got ${n}`, element);
  if ((op === 'max' || op === 'min') && n < 1) fail(`<${op}> needs at least one argument`, element);
  return args;
}
