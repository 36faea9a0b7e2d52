import { loadReference, scaledErrorVsReference } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { LOTKA, ROBER, VDPOL } from '../problems/index.ts';
import { solve } from '../solve.ts';

describe('auto: Tsit5 with stiffness detection, switching to Rodas5P and back', () => {
  it('stays on Tsit5 on a non-stiff problem: its Rodas5P probes back off (≤ 1.1× the work of tsit5)', () => {
    const sol = solve(LOTKA, { method: 'auto', rtol: 1e-8, atol: 1e-11 });
    const tsit = solve(LOTKA, { method: 'tsit5', rtol: 1e-8, atol: 1e-11 });
    // every probe goes back (an even number of switches), and the probes are few (doubling intervals)
    expect(sol.stats.stiffnessSwitches % 2).toBe(0);
    expect(sol.stats.stiffnessSwitches).toBeLessThanOrEqual(8);
    expect(sol.stats.rhsEvals + sol.stats.luFactorizations).toBeLessThanOrEqual(1.1 * tsit.stats.rhsEvals);
  });

  it('switches to the stiff method on ROBER and stays accurate', () => {
    const ref = loadReference('rober');
    const sol = solve(ROBER, { method: 'auto', rtol: 1e-6, atol: 1e-14, saveAt: ref.times });
    expect(sol.stats.stiffnessSwitches).toBeGreaterThanOrEqual(1);
    expect(sol.stats.jacobianEvals).toBeGreaterThan(0);
    expect(scaledErrorVsReference(ref, sol.y, 1e-6, 1e-14)).toBeLessThan(100);
  });

  it('switches both ways on Van der Pol (µ = 1000), where Tsit5 alone cannot finish', () => {
    const sol = solve(VDPOL, { method: 'auto', rtol: 1e-6, atol: 1e-12, dense: true });
    expect(sol.stats.stiffnessSwitches).toBeGreaterThanOrEqual(2);
    // the dense output is continuous across the switches (checked against the reference at its times)
    const ref = loadReference('vdpol');
    const y = new Float64Array(ref.times.length * 2);
    for (let k = 0; k < ref.times.length; k++) y.set(sol.interpolate(ref.times[k]), 2 * k);
    expect(scaledErrorVsReference(ref, y, 1e-6, 1e-12)).toBeLessThan(100);
    expect(() =>
      solve(VDPOL, { method: 'tsit5', rtol: 1e-6, atol: 1e-12, maxSteps: 20 * sol.stats.steps }),
    ).toThrowOdeonError('MaxStepsReached');
  });

  it.each([1e-11, 1e-14])(
    'ROBER to t = 100 at rtol 1e-8, atol %s: at most 1.5× the RHS + LU work of rodas5p (accuracy-limited stiffness)',
    (atol) => {
      const problem = { ...ROBER, t1: 100 };
      const auto = solve(problem, { method: 'auto', rtol: 1e-8, atol });
      const rodas = solve(problem, { method: 'rodas5p', rtol: 1e-8, atol });
      const work = (s: typeof auto.stats) => s.rhsEvals + s.luFactorizations;
      expect(work(auto.stats)).toBeLessThanOrEqual(1.5 * work(rodas.stats));
      // it got there by switching: every switch is counted
      expect(auto.stats.stiffnessSwitches).toBeGreaterThanOrEqual(1);
      expect(auto.stats.jacobianEvals).toBeGreaterThan(0);
      const ref = solve(problem, { method: 'rodas5p', rtol: 1e-12, atol: atol * 1e-3 });
      const last = (s: typeof auto) => s.y.subarray(s.y.length - 3);
      const a = last(auto);
      const r = last(ref);
      for (let i = 0; i < 3; i++)
        expect(Math.abs(a[i] - r[i])).toBeLessThan(1e3 * (1e-8 * Math.abs(r[i]) + atol));
    },
  );

  it('a probe that does not pay returns to Tsit5 and is counted (Lotka at loose tolerance)', () => {
    const sol = solve(LOTKA, { method: 'auto', rtol: 1e-4, atol: 1e-7 });
    // each switch to Rodas5P is matched by one back, so the count is even and the solve ends on Tsit5
    expect(sol.stats.stiffnessSwitches % 2).toBe(0);
    const tsit = solve(LOTKA, { method: 'tsit5', rtol: 1e-4, atol: 1e-7 });
    expect(sol.stats.rhsEvals).toBeLessThanOrEqual(1.5 * tsit.stats.rhsEvals);
  });
});
