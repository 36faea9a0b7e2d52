// #region example
import { grad, hessian, jvp, matmul, square, sub, sum, tanh, tensor, valueAndGrad } from '@odeon/tensor';

// Least squares: loss(w) = Σ (X w − y)², for a 4×2 design matrix.
const X = tensor([
  [1, 0.5],
  [1, 1.5],
  [1, 2.5],
  [1, 3.5],
]);
const y = tensor([1.2, 2.1, 2.9, 4.2]);
const loss = (w: typeof y) => sum(square(sub(matmul(X, w), y)));

const w = tensor([0.5, 0.5]);
const { value, grad: g } = valueAndGrad(loss)(w); // reverse mode
console.log(`loss(w) = ${value.item().toFixed(6)}`);
console.log(`∇loss(w) = [${Array.from(g.toFloat64(), (v) => v.toFixed(6)).join(', ')}]`);

// Second order: the Hessian of a least-squares loss is 2 XᵀX, whatever w is.
const H = hessian(loss)(w);
console.log(`Hessian = ${JSON.stringify(Array.from(H.toFloat64()))} (shape ${H.shape.join('×')})`);

// Forward mode: the directional derivative of a vector field f(z) = tanh(z) along u.
const { tangent } = jvp((z: typeof y) => tanh(z), tensor([0, 1]), tensor([1, 1]));
console.log(`d/dε tanh(z + εu) = [${Array.from(tangent.toFloat64(), (v) => v.toFixed(6)).join(', ')}]`);

// grad composes: the gradient of the gradient's squared norm.
const gg = grad((v: typeof y) => sum(square(grad(loss)(v))))(w);
console.log(`∇‖∇loss‖² = [${Array.from(gg.toFloat64(), (v) => v.toFixed(4)).join(', ')}]`);

// #endregion example

export { g, gg, H, tangent, value };
