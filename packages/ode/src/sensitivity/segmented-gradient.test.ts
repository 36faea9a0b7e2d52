/**
 * Gradients through events and tstops, against central differences of `solve` itself (same events,
 * tight tolerances), for every sensitivity kind.
 */
import { describe, expect, it } from 'vitest';
import { solve } from '../solve.ts';
import type { OdeEvent, OdeProblem, Vec } from '../types.ts';
import { gradient } from './gradient.ts';
import type { GradientLoss, SensitivityKind } from './types.ts';

const KINDS: readonly SensitivityKind[] = ['forward', 'quadrature', 'interpolating', 'backsolve', 'discrete'];

/** L = Σ_i w·y(t_i). */
function linear(w: readonly number[]): GradientLoss {
  return {
    value: (_i, _t, y) => w.reduce((s, wj, j) => s + wj * y[j], 0),
    grad: (_i, _t, _y, out) => {
      for (let j = 0; j < w.length; j++) out[j] = w[j];
    },
  };
}

/** Central differences of the loss on `solve`'s output (saveAt = times; the final row for a terminal event). */
function fdBySolve(
  make: (y0: number[], p: number[]) => OdeProblem,
  y0: number[],
  p: number[],
  events: readonly OdeEvent[],
  times: number[] | undefined,
  w: readonly number[],
  extra: { tstops?: number[] } = {},
): { dp: number[]; dy0: number[]; value: number } {
  const L = (yy: number[], pp: number[]) => {
    const s = solve(make(yy, pp), {
      method: 'rodas5p',
      rtol: 1e-11,
      atol: 1e-13,
      events,
      ...(times === undefined ? {} : { saveAt: times }),
      ...extra,
    });
    const rows = times === undefined ? [s.t.length - 1] : times.map((_, i) => i);
    let v = 0;
    for (const r of rows) for (let j = 0; j < w.length; j++) v += w[j] * s.y[r * s.n + j];
    return v;
  };
  const d = (f: (h: number) => number, x: number) => {
    const h = 1e-6 * Math.max(1, Math.abs(x));
    return (f(h) - f(-h)) / (2 * h);
  };
  const dp = p.map((pj, j) =>
    d((h) => {
      const q = p.slice();
      q[j] += h;
      return L(y0, q);
    }, pj),
  );
  const dy0 = y0.map((yj, j) =>
    d((h) => {
      const q = y0.slice();
      q[j] += h;
      return L(q, p);
    }, yj),
  );
  return { dp, dy0, value: L(y0, p) };
}

function expectClose(actual: Vec, expected: number[], rtol: number, atol: number): void {
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(atol + rtol * Math.abs(expected[i]));
  }
}

describe('bouncing ball (state event, affect on y through a parameter)', () => {
  // y = [height, velocity], p = [g, restitution]; L = height at t = 5 (after two bounces)
  const ball = (y0: number[], p: number[]): OdeProblem => ({
    rhs: (_t, y, pp, d) => {
      d[0] = y[1];
      d[1] = -pp[0];
    },
    y0,
    p,
    t0: 0,
    t1: 5,
  });
  const events: OdeEvent[] = [
    {
      condition: (_t, y) => y[0],
      direction: -1,
      affect: (_t, y, p) => {
        y[1] = -p[1] * y[1];
      },
    },
  ];
  const fd = fdBySolve(ball, [10, 0], [9.81, 0.8], events, [5], [1, 0]);

  it('finite differences of solve give the issue figures (dL/dg ≈ −0.934, dL/de ≈ 39.3)', () => {
    expect(fd.dp[0]).toBeCloseTo(-0.934, 3);
    expect(fd.dp[1]).toBeCloseTo(39.33, 2);
  });

  it.each(KINDS)('%s: dL/dg, dL/de and dL/dy0 match finite differences of solve', (kind) => {
    const g = gradient(ball([10, 0], [9.81, 0.8]), {
      events,
      saveAt: [5],
      rtol: 1e-10,
      atol: 1e-12,
      loss: linear([1, 0]),
      sensitivity: { kind },
    });
    expect(g.value).toBeCloseTo(fd.value, 8);
    expectClose(g.dp, fd.dp, 1e-5, 1e-6);
    expectClose(g.dy0, fd.dy0, 1e-5, 1e-6);
    // the free-fall answer (events ignored) would be −12.5
    expect(Math.abs(g.dp[0] + 12.5)).toBeGreaterThan(1);
  });

  it.each(['tsit5', 'dop853', 'auto'] as const)('%s with quadrature: the same gradient', (method) => {
    const g = gradient(ball([10, 0], [9.81, 0.8]), {
      events,
      method,
      saveAt: [5],
      rtol: 1e-10,
      atol: 1e-12,
      loss: linear([1, 0]),
      sensitivity: { kind: 'quadrature' },
    });
    expectClose(g.dp, fd.dp, 1e-5, 1e-6);
    expectClose(g.dy0, fd.dy0, 1e-5, 1e-6);
  });
});

describe('terminal event (the stopping time depends on p)', () => {
  // a projectile y = [x, z, vx, vz] under drag p[0], gravity p[1], launched at speed (p[2], p[3]);
  // it stops when it lands (z = 0 falling). L = x at landing: dL/dp goes through the stopping time.
  const shot = (y0: number[], p: number[]): OdeProblem => ({
    rhs: (_t, y, pp, d) => {
      d[0] = y[2];
      d[1] = y[3];
      d[2] = -pp[0] * y[2];
      d[3] = -pp[1] - pp[0] * y[3];
    },
    y0,
    p,
    t0: 0,
    t1: 100,
  });
  const events: OdeEvent[] = [{ condition: (_t, y) => y[1], direction: -1, terminal: true }];
  const y0 = [0, 0.5, 3, 4];
  const p = [0.1, 9.81];
  const fd = fdBySolve(shot, y0, p, events, undefined, [1, 0, 0, 0]);

  it.each(KINDS)('%s: dL/dp and dL/dy0 of the landing point', (kind) => {
    const g = gradient(shot(y0, p), {
      events,
      rtol: 1e-10,
      atol: 1e-12,
      loss: linear([1, 0, 0, 0]),
      sensitivity: { kind },
    });
    expect(g.value).toBeCloseTo(fd.value, 8);
    expectClose(g.dp, fd.dp, 1e-5, 1e-7);
    expectClose(g.dy0, fd.dy0, 1e-5, 1e-7);
  });
});

describe('dosing schedule (time events with affects on y and p, tstops)', () => {
  // one compartment, elimination p[0], doses of size p[1] at t = 2, 4, 6; the third dose also
  // doubles the elimination rate (an affect on p). L = Σ y at six times.
  const pk = (y0: number[], p: number[]): OdeProblem => ({
    rhs: (_t, y, pp, d) => {
      d[0] = -pp[0] * y[0];
      d[1] = pp[0] * y[0] - 0.3 * y[1];
    },
    y0,
    p,
    t0: 0,
    t1: 8,
  });
  const dose = (td: number, changeRate: boolean): OdeEvent => ({
    condition: (t) => t - td,
    direction: 1,
    affect: (_t, y, p) => {
      y[0] += p[1];
      if (changeRate) p[0] *= 2;
    },
  });
  const events = [dose(2, false), dose(4, false), dose(6, true)];
  const times = [1, 2.5, 3, 4.5, 6.5, 8];
  const y0 = [1, 0];
  const p = [0.7, 1.5];
  const tstops = [3.5];
  const fd = fdBySolve(pk, y0, p, events, times, [1, 1], { tstops });

  it.each(KINDS)('%s: gradient through the doses', (kind) => {
    const g = gradient(pk(y0, p), {
      events,
      tstops,
      saveAt: times,
      rtol: 1e-10,
      atol: 1e-12,
      loss: linear([1, 1]),
      sensitivity: { kind },
    });
    expect(g.value).toBeCloseTo(fd.value, 8);
    expectClose(g.dp, fd.dp, 1e-5, 1e-7);
    expectClose(g.dy0, fd.dy0, 1e-5, 1e-7);
  });
});

describe('event options are validated', () => {
  const prob: OdeProblem = {
    rhs: (_t, y, p, d) => {
      d[0] = -p[0] * y[0];
    },
    y0: [1],
    p: [1],
    t0: 0,
    t1: 1,
  };
  it('a non-finite tstop is refused with a typed error', () => {
    expect(() => gradient(prob, { tstops: [Number.NaN], loss: linear([1]) })).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });
  it('an event condition that is not a function is refused with a typed error', () => {
    const bad = [{ condition: 3 }] as unknown as OdeEvent[];
    expect(() => gradient(prob, { events: bad, loss: linear([1]) })).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });
});

describe('discrete through doses at tstops: the exact derivative of solve with its steps frozen', () => {
  // the dosing schedule above with every dose time a tstop: solve lands on each, so `discrete`
  // replays solve's own steps segment by segment and the jumps are exact
  const pk = (y0: ArrayLike<number>, p: ArrayLike<number>): OdeProblem => ({
    rhs: (_t, y, pp, d) => {
      d[0] = -pp[0] * y[0];
      d[1] = pp[0] * y[0] - 0.3 * Math.sin(y[1]);
    },
    // analytic: an FD Jacobian in solve's stage matrix would put its rounding noise into the differences
    jacobian: (_t, y, pp, J) => {
      J[0] = -pp[0];
      J[1] = 0;
      J[2] = pp[0];
      J[3] = -0.3 * Math.cos(y[1]);
    },
    paramJacobian: (_t, y, _pp, Jp) => {
      Jp[0] = -y[0];
      Jp[1] = 0;
      Jp[2] = y[0];
      Jp[3] = 0;
    },
    y0,
    p,
    t0: 0,
    t1: 8,
  });
  const dose = (td: number, changeRate: boolean): OdeEvent => ({
    condition: (t) => t - td,
    direction: 1,
    affect: (_t, y, p) => {
      y[0] += p[1];
      if (changeRate) p[0] *= 2;
    },
  });
  const events = [dose(2, false), dose(4, false), dose(6, true)];
  const times = [1, 2.5, 3, 4.5, 6.5, 8];
  const tstops = [2, 3.5, 4, 6];
  const y0 = [1, 0];
  const p = [0.7, 1.5];

  it.each(['rodas5p', 'rodas4', 'dopri5', 'tsit5', 'bs3', 'dop853'] as const)('%s', async (method) => {
    const { prepareSolve } = await import('../solve.ts');
    const { integrate } = await import('../internal/integrate.ts');
    const opts = { method, rtol: 1e-4, atol: 1e-7, saveAt: times, events, tstops } as const;
    const hs: number[] = [];
    const first = prepareSolve(pk(y0, p), opts);
    integrate(first.ctx, first.stepper, first.settings, { onStep: (_s, _t, h) => hs.push(h) });
    const steps = Float64Array.from(hs);
    /** L on solve replaying the recorded steps (events located again, doses applied). */
    const L = (yy: ArrayLike<number>, pp: ArrayLike<number>) => {
      const r = prepareSolve(pk(yy, pp), opts);
      const s = integrate(r.ctx, r.stepper, { ...r.settings, steps });
      let v = 0;
      for (let i = 0; i < s.y.length; i++) v += s.y[i];
      return v;
    };
    const central = (x: number[], f: (x: number[]) => number) =>
      x.map((xj, j) => {
        const h = 1e-6 * Math.max(1, Math.abs(xj));
        const a = x.slice();
        a[j] += h;
        const b = x.slice();
        b[j] -= h;
        return (f(a) - f(b)) / (2 * h);
      });
    const g = gradient(pk(y0, p), { ...opts, loss: linear([1, 1]), sensitivity: { kind: 'discrete' } });
    expect(Math.abs(g.value - L(y0, p))).toBeLessThanOrEqual(1e-14 * Math.abs(g.value));
    expectClose(
      g.dp,
      central(p, (q) => L(y0, q)),
      1e-7,
      1e-9,
    );
    expectClose(
      g.dy0,
      central(y0, (q) => L(q, p)),
      1e-7,
      1e-9,
    );
    // at this loose tolerance the continuous adjoint differs visibly from the frozen-step derivative
    const q = gradient(pk(y0, p), { ...opts, loss: linear([1, 1]), sensitivity: { kind: 'quadrature' } });
    const fdp = central(p, (x) => L(y0, x));
    expect(Math.abs(q.dp[0] - fdp[0])).toBeGreaterThan(10 * Math.abs(g.dp[0] - fdp[0]));
  });
});
