/** Matrix products. */
import { OdeonError } from '@odeon/core';
import { apply } from './engine.ts';
import { broadcastShapes } from './internal/shape.ts';
import { reshape } from './ops-shape.ts';
import type { Tensor } from './tensor.ts';

/**
 * Matrix product with NumPy semantics: `[..., m, k] @ [..., k, n] → [..., m, n]`, batch axes
 * broadcast; a 1-D operand is a row (left) or column (right) vector and its axis is dropped.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank === 0 || b.rank === 0)
    throw new OdeonError('ShapeMismatch', 'matmul: operands must have at least one axis.', {
      hint: 'Use mul() for scalars.',
    });
  const a2 = a.rank === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.rank === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const m = a2.shape[a2.rank - 2];
  const k = a2.shape[a2.rank - 1];
  const kb = b2.shape[b2.rank - 2];
  const n = b2.shape[b2.rank - 1];
  if (k !== kb)
    throw new OdeonError(
      'ShapeMismatch',
      `matmul: inner dimensions differ: [${a.shape.join(',')}] @ [${b.shape.join(',')}].`,
    );
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2), 'matmul');
  const out = apply('matmul', [a2, b2], {}, [...batch, m, n]);
  if (a.rank === 1 && b.rank === 1) return reshape(out, []);
  if (a.rank === 1) return reshape(out, [...batch, n]);
  if (b.rank === 1) return reshape(out, [...batch, m]);
  return out;
}

/** Dot product of two vectors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  return matmul(a, b);
}
