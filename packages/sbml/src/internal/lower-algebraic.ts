import { OdeonError } from '@odeon/ode';
import { type MathExpr, walkMath } from '../ast.ts';
import type { SpeciesReference } from '../model.ts';
import type { NodeId } from './dag.ts';
import type { LowerContext } from './lower-context.ts';

/**
 * Assigns each algebraic rule the variable it determines: a bipartite matching of rules to the
 * symbols they mention that nothing else determines (not constant, no rule, not changed by reactions).
 */
export function matchAlgebraicRules(
  cx: LowerContext,
  reactive: ReadonlySet<string>,
  refs: readonly SpeciesReference[],
): void {
  const rules = cx.model.rules.flatMap((r, i) =>
    r.kind === 'algebraic' ? [{ math: r.math, element: r.id ?? `algebraicRule #${i + 1}` }] : [],
  );
  if (rules.length === 0) return;
  const m = cx.model;
  const free = new Set<string>();
  const undetermined = (id: string) => !cx.assignmentRules.has(id) && !cx.rateRules.has(id);
  for (const c of m.compartments) if (!c.constant && undetermined(c.id)) free.add(c.id);
  for (const p of m.parameters) if (!p.constant && undetermined(p.id)) free.add(p.id);
  for (const s of m.species)
    if (!s.constant && (s.boundaryCondition || !reactive.has(s.id)) && undetermined(s.id)) free.add(s.id);
  for (const sr of refs) if (!sr.constant && sr.id !== undefined && undetermined(sr.id)) free.add(sr.id);
  const candidates = rules.map((r) => [...cx.symbolsOf(r.math)].filter((x) => free.has(x)));
  const owner = new Map<string, number>();
  const tryRule = (i: number, seen: Set<string>): boolean => {
    for (const x of candidates[i]) {
      if (seen.has(x)) continue;
      seen.add(x);
      const j = owner.get(x);
      if (j === undefined || tryRule(j, seen)) {
        owner.set(x, i);
        return true;
      }
    }
    return false;
  };
  rules.forEach((r, i) => {
    if (!tryRule(i, new Set()))
      throw new OdeonError(
        'UnsupportedSbmlFeature',
        `The algebraic rule ${r.element} determines no variable that is not already determined (an overdetermined or differential-algebraic system).`,
        {
          feature: 'algebraicRule',
          element: r.element,
          hint: 'Odeon solves algebraic rules that determine a non-constant parameter, compartment or species otherwise undetermined.',
        },
      );
  });
  for (const [x, i] of owner) cx.algebraic.set(x, rules[i]);
}

/** Symbols an expression mentions, looking through function calls (their bodies see only arguments). */
export function symbolsOf(cx: LowerContext, expr: MathExpr): Set<string> {
  const out = new Set<string>();
  walkMath(expr, (n) => {
    if (n.type === 'symbol' && !cx.functions.has(n.name)) out.add(n.name);
  });
  return out;
}

/** Raised while lowering when an algebraic rule is not affine in its variable (caught by `lowerModel`). */
export class NeedsDae extends Error {
  constructor(readonly variable: string) {
    super(`${variable} needs an algebraic state`);
  }
}

/**
 * The value of x from its algebraic rule 0 = g(x) when g is affine in x (x = −g(0)/g′); otherwise
 * throws `NeedsDae`, and x becomes an algebraic state of an index-1 DAE.
 */
export function solveAlgebraic(cx: LowerContext, x: string, init: boolean): NodeId {
  const { math, element } = cx.algebraic.get(x) as { math: MathExpr; element: string };
  const d = init ? cx.initDag : cx.dag;
  // A marker leaf stands for x: p indices beyond every real parameter are never evaluated.
  const marker = d.p(1_000_000_000 + cx.algebraic.size);
  const g = cx.lower(math, new Map([[x, marker]]), init, `algebraic rule ${element}`);
  const slope = d.diff(g, marker);
  if (d.isConst(slope, 0))
    throw new OdeonError(
      'UnsupportedSbmlFeature',
      `The algebraic rule ${element} does not depend on ${x}, the variable it was matched to.`,
      {
        feature: 'algebraicRule',
        element,
        hint: 'Each algebraic rule must determine one variable (an index-1 system); check the rules.',
      },
    );
  // not affine in x: x becomes an algebraic state of an index-1 DAE (`lowerModel` lowers again)
  if (d.topo([slope]).includes(marker)) throw new NeedsDae(x);
  const offset = cx.lower(math, new Map([[x, d.const(0)]]), init, `algebraic rule ${element}`);
  return d.div(d.neg(offset), slope);
}
