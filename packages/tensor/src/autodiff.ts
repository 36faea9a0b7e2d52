/**
 * The transformations: `vjp`, `grad`, `valueAndGrad` (reverse mode), `jvp` (forward mode),
 * `jacobian`, `hvp`. They nest freely (grad of grad, grad of a function containing a vjp, jacobian
 * of a grad) because every rule is written in differentiable ops and a backward pass records its own
 * graph whenever an outer transformation is active.
 *
 * Forward mode propagates tangents through the primitives with the tangent-rule table
 * (`jvp-rules.ts`): one sweep, no graph, levels keep nested jvps apart.
 */
import { OdeonError } from '@odeon/core';
import { backward } from './backward.ts';
import { fromValues, onesLike, zerosLike } from './creation.ts';
import {
  copyTangents,
  forwardLevel,
  inTransform,
  needsCreateGraph,
  tangentOf,
  track,
  withTangent,
} from './engine.ts';
import { shapesEqual } from './internal/shape.ts';
import { activeRecorder } from './internal/trace-state.ts';
import { jvpRules } from './jvp-rules.ts';
import { reshape, stack } from './ops-shape.ts';
import { Tensor } from './tensor.ts';
import { type Tree, treeFromLeaves, treeLeaves } from './tree.ts';

/** Result of `vjp`: the value of f(x) and its pullback. */
export interface VjpResult<X extends Tree, Y extends Tree> {
  readonly value: Y;
  /** Maps a cotangent shaped like the output to one shaped like the input: ctᵀ·∂f/∂x. */
  readonly vjp: (cotangent: Y) => X;
}

/** Cuts `t` from the reverse graph, keeping its forward-mode tangents (results handed back to a caller). */
function detach(t: Tensor): Tensor {
  if (t.node === null) return t;
  const d = new Tensor(t.impl, t.data, t.shape);
  copyTangents(t, d);
  activeRecorder()?.alias(d, t);
  return d;
}

function detachAll<T extends Tree>(x: T): T {
  return treeFromLeaves(x, treeLeaves(x).map(detach));
}

/** Returns `x` as a constant: no gradient flows back through it and it carries no tangent. */
export function stopGradient<T extends Tree>(x: T): T {
  return treeFromLeaves(
    x,
    treeLeaves(x).map((t) => {
      const d = new Tensor(t.impl, t.data, t.shape);
      activeRecorder()?.alias(d, t);
      return d;
    }),
  );
}

/** Evaluates f at x and returns the pullback (reverse mode). Inputs and outputs may be trees. */
export function vjp<X extends Tree, Y extends Tree>(f: (x: X) => Y, x: X): VjpResult<X, Y> {
  const nested = needsCreateGraph();
  const leaves = treeLeaves(x);
  const xTracked = leaves.some((l) => l.node !== null);
  const tracked = leaves.map(track);
  const y = inTransform(() => f(treeFromLeaves(x, tracked)));
  const yLeaves = treeLeaves(y);
  const value = nested || xTracked ? y : detachAll(y);
  return {
    value,
    vjp: (cotangent: Y): X => {
      const ct = treeLeaves(cotangent);
      if (ct.length !== yLeaves.length)
        throw new OdeonError(
          'ShapeMismatch',
          `vjp: cotangent has ${ct.length} leaves, output has ${yLeaves.length}.`,
        );
      const createGraph = needsCreateGraph() || nested || xTracked || ct.some((c) => c.node !== null);
      const gs = backward(yLeaves, ct, tracked, createGraph);
      return treeFromLeaves(
        x,
        gs.map((g, i) => g ?? zerosLike(leaves[i])),
      );
    },
  };
}

/** Value and gradient of a scalar function; extra arguments are passed through undifferentiated. */
export function valueAndGrad<X extends Tree, A extends unknown[]>(
  f: (x: X, ...args: A) => Tensor,
): (x: X, ...args: A) => { readonly value: Tensor; readonly grad: X } {
  return (x, ...args) => {
    const r = vjp((xx: X) => f(xx, ...args), x);
    if (!(r.value instanceof Tensor) || r.value.size !== 1)
      throw new OdeonError('ShapeMismatch', 'grad: the function must return a one-element tensor.', {
        hint: 'Reduce the output (sum, mean) or use vjp/jacobian for vector outputs.',
      });
    return { value: r.value, grad: r.vjp(onesLike(r.value)) };
  };
}

/** Gradient of a scalar function with respect to its first argument (a tensor or a tree). */
export function grad<X extends Tree, A extends unknown[]>(
  f: (x: X, ...args: A) => Tensor,
): (x: X, ...args: A) => X {
  const vg = valueAndGrad(f);
  return (x, ...args) => vg(x, ...args).grad;
}

/** Result of `jvp`. */
export interface JvpResult<Y extends Tree> {
  readonly value: Y;
  /** ∂f/∂x · tangent, shaped like the output. */
  readonly tangent: Y;
}

/** Forward mode: f(x) and the directional derivative ∂f/∂x·v (tangent rules, one sweep). */
export function jvp<X extends Tree, Y extends Tree>(f: (x: X) => Y, x: X, tangent: X): JvpResult<Y> {
  const xl = treeLeaves(x);
  const vl = treeLeaves(tangent);
  if (vl.length !== xl.length)
    throw new OdeonError('ShapeMismatch', `jvp: tangent has ${vl.length} leaves, input has ${xl.length}.`);
  for (let i = 0; i < xl.length; i++)
    if (!shapesEqual(xl[i].shape, vl[i].shape))
      throw new OdeonError(
        'ShapeMismatch',
        `jvp: tangent leaf ${i} has shape [${vl[i].shape.join(',')}], input [${xl[i].shape.join(',')}].`,
      );
  return forwardLevel(jvpRules, (level) => {
    const y = f(
      treeFromLeaves(
        x,
        xl.map((xi, i) => withTangent(xi, level, vl[i])),
      ),
    );
    const yl = treeLeaves(y);
    return {
      value: y,
      tangent: treeFromLeaves(
        y,
        yl.map((yi) => tangentOf(yi, level) ?? zerosLike(yi)),
      ),
    };
  });
}

/** Options of `jacobian`. */
export interface JacobianOptions {
  /** `reverse` (one pullback per output), `forward` (one pushforward per input) or `auto` (fewer sweeps). */
  readonly mode?: 'auto' | 'forward' | 'reverse';
}

function unit(n: number, i: number, like: Tensor, shape: readonly number[]): Tensor {
  const v = new Float64Array(n);
  v[i] = 1;
  return fromValues(v, shape, like.backend);
}

/** The Jacobian of f: shape `[...f(x).shape, ...x.shape]`. */
export function jacobian(f: (x: Tensor) => Tensor, options: JacobianOptions = {}): (x: Tensor) => Tensor {
  return (x) => {
    const mode = options.mode ?? 'auto';
    const outer = needsCreateGraph() || x.node !== null;
    return inTransform(() => {
      const r = vjp(f, x);
      const y = r.value;
      const m = y.size;
      const n = x.size;
      const useForward = mode === 'forward' || (mode === 'auto' && n < m);
      if (!useForward) {
        const rows: Tensor[] = [];
        for (let i = 0; i < m; i++) rows.push(reshape(r.vjp(unit(m, i, y, y.shape)), [n]));
        const J = m === 0 ? zerosLike(fromValues(new Float64Array(0), [0, n], x.backend)) : stack(rows, 0);
        return reshape(outer ? J : detach(J), [...y.shape, ...x.shape]);
      }
      const cols: Tensor[] = [];
      for (let j = 0; j < n; j++) cols.push(reshape(jvp(f, x, unit(n, j, x, x.shape)).tangent, [m]));
      const J = stack(cols, 1);
      return reshape(outer ? J : detach(J), [...y.shape, ...x.shape]);
    });
  };
}

/** Hessian–vector product ∇²f(x)·v of a scalar function (forward over reverse: one jvp of the gradient). */
export function hvp(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  return jvp(grad(f), x, v).tangent;
}

/** The Hessian of a scalar function, shape `[...x.shape, ...x.shape]`. */
export function hessian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return jacobian(grad(f), { mode: 'reverse' });
}
