/**
 * The expression AST shared by every model source (SBML MathML, the JSON/builder formula strings) and
 * every back end (code generation, the interpreter, symbolic differentiation, SBML export).
 */

/** The trigonometric and hyperbolic functions of MathML (all unary). */
export const TRIG_OPS = [
  'sin',
  'cos',
  'tan',
  'sec',
  'csc',
  'cot',
  'sinh',
  'cosh',
  'tanh',
  'sech',
  'csch',
  'coth',
  'arcsin',
  'arccos',
  'arctan',
  'arcsec',
  'arccsc',
  'arccot',
  'arcsinh',
  'arccosh',
  'arctanh',
  'arcsech',
  'arccsch',
  'arccoth',
] as const;

/** A trigonometric or hyperbolic function name. */
export type TrigOp = (typeof TRIG_OPS)[number];

/** Built-in operators: MathML core element names, plus the SBML csymbols `rateOf` and `delay`. */
export type MathOp =
  // arithmetic
  | 'plus'
  | 'minus'
  | 'times'
  | 'divide'
  | 'power'
  | 'root'
  | 'abs'
  | 'exp'
  | 'ln'
  | 'log'
  | 'floor'
  | 'ceiling'
  | 'factorial'
  | 'quotient'
  | 'rem'
  | 'max'
  | 'min'
  // relational (n-ary: every adjacent pair)
  | 'eq'
  | 'neq'
  | 'gt'
  | 'lt'
  | 'geq'
  | 'leq'
  // logical
  | 'and'
  | 'or'
  | 'xor'
  | 'not'
  | 'implies'
  // trigonometric and hyperbolic
  | TrigOp
  // SBML csymbols used as functions
  | 'rateOf'
  | 'delay';

/** Every operator, for membership tests. */
export const MATH_OPS: ReadonlySet<string> = new Set<MathOp>([
  'plus',
  'minus',
  'times',
  'divide',
  'power',
  'root',
  'abs',
  'exp',
  'ln',
  'log',
  'floor',
  'ceiling',
  'factorial',
  'quotient',
  'rem',
  'max',
  'min',
  'eq',
  'neq',
  'gt',
  'lt',
  'geq',
  'leq',
  'and',
  'or',
  'xor',
  'not',
  'implies',
  ...TRIG_OPS,
  'rateOf',
  'delay',
]);

/** A mathematical expression. Booleans are numbers (1 true, 0 false), as SBML L3V2 allows. */
export type MathExpr =
  | { readonly type: 'number'; readonly value: number }
  /** A model symbol (`<ci>`): species, compartment, parameter, species reference, reaction, bound variable. */
  | { readonly type: 'symbol'; readonly name: string }
  /** The csymbol `time`. */
  | { readonly type: 'time' }
  /** The csymbol `avogadro` (6.02214179e23, the value SBML L3 fixes). */
  | { readonly type: 'avogadro' }
  | { readonly type: 'apply'; readonly op: MathOp; readonly args: readonly MathExpr[] }
  /** A call of a user function definition. */
  | { readonly type: 'call'; readonly name: string; readonly args: readonly MathExpr[] }
  | {
      readonly type: 'piecewise';
      readonly pieces: readonly { readonly value: MathExpr; readonly condition: MathExpr }[];
      readonly otherwise?: MathExpr;
    };

/** The value of Avogadro's constant used by SBML Level 3. */
export const AVOGADRO = 6.02214179e23;

/** Small constructors, for readable code in the reader and builder. */
export const num = (value: number): MathExpr => ({ type: 'number', value });
/** Builds a symbol node of the expression AST (a species, parameter, compartment or function argument). */
export const sym = (name: string): MathExpr => ({ type: 'symbol', name });
/** Builds an operator application node of the expression AST. */
export const apply = (op: MathOp, ...args: MathExpr[]): MathExpr => ({ type: 'apply', op, args });

/** Visits every node of an expression (pre-order). */
export function walkMath(expr: MathExpr, visit: (node: MathExpr) => void): void {
  visit(expr);
  switch (expr.type) {
    case 'apply':
    case 'call':
      for (const a of expr.args) walkMath(a, visit);
      return;
    case 'piecewise':
      for (const p of expr.pieces) {
        walkMath(p.value, visit);
        walkMath(p.condition, visit);
      }
      if (expr.otherwise) walkMath(expr.otherwise, visit);
      return;
    default:
      return;
  }
}

/** The symbol names an expression refers to. */
export function mathSymbols(expr: MathExpr): Set<string> {
  const out = new Set<string>();
  walkMath(expr, (n) => {
    if (n.type === 'symbol') out.add(n.name);
  });
  return out;
}
