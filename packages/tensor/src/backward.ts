/**
 * The reverse pass: walks the graph recorded by `apply` in reverse with the rules of `rules.ts`. The
 * rules are written in differentiable ops, so with `createGraph` the backward pass records its own
 * graph and can be differentiated again.
 */
import { OdeonError } from '@odeon/core';
import { apply, noGrad, withRecording } from './engine.ts';
import { shapesEqual } from './internal/shape.ts';
import { rules } from './rules.ts';
import type { GraphNode, Tensor } from './tensor.ts';

/**
 * @internal Reverse pass: cotangents of `targets` given `seeds` for `roots`. Returns `null` for a
 * target the roots do not depend on.
 */
export function backward(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  targets: readonly Tensor[],
  createGraph: boolean,
): (Tensor | null)[] {
  let minId = Number.POSITIVE_INFINITY;
  const targetNodes = new Set<GraphNode>();
  for (const t of targets) {
    if (t.node === null) throw new Error('internal: backward target is not tracked');
    targetNodes.add(t.node);
    if (t.node.id < minId) minId = t.node.id;
  }
  // Iterative post-order DFS restricted to nodes at least as new as the oldest target.
  const order: GraphNode[] = [];
  const visited = new Set<GraphNode>();
  const stack: { node: GraphNode; next: number }[] = [];
  for (const r of roots) {
    if (r.node === null || r.node.id < minId || visited.has(r.node)) continue;
    visited.add(r.node);
    stack.push({ node: r.node, next: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const inputs = targetNodes.has(top.node) ? [] : top.node.inputs;
      if (top.next < inputs.length) {
        const child = inputs[top.next++].node;
        if (child !== null && child.id >= minId && !visited.has(child)) {
          visited.add(child);
          stack.push({ node: child, next: 0 });
        }
      } else {
        order.push(top.node);
        stack.pop();
      }
    }
  }
  const cot = new Map<GraphNode, Tensor>();
  const body = () => {
    for (let i = 0; i < roots.length; i++) {
      const r = roots[i];
      if (r.node === null || r.node.id < minId) continue;
      if (!shapesEqual(seeds[i].shape, r.shape))
        throw new OdeonError(
          'ShapeMismatch',
          `Cotangent shape [${seeds[i].shape.join(',')}] does not match output shape [${r.shape.join(',')}].`,
        );
      accumulate(cot, r.node, seeds[i]);
    }
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k];
      if (targetNodes.has(node)) continue;
      const g = cot.get(node);
      if (g === undefined) continue;
      cot.delete(node);
      const needs = node.inputs.map((x) => x.node !== null && x.node.id >= minId);
      const rule = rules[node.op] as RuleFn;
      const grads = rule(g, node.inputs, node.out as Tensor, node.attrs, needs);
      for (let i = 0; i < node.inputs.length; i++) {
        const gi = grads[i];
        const child = node.inputs[i].node;
        if (gi != null && needs[i] && child !== null) accumulate(cot, child, gi);
      }
    }
    return targets.map((t) => cot.get(t.node as GraphNode) ?? null);
  };
  return createGraph ? withRecording(body) : noGrad(body);
}

type RuleFn = (
  g: Tensor,
  inputs: readonly Tensor[],
  out: Tensor,
  attrs: unknown,
  needs: readonly boolean[],
) => readonly (Tensor | null)[];

function accumulate(cot: Map<GraphNode, Tensor>, node: GraphNode, g: Tensor): void {
  const prev = cot.get(node);
  if (prev === undefined) cot.set(node, g);
  else {
    const out = node.out as Tensor;
    cot.set(node, apply('add', [prev, g], {}, out.shape));
  }
}
