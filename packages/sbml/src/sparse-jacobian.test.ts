import { solve, validatePattern } from '@odeon/ode';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.ts';
import { compileModel, SPARSE_MIN_STATES } from './compile.ts';
import { simulate } from './simulate.ts';

/** A linear cascade S0 → S1 → … with reversible binding to one enzyme per stage (3 species per stage). */
function cascade(stages: number) {
  const b = new ModelBuilder('cascade');
  for (let i = 0; i < stages; i++) {
    b.species(`A${i}`, i === 0 ? 1 : 0.1)
      .species(`E${i}`, 0.5)
      .species(`C${i}`, 0);
    b.parameter(`kf${i}`, 100 * (1 + (i % 3)))
      .parameter(`kb${i}`, 1 + (i % 2))
      .parameter(`kc${i}`, 10 ** ((i % 5) - 2));
  }
  b.species(`A${stages}`, 0);
  for (let i = 0; i < stages; i++) {
    b.reaction(`A${i} + E${i} <-> C${i}`, `kf${i}*A${i}*E${i} - kb${i}*C${i}`);
    b.reaction(`C${i} -> A${i + 1} + E${i}`, `kc${i}*C${i}`);
  }
  return compileModel(b.build());
}

describe('sparse ∂f/∂y and ∂f/∂p of compiled models', () => {
  it('hold exactly the structural non-zeros and agree with the dense kernels', () => {
    const m = cascade(20);
    const { n, np } = m;
    const pat = m.sparse.jacobianSparsity;
    validatePattern(pat, n);
    const y = Float64Array.from({ length: n }, (_, i) => 0.3 + 0.01 * i);
    const J = new Float64Array(n * n);
    m.jacobian(0, y, m.p, J);
    const vals = new Float64Array(pat.rowPtr[n]);
    m.sparse.sparseJacobian(0, y, m.p, vals);
    const back = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let q = pat.rowPtr[i]; q < pat.rowPtr[i + 1]; q++) back[i * n + pat.colIdx[q]] = vals[q];
    expect(back).toEqual(J);
    // structural: every (i, j) with a non-zero dense entry is in the pattern, and the pattern is far from dense
    expect(pat.rowPtr[n]).toBeLessThan(8 * n);
    const pp = m.sparse.paramJacobianSparsity;
    const Jp = new Float64Array(n * np);
    m.paramJacobian(0, y, m.p, Jp);
    const pv = new Float64Array(pp.rowPtr[n]);
    m.sparse.sparseParamJacobian(0, y, m.p, pv);
    const backP = new Float64Array(n * np);
    for (let i = 0; i < n; i++)
      for (let q = pp.rowPtr[i]; q < pp.rowPtr[i + 1]; q++) backP[i * np + pp.colIdx[q]] = pv[q];
    expect(backP).toEqual(Jp);
  });

  it(`large models (n ≥ ${SPARSE_MIN_STATES}) simulate with BDF on the sparse Jacobian, matching a dense Rodas5P solve`, () => {
    const m = cascade(70); // n = 211
    expect(m.n).toBeGreaterThanOrEqual(SPARSE_MIN_STATES);
    const problem = m.problem(0, 20);
    expect(problem.jacobianSparsity).toBeDefined();
    const course = simulate(m, { t1: 20, steps: 4, rtol: 1e-8, atol: 1e-12 });
    const dense = solve({ ...problem, jacobianSparsity: undefined, sparseJacobian: undefined } as never, {
      method: 'rodas5p',
      rtol: 1e-10,
      atol: 1e-14,
      saveAt: [20],
    });
    const last = course.values.subarray(4 * course.names.length);
    // the course reports concentrations in compartment size 1: equal to amounts
    const idx = m.stateIds.map((id) => course.names.indexOf(id));
    for (let i = 0; i < m.n; i++)
      expect(Math.abs(last[idx[i]] - dense.y[i])).toBeLessThan(1e-6 * (1 + Math.abs(dense.y[i])));
  });
});
