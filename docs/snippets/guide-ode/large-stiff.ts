// #region example
import { solve } from '@odeon/ode';
import { bruss2d } from '@odeon/ode/problems';

// The 2-D Brusselator on a 16×16 periodic grid: n = 512 states, 6 non-zeros per Jacobian row.
const problem = bruss2d({ N: 16, source: 'off' });
const { n, rowPtr } = problem.jacobianSparsity; // CSR: row i's columns are colIdx[rowPtr[i] .. rowPtr[i+1])
console.log(`n = ${n}, Jacobian non-zeros = ${rowPtr[n]} (dense would be ${n * n})`);

// BDF with a sparse LU of I − hγJ; `sparseJacobian` writes only the non-zeros.
const sol = solve({ ...problem, t1: 1 }, { method: 'bdf', rtol: 1e-6, atol: 1e-8, saveAt: [1] });
console.log(`${sol.stats.acceptedSteps} steps, ${sol.stats.luFactorizations} sparse LU factorisations`);

// Without sparseJacobian, a coloured finite-difference Jacobian needs one RHS call per colour.
const fd = solve(
  { ...problem, t1: 1, sparseJacobian: undefined },
  { method: 'bdf', rtol: 1e-6, atol: 1e-8, saveAt: [1] },
);
let diff = 0;
for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(fd.y[i] - sol.y[i]));
console.log(`coloured differences agree to ${diff.toExponential(1)}`);
// #endregion example

export { diff, fd, sol };
