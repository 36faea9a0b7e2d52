import { bench, describe } from 'vitest';
import { solveDde } from './solve-dde.ts';

// vitest bench: `pnpm --filter @odeon/ode bench`. The error against the analytic solution is printed once
// (y′ = −y(t − 1), y = 1 before 0; exact on [k−1, k] is a polynomial of degree k).
function exact(t: number): number {
  let s = 0;
  let fact = 1;
  for (let k = 0; k <= Math.ceil(t); k++) {
    if (k > 0) fact *= k;
    const u = t - k + 1;
    if (u > 0) s += ((-1) ** k * u ** k) / fact;
  }
  return s;
}

const problem = {
  n: 1,
  lags: [1],
  t0: 0,
  t1: 10,
  history: (_t: number, out: Float64Array) => out.fill(1),
  rhs: (
    _t: number,
    _y: Float64Array,
    lagged: readonly Float64Array[],
    _p: Float64Array,
    dydt: Float64Array,
  ) => {
    dydt[0] = -lagged[0][0];
  },
};

describe('y′ = −y(t − 1) on [0, 10]', () => {
  for (const method of ['tsit5', 'rodas5p'] as const) {
    const sol = solveDde(problem, { method, rtol: 1e-8, atol: 1e-10 });
    console.log(
      `${method}: |error| at t = 10: ${Math.abs(sol.interpolate(10)[0] - exact(10)).toExponential(2)}, ` +
        `rhs evals ${sol.stats.rhsEvals}, steps ${sol.stats.steps}, segments ${sol.breakpoints.length - 1}`,
    );
    bench(`${method} rtol 1e-8`, () => void solveDde(problem, { method, rtol: 1e-8, atol: 1e-10 }));
  }
});
