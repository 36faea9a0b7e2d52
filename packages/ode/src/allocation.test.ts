import { countAllocations } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { chain, STANDARD_PROBLEMS } from './problems/index.ts';
import { solve } from './solve.ts';
import type { MethodName } from './solve-options.ts';

describe('inner loops allocate nothing', () => {
  it.each([
    ['tsit5', 'lotka'],
    ['dop853', 'lotka'],
    ['rodas5p', 'rober'],
    ['rosenbrock23', 'hires'],
    ['auto', 'vdpol'],
    ['bdf', 'rober'],
  ] as const)('%s on %s: Float64Array allocations do not grow with the number of steps', (method, name) => {
    const prob = STANDARD_PROBLEMS[name];
    const run = (rtol: number) => () =>
      solve(prob, {
        method: method as MethodName,
        rtol,
        atol: rtol * prob.atolFactor,
        saveAt: [prob.t0, prob.t1],
      });
    // warm up (JIT), then compare a loose and a tight solve (several times more steps)
    run(1e-4)();
    const loose = countAllocations(run(1e-4));
    const tight = countAllocations(run(1e-8));
    const stepsLoose = run(1e-4)().stats.steps;
    const stepsTight = run(1e-8)().stats.steps;
    expect(stepsTight).toBeGreaterThan(2 * stepsLoose);
    expect(tight).toBe(loose);
  });

  it('bdf with the sparse LU (chain, n = 98): Float64Array allocations do not grow with the number of steps', () => {
    const prob = chain({ n: 98 });
    const run = (rtol: number) => () =>
      solve(prob, { method: 'bdf', rtol, atol: rtol * prob.atolFactor, saveAt: [prob.t0, prob.t1] });
    run(1e-4)();
    const loose = countAllocations(run(1e-4));
    const tight = countAllocations(run(1e-8));
    expect(run(1e-8)().stats.steps).toBeGreaterThan(2 * run(1e-4)().stats.steps);
    expect(tight).toBe(loose);
  });
});

describe('gradient passes allocate only by doubling their records', () => {
  it.each([
    ['discrete', 'rodas5p', 'rober'],
    ['discrete', 'tsit5', 'lotka'],
    ['quadrature', 'rodas5p', 'rober'],
    ['forward', 'rodas5p', 'rober'],
    ['backsolve', 'dopri5', 'lotka'],
  ] as const)(
    '%s with %s on %s: allocations grow at most logarithmically in the steps',
    async (kind, method, name) => {
      const { gradient } = await import('./sensitivity/gradient.ts');
      const prob = STANDARD_PROBLEMS[name];
      const loss = {
        value: (_i: number, _t: number, y: Float64Array) => y[0],
        grad: (_i: number, _t: number, _y: Float64Array, out: Float64Array) => {
          out[0] = 1;
        },
      };
      const run = (rtol: number) => () =>
        gradient(prob, {
          method,
          rtol,
          atol: rtol * prob.atolFactor,
          saveAt: [prob.t1],
          loss,
          sensitivity: { kind },
        });
      run(1e-4)();
      const loose = countAllocations(run(1e-4));
      const tight = countAllocations(run(1e-8));
      const stepsLoose = run(1e-4)().stats.forward.steps;
      const stepsTight = run(1e-8)().stats.forward.steps;
      expect(stepsTight).toBeGreaterThan(2 * stepsLoose);
      // a handful of growable buffers, each doubling: O(log(steps)) more allocations, none per step
      expect(tight - loose).toBeLessThanOrEqual(8 * Math.ceil(Math.log2(stepsTight / stepsLoose)) + 8);
    },
  );
});
