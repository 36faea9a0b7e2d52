import type { OdeProblem } from '@odeon/ode';
import { flatten, type Tensor, tensor, vjp } from '@odeon/tensor';
import { numericJacobian } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import { expect } from 'vitest';
import type { OdeModel, ParamTree } from '../model.ts';

/**
 * Checks a model's solver problem: jacobian, vjp (y and p), vjpY (when present) and jvp against
 * central differences of its own rhs, and (when `field` is given) rhs and the vjp against the tensor
 * path.
 */
export function checkProblem(
  model: OdeModel,
  y: Float64Array,
  t: number,
  field?: (tree: ParamTree, y: Tensor) => Tensor,
  tol = { rtol: 1e-6, atol: 1e-8 },
): void {
  const n = model.n;
  const problem: OdeProblem = model.problem({ y0: y, t0: 0, t1: 1 });
  const p = Float64Array.from(problem.p as ArrayLike<number>);
  const f = (yy: Float64Array, pp: Float64Array = p): Float64Array => {
    const out = new Float64Array(n);
    problem.rhs(t, yy, pp, out);
    return out;
  };
  const J = new Float64Array(n * n);
  problem.jacobian?.(t, y, p, J);
  expect(J).toBeAllclose(numericJacobian((yy) => f(yy), y).J, tol);
  const Jp = numericJacobian((pp) => f(y, pp), p).J;
  const v = Float64Array.from({ length: n }, (_, i) => Math.cos(1 + 2 * i));
  const u = Float64Array.from({ length: n }, (_, i) => Math.sin(0.5 + i));
  const outY = new Float64Array(n);
  const outP = new Float64Array(model.np).fill(Number.NaN);
  problem.vjp?.(t, y, p, v, outY, outP);
  const refY = new Float64Array(n);
  const refP = new Float64Array(model.np);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) refY[j] += v[i] * J[i * n + j];
    for (let j = 0; j < model.np; j++) refP[j] += v[i] * Jp[i * model.np + j];
  }
  expect(outY).toBeAllclose(refY, { rtol: 1e-12, atol: 1e-13 });
  expect(outP).toBeAllclose(refP, tol);
  if (problem.vjpY) {
    // the state-only VJP must equal the full VJP's state part (and so vᵀJ)
    const onlyY = new Float64Array(n).fill(Number.NaN);
    problem.vjpY(t, y, p, v, onlyY);
    expect(onlyY).toBeAllclose(refY, { rtol: 1e-12, atol: 1e-13 });
  }
  const jv = new Float64Array(n);
  problem.jvp?.(t, y, p, u, jv);
  const refJv = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) refJv[i] += J[i * n + j] * u[j];
  expect(jv).toBeAllclose(refJv, { rtol: 1e-12, atol: 1e-13 });
  if (field) {
    const tree = model.paramTree(p);
    expect(f(y)).toBeAllclose(field(tree, tensor(y)).toFloat64(), { rtol: 1e-13, atol: 1e-15 });
    const pull = vjp((tr: ParamTree) => field(tr, tensor(y)), tree).vjp(tensor(v));
    expect(outP).toBeAllclose(flatten(pull), { rtol: 1e-11, atol: 1e-13 });
    const pullY = vjp((yy: Tensor) => field(tree, yy), tensor(y)).vjp(tensor(v));
    expect(outY).toBeAllclose(pullY.toFloat64(), { rtol: 1e-11, atol: 1e-13 });
  }
}
