import { loadReference, scaledErrorVsReference } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { LOTKA, ROBER, VDPOL } from '../problems/index.ts';
import { solve } from '../solve.ts';

describe('auto: Tsit5 with stiffness detection, switching to Rodas5P and back', () => {
  it('never switches on a non-stiff problem', () => {
    const sol = solve(LOTKA, { method: 'auto', rtol: 1e-8, atol: 1e-11 });
    expect(sol.stats.stiffnessSwitches).toBe(0);
    expect(sol.stats.jacobianEvals).toBe(0);
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
});
