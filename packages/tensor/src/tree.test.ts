import { describe, expect, it } from 'vitest';
import * as T from './index.ts';

describe('parameter trees', () => {
  const tree = {
    w: T.tensor([1, 2, 3, 4], [2, 2]),
    b: T.tensor([5, 6]),
    layers: [T.tensor(7), { z: T.tensor([8]), a: T.tensor([9, 10]) }] as const,
  };

  it('flatten visits leaves depth-first with sorted object keys', () => {
    // keys sorted: b, layers, w; inside layers[1]: a, z
    expect(T.flatten(tree)).toEqual(new Float64Array([5, 6, 7, 9, 10, 8, 1, 2, 3, 4]));
    expect(T.treeSize(tree)).toBe(10);
  });

  it('unflatten inverts flatten and keeps shapes', () => {
    const v = T.flatten(tree).map((x) => x * 10);
    const back = T.unflatten(tree, v);
    expect(back.w.shape).toEqual([2, 2]);
    expect(back.w.toFloat64()).toEqual(new Float64Array([10, 20, 30, 40]));
    expect(back.layers[1].a.toFloat64()).toEqual(new Float64Array([90, 100]));
    expect(T.flatten(back)).toEqual(v);
  });

  it('treeMap combines trees leafwise', () => {
    const s = T.treeMap((a, b) => T.add(a, b), tree, tree);
    expect(T.flatten(s)).toEqual(T.flatten(tree).map((x) => 2 * x));
  });

  it('unflatten rejects a vector of the wrong length', () => {
    expect(() => T.unflatten(tree, new Float64Array(3))).toThrowOdeonError('ShapeMismatch');
  });
});
