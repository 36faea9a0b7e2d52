// The example of README.md (included from the regions below by `pnpm readme:sync`), with assertions
// outside them.
// biome-ignore-all assist/source/organizeImports: the imports region holds only the README's imports
// #region imports
import { grad, jvp, matmul, randn, sumSquares, type Tensor, tanh, tensor, vjp } from '@odeon/tensor';
// #endregion imports
import type {} from '@odeon/testkit/setup';
import { expect, it } from 'vitest';
import { sum } from './index.ts';

it('README example: vjp, jvp, grad of a vjp', () => {
  // #region readme
  const W = randn([3, 3], { seed: 1 });
  const f = (y: Tensor) => tanh(matmul(W, y)); // a vector field
  const y = tensor([0.1, -0.2, 0.3]);

  const { value, vjp: pullback } = vjp(f, y); // reverse mode
  const vJ = pullback(tensor([1, 0, 0])); // vᵀ ∂f/∂y
  const { tangent } = jvp(f, y, tensor([0, 1, 0])); // forward mode: ∂f/∂y · u

  // A Jacobian-norm penalty ‖vᵀ ∂f/∂y‖² and its gradient (second order: grad of a vjp).
  const penalty = (y: Tensor) => sumSquares(vjp(f, y).vjp(tensor([1, 1, 1])));
  const g = grad(penalty)(y);
  // #endregion readme

  const w = W.toFloat64();
  const yv = [0.1, -0.2, 0.3];
  const expected = [0, 1, 2].map((i) =>
    Math.tanh(w[3 * i] * yv[0] + w[3 * i + 1] * yv[1] + w[3 * i + 2] * yv[2]),
  );
  expect(value.toFloat64()).toBeAllclose(expected, { rtol: 1e-14 });
  // vJ is row 0 of the Jacobian, tangent its column 1: both equal J[0][1] in the shared entry.
  expect(vJ.toFloat64()[1]).toBeCloseTo(tangent.toFloat64()[0], 14);
  expect(g.shape).toEqual([3]);
  expect(Number.isFinite(sum(g).item())).toBe(true);
});
