import { OdeonError } from '@odeon/ode';
import { type MathExpr, type MathOp, TRIG_OPS } from './ast.ts';

/**
 * Parses an infix formula (`"k1*A^2*B/(Km + A)"`) into a {@link MathExpr}.
 *
 * Grammar: numbers (`1`, `2.5e-3`), identifiers, `+ - * / ^` (right-associative power), unary `-` and `!`,
 * comparisons `< <= > >= == !=`, `&&`, `||`, parentheses and calls. Names with fixed meaning: `time` (the
 * simulation time), `avogadro`, `pi`, `exponentiale`, `true`, `false`, `inf`/`infinity`, `nan`/`notanumber`.
 * Functions: `exp ln log(x) (natural) log10 log(base, x) sqrt pow root(n, x) abs floor ceil ceiling factorial
 * min max rem quotient sin cos tan sec csc cot sinh cosh tanh sech csch coth asin acos atan (and the
 * arc… MathML spellings) asinh acosh atanh piecewise(v1, c1, [v2, c2, ...,] otherwise) and or xor not
 * rateOf(x)`; any other called name refers to a user function definition.
 *
 * @throws OdeonError `ModelFormatError` with the position of the problem.
 */
export function parseFormula(text: string, element = 'formula'): MathExpr {
  if (typeof text !== 'string')
    throw new OdeonError('ModelFormatError', `${element}: expected a formula string.`, {
      element,
      hint: 'Write the expression as a string, e.g. "k1*A".',
    });
  if (text.length > 100_000)
    throw new OdeonError('InputTooLarge', `${element}: formula longer than 100000 characters.`, {
      element,
      hint: 'Split it with assignment rules.',
    });
  return new FormulaParser(text, element).parse();
}

type Token =
  | { kind: 'num'; value: number; pos: number }
  | { kind: 'id'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'end'; pos: number };

const OPERATORS = ['<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '^', '(', ')', ',', '<', '>', '!'];

const NAMED_CONSTANTS: Readonly<Record<string, MathExpr>> = {
  pi: { type: 'number', value: Math.PI },
  exponentiale: { type: 'number', value: Math.E },
  true: { type: 'number', value: 1 },
  false: { type: 'number', value: 0 },
  inf: { type: 'number', value: Number.POSITIVE_INFINITY },
  infinity: { type: 'number', value: Number.POSITIVE_INFINITY },
  nan: { type: 'number', value: Number.NaN },
  notanumber: { type: 'number', value: Number.NaN },
  time: { type: 'time' },
  avogadro: { type: 'avogadro' },
};

const FUNCTIONS: Readonly<Record<string, MathOp>> = {
  exp: 'exp',
  ln: 'ln',
  abs: 'abs',
  floor: 'floor',
  ceil: 'ceiling',
  ceiling: 'ceiling',
  factorial: 'factorial',
  min: 'min',
  max: 'max',
  rem: 'rem',
  quotient: 'quotient',
  // every MathML trigonometric name, plus the usual short inverse names
  ...Object.fromEntries(TRIG_OPS.map((op) => [op, op])),
  asin: 'arcsin',
  acos: 'arccos',
  atan: 'arctan',
  asinh: 'arcsinh',
  acosh: 'arccosh',
  atanh: 'arctanh',
  and: 'and',
  or: 'or',
  xor: 'xor',
  not: 'not',
  rateOf: 'rateOf',
  pow: 'power',
  power: 'power',
  eq: 'eq',
  neq: 'neq',
  gt: 'gt',
  lt: 'lt',
  geq: 'geq',
  leq: 'leq',
  plus: 'plus',
  times: 'times',
  divide: 'divide',
};

class FormulaParser {
  private readonly tokens: Token[] = [];
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly element: string,
  ) {
    this.tokenize();
  }

  private fail(message: string, at: number): never {
    throw new OdeonError(
      'ModelFormatError',
      `${this.element}: ${message} at position ${at + 1} of ${JSON.stringify(this.text.length > 80 ? `${this.text.slice(0, 77)}...` : this.text)}.`,
      {
        element: this.element,
        value: at,
        hint: 'Formulas use infix syntax such as "k1*A*B/(Km + A)".',
      },
    );
  }

  private tokenize(): void {
    const s = this.text;
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        i++;
        continue;
      }
      const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s.slice(i, i + 64));
      if (num) {
        this.tokens.push({ kind: 'num', value: Number(num[0]), pos: i });
        i += num[0].length;
        continue;
      }
      const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i, i + 256));
      if (id) {
        this.tokens.push({ kind: 'id', value: id[0], pos: i });
        i += id[0].length;
        continue;
      }
      const op = OPERATORS.find((o) => s.startsWith(o, i));
      if (!op) this.fail(`unexpected character ${JSON.stringify(c)}`, i);
      this.tokens.push({ kind: 'op', value: op, pos: i });
      i += op.length;
    }
    this.tokens.push({ kind: 'end', pos: s.length });
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) this.fail(`expected "${v}"`, this.peek().pos);
    this.pos++;
  }

  parse(): MathExpr {
    const e = this.or();
    const t = this.peek();
    if (t.kind !== 'end') this.fail('unexpected input', t.pos);
    return e;
  }

  private guard<T>(f: () => T): T {
    if (++this.depth > 300) this.fail('expression nested too deeply', this.peek().pos);
    const r = f();
    this.depth--;
    return r;
  }

  private binary(next: () => MathExpr, ops: Readonly<Record<string, MathOp>>): MathExpr {
    let left = next();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !(t.value in ops)) return left;
      this.pos++;
      const right = next();
      const op = ops[t.value];
      left = { type: 'apply', op, args: [left, right] };
    }
  }

  private or = (): MathExpr => this.guard(() => this.binary(this.and, { '||': 'or' }));
  private and = (): MathExpr => this.binary(this.cmp, { '&&': 'and' });
  private cmp = (): MathExpr => {
    const left = this.add();
    const t = this.peek();
    const ops: Record<string, MathOp> = {
      '<': 'lt',
      '<=': 'leq',
      '>': 'gt',
      '>=': 'geq',
      '==': 'eq',
      '!=': 'neq',
    };
    if (t.kind === 'op' && t.value in ops) {
      this.pos++;
      return { type: 'apply', op: ops[t.value], args: [left, this.add()] };
    }
    return left;
  };
  private add = (): MathExpr => this.binary(this.mul, { '+': 'plus', '-': 'minus' });
  private mul = (): MathExpr => this.binary(this.unary, { '*': 'times', '/': 'divide' });
  private unary = (): MathExpr =>
    this.guard(() => {
      if (this.isOp('-')) {
        this.pos++;
        const a = this.unary();
        return a.type === 'number'
          ? { type: 'number', value: -a.value }
          : { type: 'apply', op: 'minus', args: [a] };
      }
      if (this.isOp('+')) {
        this.pos++;
        return this.unary();
      }
      if (this.isOp('!')) {
        this.pos++;
        return { type: 'apply', op: 'not', args: [this.unary()] };
      }
      return this.power();
    });
  private power = (): MathExpr => {
    const base = this.primary();
    if (this.isOp('^')) {
      this.pos++;
      return { type: 'apply', op: 'power', args: [base, this.unary()] };
    }
    return base;
  };

  private primary(): MathExpr {
    const t = this.peek();
    if (t.kind === 'num') {
      this.pos++;
      return { type: 'number', value: t.value };
    }
    if (t.kind === 'op' && t.value === '(') {
      this.pos++;
      const e = this.or();
      this.expectOp(')');
      return e;
    }
    if (t.kind !== 'id') return this.fail('expected a number, a name or "("', t.pos);
    this.pos++;
    if (!this.isOp('(')) {
      // own keys only: an id such as `constructor` or `__proto__` is a symbol, not Object.prototype's
      const c = Object.hasOwn(NAMED_CONSTANTS, t.value) ? NAMED_CONSTANTS[t.value] : undefined;
      return c ?? { type: 'symbol', name: t.value };
    }
    this.pos++;
    const args: MathExpr[] = [];
    if (!this.isOp(')')) {
      args.push(this.or());
      while (this.isOp(',')) {
        this.pos++;
        args.push(this.or());
      }
    }
    this.expectOp(')');
    return this.call(t.value, args, t.pos);
  }

  private call(name: string, args: MathExpr[], pos: number): MathExpr {
    const arity = (n: number): void => {
      if (args.length !== n)
        this.fail(`${name} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`, pos);
    };
    switch (name) {
      case 'sqrt':
        arity(1);
        return { type: 'apply', op: 'root', args: [{ type: 'number', value: 2 }, args[0]] };
      case 'root':
        arity(2);
        return { type: 'apply', op: 'root', args };
      case 'log10':
        arity(1);
        return { type: 'apply', op: 'log', args: [{ type: 'number', value: 10 }, args[0]] };
      case 'log':
        if (args.length === 1) return { type: 'apply', op: 'ln', args };
        arity(2);
        return { type: 'apply', op: 'log', args };
      case 'piecewise': {
        if (args.length === 0) this.fail('piecewise needs arguments', pos);
        const pieces: { value: MathExpr; condition: MathExpr }[] = [];
        for (let i = 0; i + 1 < args.length; i += 2) pieces.push({ value: args[i], condition: args[i + 1] });
        return args.length % 2 === 1
          ? { type: 'piecewise', pieces, otherwise: args[args.length - 1] }
          : { type: 'piecewise', pieces };
      }
      default:
        break;
    }
    const op = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (op === undefined) return { type: 'call', name, args };
    const unary = ![
      'min',
      'max',
      'and',
      'or',
      'xor',
      'rem',
      'quotient',
      'power',
      'eq',
      'neq',
      'gt',
      'lt',
      'geq',
      'leq',
      'plus',
      'times',
      'divide',
    ].includes(name);
    if (unary) arity(1);
    else if (['rem', 'quotient', 'power', 'pow', 'divide', 'neq'].includes(name)) arity(2);
    else if (args.length === 0 && (name === 'min' || name === 'max'))
      this.fail(`${name} needs arguments`, pos);
    return { type: 'apply', op, args };
  }
}
