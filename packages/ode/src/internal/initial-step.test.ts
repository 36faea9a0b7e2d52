import { describe, expect, it } from 'vitest';
import { solve } from '../solve.ts';

// The driver's first-step guess (Hairer's, `initialStep` in integrate.ts). A state within its tolerance
// made it 0.01·d0/d1 ≈ 1e-17 and the solve stopped with StepSizeTooSmall at t0.
describe('initial step for a state tiny against atol', () => {
  it.each(['tsit5', 'dopri5', 'rodas5p', 'rodas4', 'bdf', 'auto'] as const)(
    '%s starts and is accurate',
    (method) => {
      // y′ = t − 2 from y(1) = 2e-17 (a restart at a DDE breakpoint where the solution crosses zero)
      const sol = solve(
        { rhs: (t, _y, _p, d) => void (d[0] = t - 2), y0: [2e-17], t0: 1, t1: 2 },
        { method, rtol: 1e-10, atol: 1e-12, saveAt: [2] },
      );
      expect(sol.y[0]).toBeCloseTo(-0.5, 9);
      expect(sol.stats.steps).toBeLessThan(2000);
    },
  );

  it('late in time: the first step stays above what t can resolve', () => {
    const t0 = 1e9;
    const sol = solve(
      { rhs: (t, _y, _p, d) => void (d[0] = Math.cos(t - t0)), y0: [1e-15], t0, t1: t0 + 1 },
      { method: 'tsit5', rtol: 1e-8, atol: 1e-12, saveAt: [t0 + 1] },
    );
    expect(sol.y[0]).toBeCloseTo(Math.sin(1), 6);
  });
});
