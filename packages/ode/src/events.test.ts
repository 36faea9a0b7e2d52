import { describe, expect, it } from 'vitest';
import { solve } from './solve.ts';
import type { MethodName } from './solve-options.ts';
import type { OdeEvent, OdeProblem } from './types.ts';

const G = 9.81;
const ball: OdeProblem = {
  rhs: (_t, y, _p, dy) => {
    dy[0] = y[1];
    dy[1] = -G;
  },
  y0: [10, 0],
  t0: 0,
  t1: 8,
};

describe('events', () => {
  it.each(['tsit5', 'dopri5', 'dop853', 'bs3', 'rodas5p', 'rodas4', 'bdf', 'auto'] as const)(
    'bouncing ball with restitution 0.8 (%s): impact times and heights match the analytic solution',
    (method: MethodName) => {
      const e = 0.8;
      const bounce: OdeEvent = {
        condition: (_t, y) => y[0],
        direction: -1,
        affect: (_t, y) => {
          y[0] = 0;
          y[1] = -e * y[1];
        },
      };
      const sol = solve(ball, { method, rtol: 1e-10, atol: 1e-12, events: [bounce], dense: true });
      // analytic: first impact at √(2h/g) with speed v1 = g·t1; flight k lasts 2·e^k·v1/g
      const t1 = Math.sqrt((2 * 10) / G);
      const v1 = G * t1;
      const impacts = [t1];
      for (let k = 1; impacts.length < 6; k++) impacts.push(impacts[k - 1] + (2 * e ** k * v1) / G);
      const fired = sol.events.map((ev) => ev.t);
      expect(sol.events.every((ev) => ev.index === 0)).toBe(true);
      expect(fired.length).toBe(impacts.filter((t) => t <= 8).length);
      for (let k = 0; k < fired.length; k++)
        expect(Math.abs(fired[k] - impacts[k])).toBeLessThan(1e-9 * impacts[k]);
      // height at t = 7.5 (after the last impact before it)
      const last = impacts.filter((t) => t < 7.5).length - 1;
      const vUp = e ** (last + 1) * v1;
      const dt = 7.5 - impacts[last];
      expect(sol.interpolate(7.5)[0]).toBeCloseTo(vUp * dt - 0.5 * G * dt * dt, 6);
      expect(sol.status).toBe('success');
    },
  );

  it.each(['tsit5', 'rodas5p', 'dop853', 'rosenbrock23', 'bdf'] as const)(
    'a terminal event stops the integration at the root (%s)',
    (method) => {
      const sol = solve(
        { rhs: (_t, y, _p, dy) => void (dy[0] = -y[0]), y0: [1], t0: 0, t1: 10 },
        { method, rtol: 1e-8, atol: 1e-10, events: [{ condition: (_t, y) => y[0] - 0.25, terminal: true }] },
      );
      expect(sol.status).toBe('terminated');
      expect(sol.events).toHaveLength(1);
      // the root of the numerical solution's interpolant, within the solution's own error of ln 4
      expect(Math.abs(sol.events[0].t - Math.log(4))).toBeLessThan(method === 'rosenbrock23' ? 1e-4 : 1e-7);
      expect(sol.t[sol.t.length - 1]).toBe(sol.events[0].t);
    },
  );

  it('locates the root on the dense output to 1e-12 relative', () => {
    // y = t exactly representable by every interpolant: the root of y − 0.3 is 0.3
    const sol = solve(
      { rhs: (_t, _y, _p, dy) => void (dy[0] = 1), y0: [0], t0: 0, t1: 1 },
      { method: 'tsit5', events: [{ condition: (_t, y) => y[0] - 0.3 }] },
    );
    expect(Math.abs(sol.events[0].t - 0.3)).toBeLessThan(1e-12 * 0.3);
  });

  it('an event can change a parameter; the integration restarts cleanly', () => {
    // y' = −k·y, k = 1 until y = 1/2 (t = ln 2), then k = 2: y(t) = ½·e^{−2(t − ln 2)}
    const sol = solve(
      { rhs: (_t, y, p, dy) => void (dy[0] = -p[0] * y[0]), y0: [1], t0: 0, t1: 2, p: [1] },
      {
        method: 'tsit5',
        rtol: 1e-10,
        atol: 1e-12,
        saveAt: [0.5, 1, 2],
        events: [{ condition: (_t, y) => y[0] - 0.5, affect: (_t, _y, p) => void (p[0] = 2) }],
      },
    );
    expect(sol.events.length).toBe(1);
    expect(sol.events[0].t).toBeCloseTo(Math.LN2, 9);
    const exact = [Math.exp(-0.5), 0.5 * Math.exp(-2 * (1 - Math.LN2)), 0.5 * Math.exp(-2 * (2 - Math.LN2))];
    expect(sol.y).toBeAllclose(exact, { rtol: 1e-8, atol: 0 });
  });

  it('does not fire at t0 when the condition starts at zero, and respects direction', () => {
    const rhs = (_t: number, _y: Float64Array, _p: Float64Array, dy: Float64Array) => void (dy[0] = 1);
    const events: OdeEvent[] = [
      { condition: (_t, y) => y[0] }, // zero at t0, rising afterwards: never crosses
      { condition: (t) => Math.sin(t), direction: 1 }, // rising zeros: 2π only (t0 = 0 excluded)
      { condition: (t) => Math.sin(t), direction: -1 }, // falling zeros: π, 3π
    ];
    const sol = solve({ rhs, y0: [0], t0: 0, t1: 10 }, { method: 'tsit5', rtol: 1e-10, events });
    const byIndex = (i: number) => sol.events.filter((e) => e.index === i).map((e) => e.t);
    expect(byIndex(0)).toEqual([]);
    expect(byIndex(1).length).toBe(1);
    expect(byIndex(1)[0]).toBeCloseTo(2 * Math.PI, 8);
    expect(byIndex(2).length).toBe(2);
    expect(byIndex(2)[0]).toBeCloseTo(Math.PI, 8);
    expect(byIndex(2)[1]).toBeCloseTo(3 * Math.PI, 8);
  });

  it('fires simultaneous events together, in index order, and applies both affects', () => {
    const sol = solve(
      {
        rhs: (_t, _y, _p, dy) => {
          dy[0] = 1;
          dy[1] = 0;
        },
        y0: [0, 0],
        t0: 0,
        t1: 2,
      },
      {
        method: 'rodas5p',
        events: [
          { condition: (t) => t - 1, affect: (_t, y) => void (y[1] += 1) },
          { condition: (_t, y) => y[0] - 1, affect: (_t, y) => void (y[1] += 10) },
        ],
        saveAt: [2],
      },
    );
    expect(sol.events.map((e) => e.index)).toEqual([0, 1]);
    expect(sol.events[0].t).toBe(sol.events[1].t);
    expect(sol.y[1]).toBe(11);
  });

  it('hits tstops exactly and saves every step when saveAt is absent', () => {
    const sol = solve(
      { rhs: (_t, y, _p, dy) => void (dy[0] = -y[0]), y0: [1], t0: 0, t1: 3 },
      { method: 'tsit5', tstops: [0.1234567, 2.5] },
    );
    const ts = Array.from(sol.t);
    expect(ts).toContain(0.1234567);
    expect(ts).toContain(2.5);
    expect(ts[0]).toBe(0);
    expect(ts[ts.length - 1]).toBe(3);
  });

  it('many tstops do not cripple the step size (it is restored after each clamped step)', () => {
    const prob: OdeProblem = { rhs: (_t, y, _p, dy) => void (dy[0] = -y[0]), y0: [1], t0: 0, t1: 10 };
    const free = solve(prob, { method: 'tsit5', rtol: 1e-8 });
    // pairs of stops 1e-9 apart force a tiny step at each pair
    const tstops = Array.from({ length: 20 }, (_, i) => Math.floor(i / 2) + 0.5 + (i % 2) * 1e-9);
    const stopped = solve(prob, { method: 'tsit5', rtol: 1e-8, tstops });
    expect(stopped.stats.steps).toBeLessThan(free.stats.steps + 3 * tstops.length);
    expect(stopped.y[stopped.y.length - 1]).toBeCloseTo(Math.exp(-10), 9);
  });
});

describe('typed errors', () => {
  it('MaxStepsReached when maxSteps is too small', () => {
    expect(() =>
      solve(
        { rhs: (_t, y, _p, dy) => void (dy[0] = -y[0]), y0: [1], t0: 0, t1: 100 },
        { method: 'tsit5', maxSteps: 5 },
      ),
    ).toThrowOdeonError('MaxStepsReached');
  });

  it('blow-up ends in StepSizeTooSmall or NonFiniteState with t, never a hang', () => {
    // y' = y², y(0) = 1 blows up at t = 1
    for (const method of ['tsit5', 'rodas5p'] as const) {
      expect(() =>
        solve({ rhs: (_t, y, _p, dy) => void (dy[0] = y[0] * y[0]), y0: [1], t0: 0, t1: 2 }, { method }),
      ).toThrowOdeonError(['StepSizeTooSmall', 'NonFiniteState'], { t: expect.closeTo(1, 2) });
    }
  });

  it('NonFiniteState names the component when the RHS returns NaN', () => {
    const run = () =>
      solve(
        {
          rhs: (t, _y, _p, dy) => {
            dy[0] = 1;
            dy[1] = t > 0.5 ? Number.NaN : 1;
          },
          y0: [0, 0],
          t0: 0,
          t1: 1,
          names: ['a', 'b'],
        },
        { method: 'rk4', dt: 0.1 },
      );
    expect(run).toThrowOdeonError('NonFiniteState', { component: 1 });
    expect(run).toThrowError('b');
  });

  it('SingularMatrix when W = I/(hγ) − J stays singular', () => {
    // a Jacobian with an infinite entry makes every factorisation fail
    expect(() =>
      solve(
        {
          rhs: (_t, y, _p, dy) => void (dy[0] = -y[0]),
          jacobian: (_t, _y, _p, J) => void (J[0] = Number.POSITIVE_INFINITY),
          y0: [1],
          t0: 0,
          t1: 1,
        },
        { method: 'rodas5p' },
      ),
    ).toThrowOdeonError('SingularMatrix', { t: 0 });
  });

  it('InvalidProblem for non-finite initial values', () => {
    expect(() => solve({ rhs: () => {}, y0: [Number.NaN], t0: 0, t1: 1 })).toThrow(/y0\[0\]/);
  });
});
