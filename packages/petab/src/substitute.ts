import type { MathExpr } from '@odeon/sbml';

/** `expr` with the symbols in `map` replaced. */
export function substitute(expr: MathExpr, map: ReadonlyMap<string, MathExpr>): MathExpr {
  switch (expr.type) {
    case 'symbol':
      return map.get(expr.name) ?? expr;
    case 'apply':
      return { ...expr, args: expr.args.map((a) => substitute(a, map)) };
    case 'call':
      return { ...expr, args: expr.args.map((a) => substitute(a, map)) };
    case 'piecewise':
      return {
        type: 'piecewise',
        pieces: expr.pieces.map((p) => ({
          value: substitute(p.value, map),
          condition: substitute(p.condition, map),
        })),
        ...(expr.otherwise === undefined ? {} : { otherwise: substitute(expr.otherwise, map) }),
      };
    default:
      return expr;
  }
}
