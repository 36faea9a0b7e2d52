import { OdeonError } from '@odeon/ode';
import { AVOGADRO, type MathExpr } from '../ast.ts';
import type { Dag, NodeId } from './dag.ts';
import { type LowerContext, semantic } from './lower-context.ts';
import { lowerOperator } from './lower-operators.ts';

export function lowerMath(
  cx: LowerContext,
  expr: MathExpr,
  scope: ReadonlyMap<string, NodeId>,
  init: boolean,
  element: string,
  depth = 0,
): NodeId {
  const d = init ? cx.initDag : cx.dag;
  if (depth > 400)
    throw new OdeonError('InputTooLarge', `Expression in ${element} is nested too deeply.`, {
      element,
      hint: 'Function definitions may be calling each other too deeply.',
    });
  const L = (x: MathExpr): NodeId => cx.lower(x, scope, init, element, depth + 1);
  switch (expr.type) {
    case 'number':
      return d.const(expr.value);
    case 'time':
      return d.t();
    case 'avogadro':
      return d.const(AVOGADRO);
    case 'symbol': {
      const local = scope.get(expr.name);
      if (local !== undefined) return local;
      if (!cx.symbols.has(expr.name))
        throw semantic(
          `${element} refers to an undeclared symbol ${expr.name}.`,
          element,
          'Declare it as a parameter, species, compartment or reaction.',
        );
      return init ? cx.initValue(expr.name) : cx.value(expr.name);
    }
    case 'piecewise': {
      let acc = expr.otherwise ? L(expr.otherwise) : d.const(Number.NaN);
      for (let i = expr.pieces.length - 1; i >= 0; i--)
        acc = d.select(d.truth(L(expr.pieces[i].condition)), L(expr.pieces[i].value), acc);
      return acc;
    }
    case 'call': {
      const f = cx.functions.get(expr.name);
      if (!f)
        throw semantic(
          `${element} calls an undefined function ${expr.name}.`,
          element,
          'Declare it in listOfFunctionDefinitions.',
        );
      if (f.params.length !== expr.args.length)
        throw semantic(
          `${element} calls ${expr.name} with ${expr.args.length} arguments; it takes ${f.params.length}.`,
          element,
          'Fix the call.',
        );
      const inner = new Map<string, NodeId>();
      for (let i = 0; i < f.params.length; i++) inner.set(f.params[i], L(expr.args[i]));
      return cx.lower(f.body, inner, init, element, depth + 20);
    }
    case 'apply':
      return lowerApply(cx, expr.op, expr.args, L, d, init, element, scope);
  }
}

export function lowerApply(
  cx: LowerContext,
  op: string,
  args: readonly MathExpr[],
  L: (x: MathExpr) => NodeId,
  d: Dag,
  init: boolean,
  element: string,
  scope: ReadonlyMap<string, NodeId>,
): NodeId {
  if (op === 'rateOf') {
    const a = args[0];
    if (a.type !== 'symbol')
      throw semantic(
        `rateOf in ${element} must be applied to a symbol.`,
        element,
        'Write rateOf(<ci> id </ci>).',
      );
    if (cx.rateOfIsZero) return d.const(0);
    // A local parameter (or function argument) shadows the global symbol: differentiate what it stands for.
    const local = scope.get(a.name);
    if (local !== undefined) {
      if (!init) return cx.timeDerivative(local);
      if (d.node(local).op === 'p' || d.isConst(local)) return d.const(0);
      throw new OdeonError(
        'UnsupportedSbmlFeature',
        `rateOf of a function argument in the initial value of ${element} is not supported.`,
        {
          feature: 'rateOf',
          element,
          hint: 'Apply rateOf to a model symbol outside the function definition.',
        },
      );
    }
    const info = cx.symbols.get(a.name);
    if (!info) throw semantic(`rateOf of undeclared ${a.name}.`, element, 'Declare it.');
    if (cx.dae.has(a.name))
      throw new OdeonError(
        'UnsupportedSbmlFeature',
        `rateOf(${a.name}) in ${element}: ${a.name} is determined by a nonlinear algebraic rule.`,
        {
          feature: 'rateOf',
          element,
          hint: 'The rate of an algebraic state is not available; differentiate its rule by hand in an assignment rule.',
        },
      );
    const rate =
      info.role === 'state' && info.stores === 'value'
        ? cx.rhsOf(info.index)
        : cx.timeDerivative(cx.value(a.name));
    // In initial values, the rate at t0: the RHS graph evaluated at the initial state and parameters.
    return init ? cx.toInit(rate) : rate;
  }
  if (op === 'delay') {
    // Before t0 the history is the initial state, so initial values see the undelayed value.
    if (init) return L(args[0]);
    const value = L(args[0]);
    const lag = L(args[1]);
    const key = `${value}:${lag}`;
    const memo = cx.delayMemo.get(key);
    if (memo !== undefined) return memo;
    const slot = d.p(cx.paramIds.length + cx.delays.length);
    const outer = cx.rateOfIsZero;
    cx.rateOfIsZero = true;
    const before = L(args[0]);
    cx.rateOfIsZero = outer;
    cx.delays.push({ value, lag, before });
    cx.delayMemo.set(key, slot);
    return slot;
  }
  const x = args.map(L);
  return lowerOperator(op, x, d, element);
}
