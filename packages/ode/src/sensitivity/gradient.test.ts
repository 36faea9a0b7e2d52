import { loadReference } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { isOdeonError, type OdeonErrorCode } from '../errors.ts';
import type { OdeProblem } from '../types.ts';
import { fdGradient, linearLoss, maxRelError, scaledError, squaredLoss } from './__fixtures__/helpers.ts';
import {
  forcedChainProblem,
  linearExact,
  linearProblem,
  lotkaProblem,
  massActionProblem,
} from './__fixtures__/problems.ts';
import { gradient } from './gradient.ts';
import type { GradientMethod, SensitivityKind } from './types.ts';

const KINDS: readonly SensitivityKind[] = ['quadrature', 'interpolating', 'backsolve', 'forward', 'discrete'];
/** Every method runs every sensitivity kind (the discrete adjoint reverses Dopri5 and Rosenbrock steps). */
const methodFor = (_kind: SensitivityKind, m: GradientMethod): GradientMethod => m;

describe("gradient: linear system y' = A(p) y against the closed-form gradient", () => {
  const times = [0, 0.25, 0.5, 1, 1.5, 2.2, 3];
  // analytic L = Σ_i ½‖y(t_i) − d_i‖² and its gradient by the chain rule on the closed form
  let L = 0;
  const dp = new Float64Array(3);
  const dy0 = new Float64Array(2);
  for (let i = 0; i < times.length; i++) {
    const { y, dy1, dy2 } = linearExact(times[i], linearProblem.p!, linearProblem.y0);
    const r = [y[0] - Math.sin(i), y[1] - Math.sin(i + 1)];
    L += 0.5 * (r[0] ** 2 + r[1] ** 2);
    for (let k = 0; k < 3; k++) dp[k] += r[0] * dy1[k] + r[1] * dy2[k];
    for (let k = 0; k < 2; k++) dy0[k] += r[0] * dy1[3 + k] + r[1] * dy2[3 + k];
  }

  for (const m of ['rodas5p', 'rodas4', 'dopri5'] as const) {
    for (const kind of KINDS) {
      it(`${kind} (${methodFor(kind, m)}) matches to ≤ 1e-6 relative`, () => {
        const g = gradient(linearProblem, {
          method: methodFor(kind, m),
          rtol: 1e-10,
          atol: 1e-12,
          saveAt: times,
          loss: squaredLoss,
          sensitivity: { kind },
        });
        expect(g.value).toBeAllclose(L, { rtol: 1e-8 });
        expect(maxRelError(g.dp, dp)).toBeLessThan(1e-6);
        expect(maxRelError(g.dy0, dy0)).toBeLessThan(1e-6);
        expect(g.stats.maxLuSize).toBeLessThanOrEqual(2);
      });
    }
  }

  it('adds a running cost ∫ (y1 + y2) dt (closed form) in the adjoint methods', () => {
    const T = linearProblem.t1;
    const closed = (p: ArrayLike<number>, y0: ArrayLike<number>) => {
      const [p0, p1, p2] = [p[0], p[1], p[2]];
      const I0 = (1 - Math.exp(-p0 * T)) / p0;
      const I2 = (1 - Math.exp(-p2 * T)) / p2;
      return y0[0] * I0 + ((p1 * y0[1]) / (p0 - p2)) * (I2 - I0) + y0[1] * I2;
    };
    // central differences of the closed form (no ODE solver involved)
    const p = Float64Array.from(linearProblem.p!);
    const y0 = Float64Array.from(linearProblem.y0);
    const num = (f: (x: Float64Array) => number, x: Float64Array) =>
      Array.from(x, (_v, j) => {
        const h = 1e-6;
        const a = Float64Array.from(x);
        a[j] += h;
        const b = Float64Array.from(x);
        b[j] -= h;
        return (f(a) - f(b)) / (2 * h);
      });
    const dpRef = num((x) => closed(x, y0), p);
    const dyRef = num((x) => closed(p, x), y0);
    for (const kind of ['quadrature', 'interpolating', 'backsolve'] as const) {
      const g = gradient(linearProblem, {
        rtol: 1e-10,
        atol: 1e-12,
        saveAt: [],
        loss: { value: () => 0, grad: () => {} },
        integral: { value: (_t, y) => y[0] + y[1], grad: (_t, _y, out) => out.fill(1) },
        sensitivity: { kind },
      });
      expect(g.value).toBeAllclose(closed(p, y0), { rtol: 1e-9 });
      expect(g.dp).toBeAllclose(dpRef, { rtol: 1e-6, atol: 1e-8 });
      expect(g.dy0).toBeAllclose(dyRef, { rtol: 1e-6, atol: 1e-8 });
    }
  });
});

describe('gradient: nonlinear running cost', () => {
  it('quadrature and interpolating match central differences of the loss for ∫ y1·y2 dt (rodas5p)', () => {
    const problem = lotkaProblem();
    const integral = {
      value: (_t: number, y: Float64Array) => y[0] * y[1],
      grad: (_t: number, y: Float64Array, out: Float64Array) => {
        out[0] = y[1];
        out[1] = y[0];
      },
    };
    const opts = {
      method: 'rodas5p',
      rtol: 1e-10,
      atol: 1e-12,
      saveAt: [problem.t1],
      loss: { value: () => 0, grad: () => {} },
      integral,
    } as const;
    // reference: central differences of the loss value (the forward pass only, no adjoint involved)
    const p = Float64Array.from(problem.p!);
    const valueAt = (pp: Float64Array) => gradient({ ...problem, p: pp }, opts).value;
    const dpRef = Array.from(p, (pj, j) => {
      const h = 1e-5 * Math.max(1, Math.abs(pj));
      const a = Float64Array.from(p);
      a[j] += h;
      const b = Float64Array.from(p);
      b[j] -= h;
      return (valueAt(a) - valueAt(b)) / (2 * h);
    });
    for (const kind of ['quadrature', 'interpolating'] as const) {
      const g = gradient(problem, { ...opts, sensitivity: { kind } });
      const b = g.stats.backward;
      expect(b.acceptedSteps).toBeGreaterThan(0);
      expect(b.steps).toBe(b.acceptedSteps + b.rejectedSteps);
      expect(maxRelError(g.dp, dpRef)).toBeLessThan(1e-6);
    }
  });
});

describe('gradient: Lotka–Volterra', () => {
  const ref = loadReference('lotka');
  const problem = lotkaProblem();
  const grads = ref.gradients!.per_component;

  it('every method agrees with every other and with central differences (≤ 1e-6 relative)', () => {
    const loss = squaredLoss;
    const fd = fdGradient(
      problem,
      ref.times,
      loss,
      { method: 'dop853', rtol: 1e-13, atol: 1e-15 },
      1e-5,
      1e-6,
    );
    const results = KINDS.map((kind) =>
      gradient(problem, {
        method: 'dopri5',
        rtol: 1e-11,
        atol: 1e-13,
        saveAt: ref.times,
        loss,
        sensitivity: { kind },
      }),
    );
    for (const a of results) {
      expect(maxRelError(a.dp, fd.dp)).toBeLessThan(1e-6);
      expect(maxRelError(a.dy0, fd.dy0)).toBeLessThan(1e-6);
      for (const b of results) {
        expect(maxRelError(a.dp, b.dp)).toBeLessThan(1e-6);
        expect(maxRelError(a.dy0, b.dy0)).toBeLessThan(1e-6);
      }
    }
  });

  for (const kind of KINDS) {
    it(`${kind}: per-species L_j matches the CVODES gradients at rtol 1e-8 (≤ 1e-5)`, () => {
      for (let j = 0; j < 2; j++) {
        const w = [0, 0];
        w[j] = 1;
        const g = gradient(problem, {
          method: 'dopri5',
          rtol: 1e-8,
          atol: 1e-8 * ref.atol_factor,
          saveAt: ref.times,
          loss: linearLoss(w),
          sensitivity: { kind },
        });
        expect(g.value).toBeAllclose(grads.L[j], { rtol: 1e-7 });
        expect(maxRelError(g.dp, grads.dL_dp[j])).toBeLessThan(1e-5);
        expect(maxRelError(g.dy0, grads.dL_dy0[j])).toBeLessThan(1e-5);
      }
    });
  }
});

describe('gradient: ROBER (stiff) against CVODES', () => {
  const ref = loadReference('rober');
  const problem = massActionProblem('rober');
  const grads = ref.gradients!;
  const opts = { rtol: 1e-8, atol: 1e-8 * ref.atol_factor, saveAt: ref.times } as const;

  for (const kind of ['quadrature', 'interpolating', 'forward', 'discrete'] as const) {
    it(`${kind}: per-species L_j gradients (dp and dy0) to ≤ 1e-5 relative at rtol 1e-8`, () => {
      for (let j = 0; j < 3; j++) {
        const w = [0, 0, 0];
        w[j] = 1;
        const g = gradient(problem, { ...opts, loss: linearLoss(w), sensitivity: { kind } });
        expect(g.value).toBeAllclose(grads.per_component.L[j], { rtol: 1e-6 });
        expect(maxRelError(g.dp, grads.per_component.dL_dp[j])).toBeLessThan(1e-5);
        // y0 entries as small as 4e-4 next to 38: relative to each entry, floored at 1e-3 of the row's scale
        expect(
          maxRelError(
            g.dy0,
            grads.per_component.dL_dy0[j],
            1e-3 * Math.max(...grads.per_component.dL_dy0[j].map(Math.abs)),
          ),
        ).toBeLessThan(1e-5);
        expect(g.stats.maxLuSize).toBe(3);
      }
    });
  }

  it('the total Σ_j L_j is conserved: dL/dy0 = 50 and dL/dp ≈ 0 relative to the per-species scale', () => {
    const g = gradient(problem, {
      ...opts,
      loss: linearLoss([1, 1, 1]),
      sensitivity: { kind: 'quadrature' },
    });
    expect(g.value).toBeAllclose(50, { rtol: 1e-7 });
    expect(g.dy0).toBeAllclose([50, 50, 50], { rtol: 1e-6 });
    // per-species dL/dp·p reaches ~3.7; the total must cancel to round-off/tolerance level
    for (let k = 0; k < 3; k++) expect(Math.abs(g.dp[k] * grads.params[k])).toBeLessThan(1e-5 * 3.7);
  });

  it('backsolve (reversing the stiff ODE) fails or errs badly where quadrature is accurate (Kim et al. 2021)', () => {
    const loss = linearLoss([0, 1, 0]);
    const q = gradient(problem, {
      ...opts,
      saveAt: [1e5],
      adjointAtol: 1e-14,
      loss,
      sensitivity: { kind: 'quadrature' },
    });
    const f = gradient(problem, { ...opts, saveAt: [1e5], loss, sensitivity: { kind: 'forward' } });
    expect(scaledError(q.dp, f.dp, grads.params)).toBeLessThan(1e-5);
    let backErr = Number.POSITIVE_INFINITY;
    try {
      const b = gradient(problem, {
        ...opts,
        saveAt: [1e5],
        adjointAtol: 1e-14,
        loss,
        sensitivity: { kind: 'backsolve' },
      });
      backErr = scaledError(b.dp, f.dp, grads.params);
    } catch (e) {
      expect(isOdeonError(e, 'GradientFailed')).toBe(true);
    }
    expect(backErr).toBeGreaterThan(1e-2);
  });
});

describe('gradient: POLLU (20 species, 25 rate constants)', () => {
  const ref = loadReference('pollu');
  const problem = massActionProblem('pollu');
  const times = ref.times.filter((_t, i) => i % 5 === 4);
  const w = Array.from({ length: 20 }, (_v, j) => 1 + j / 10);
  const opts = { rtol: 1e-9, atol: 1e-15, saveAt: times, loss: linearLoss(w) } as const;

  it('quadrature, interpolating, forward and discrete agree with each other and with central differences', () => {
    const fd = fdGradient(
      problem,
      times,
      linearLoss(w),
      { method: 'rodas5p', rtol: 1e-11, atol: 1e-17 },
      1e-4,
      1e-6,
    );
    const res = (['quadrature', 'interpolating', 'forward', 'discrete'] as const).map((kind) =>
      gradient(problem, { ...opts, sensitivity: { kind } }),
    );
    const p = Float64Array.from(problem.p!);
    for (const a of res) {
      expect(a.stats.maxLuSize).toBe(20);
      expect(scaledError(a.dp, fd.dp, p)).toBeLessThan(1e-5);
      expect(scaledError(a.dy0, fd.dy0)).toBeLessThan(1e-5);
      for (const b of res) {
        expect(scaledError(a.dp, b.dp, p)).toBeLessThan(1e-6);
        expect(scaledError(a.dy0, b.dy0)).toBeLessThan(1e-6);
      }
    }
  }, 120_000);
});

/** Central differences of the loss of the solver replaying a fixed step sequence, in p and y0. */
async function replayDifferences(problem: OdeProblem, base: Parameters<typeof gradient>[1]) {
  const { gradientContext } = await import('./gradient.ts');
  const { discreteStepSequence } = await import('./methods/discrete.ts');
  const { solveForward } = await import('./internal/solve-forward.ts');
  const steps = discreteStepSequence(gradientContext(problem, base));
  // solve's own driver and stepper replaying the same steps (observations from its interpolant)
  const replay = (p: Float64Array, y0: Float64Array) => {
    const ctx = gradientContext({ ...problem, p, y0 }, base);
    return solveForward({ ...ctx, fixedSteps: steps }, false).value;
  };
  const p = Float64Array.from(problem.p!);
  const y0 = Float64Array.from(problem.y0);
  const central = (f: (x: Float64Array) => number, x: Float64Array) =>
    Array.from(x, (_v, j) => {
      const h = 1e-6 * Math.max(1, Math.abs(x[j]));
      const a = Float64Array.from(x);
      a[j] += h;
      const b = Float64Array.from(x);
      b[j] -= h;
      return (f(a) - f(b)) / (2 * h);
    });
  return {
    dp: central((x) => replay(x, y0), p),
    dy0: central((x) => replay(p, x), y0),
    steps: steps.length,
  };
}

describe('gradient: discrete adjoint is the exact derivative of the explicit RK solution', () => {
  it.each(['dopri5', 'tsit5', 'bs3', 'dop853'] as const)(
    '%s: matches central differences of solve replaying the same steps, at loose rtol',
    async (method) => {
      const problem = lotkaProblem();
      // observations inside steps: solve reads them from the interpolant, which the adjoint differentiates
      const times = [0, 1, 2.5, 4, 7, 10];
      const base = { method, rtol: 1e-4, atol: 1e-7, saveAt: times, loss: squaredLoss } as const;
      const g = gradient(problem, { ...base, sensitivity: { kind: 'discrete' } });
      const fd = await replayDifferences(problem, base);
      expect(maxRelError(g.dp, fd.dp)).toBeLessThan(1e-7);
      expect(maxRelError(g.dy0, fd.dy0)).toBeLessThan(1e-7);
      // the continuous adjoint at the same loose tolerance is visibly different from the discrete derivative
      const q = gradient(problem, { ...base, sensitivity: { kind: 'quadrature' } });
      expect(maxRelError(q.dp, fd.dp)).toBeGreaterThan(10 * maxRelError(g.dp, fd.dp));
    },
  );

  it('keeps every step within the record budget, O(√N) states beyond it, at most `checkpoints` when given', async () => {
    const { gradientContext } = await import('./gradient.ts');
    const { discreteGradient } = await import('./methods/discrete.ts');
    const problem = lotkaProblem();
    const base = { method: 'dopri5', rtol: 1e-10, atol: 1e-12, saveAt: [10], loss: squaredLoss } as const;
    const all = gradient(problem, { ...base, sensitivity: { kind: 'discrete' } });
    const N = all.stats.forwardSteps;
    expect(N).toBeGreaterThan(200);
    // small records: every step kept, nothing recomputed
    expect(all.stats.checkpoints).toBe(N);
    expect(all.stats.backward.rhsEvals).toBe(0);
    // a budget of 1000 doubles: √(2N) checkpoints plus one recomputed segment (8 vectors per step)
    const ctx = gradientContext(problem, { ...base, sensitivity: { kind: 'discrete' } });
    const g = discreteGradient(ctx, 1000);
    expect(g.checkpoints).toBeLessThanOrEqual(Math.ceil(Math.sqrt(2 * N)));
    expect(g.storedStates).toBeLessThan(2 * 9 * Math.sqrt(2 * N) + 2);
    expect(g.storedStates).toBeLessThan(N);
    expect(g.backward.rhsEvals).toBeGreaterThan(0);
    expect(g.dp).toBeAllclose(all.dp, { rtol: 1e-12 });
    const h = gradient(problem, { ...base, sensitivity: { kind: 'discrete', checkpoints: 4 } });
    expect(h.stats.checkpoints).toBeLessThanOrEqual(4);
    expect(h.dp).toBeAllclose(all.dp, { rtol: 1e-12 });
  });
});

describe('gradient: discrete adjoint of Rosenbrock steps (Rodas5P, Rodas4)', () => {
  const cases: [string, () => OdeProblem, readonly number[]][] = [
    ['Lotka–Volterra (n = 2 ≤ s: coordinate differences)', lotkaProblem, [0, 1, 2.5, 4, 7, 10]],
    [
      'forced chain with an analytic tgrad (n = 10 > s: stage differences)',
      () => forcedChainProblem({ tgrad: true }),
      [0.5, 1, 2, 3, 4],
    ],
  ];
  for (const method of ['rodas5p', 'rodas4'] as const) {
    it(`${method}, forced chain without tgrad (∂f/∂t by forward difference): the derivative of the same scheme with the exact ∂f/∂t`, async () => {
      // differences of a solver whose ∂f/∂t is itself a forward difference amplify its rounding noise,
      // so the reference is the analytic-tgrad solver replaying the same steps (the schemes differ by
      // the O(√ε) error of that difference only)
      const { gradientContext } = await import('./gradient.ts');
      const { discreteGradient, discreteStepSequence } = await import('./methods/discrete.ts');
      const exact = forcedChainProblem({ tgrad: true });
      const base = { method, rtol: 1e-4, atol: 1e-7, saveAt: [0.5, 1, 2, 3, 4], loss: squaredLoss } as const;
      const fd = await replayDifferences(exact, base);
      const steps = discreteStepSequence(gradientContext(exact, base));
      const ctx = gradientContext(forcedChainProblem(), { ...base, sensitivity: { kind: 'discrete' } });
      const g = discreteGradient({ ...ctx, fixedSteps: steps });
      expect(g.forwardSteps).toBe(steps.length);
      expect(maxRelError(g.dp, fd.dp, 1e-6)).toBeLessThan(1e-6);
      expect(maxRelError(g.dy0, fd.dy0, 1e-6)).toBeLessThan(1e-6);
    });
    for (const [name, make, times] of cases) {
      it(`${method}, ${name}: matches central differences of the solver replaying its steps`, async () => {
        const problem = make();
        const base = { method, rtol: 1e-4, atol: 1e-7, saveAt: times, loss: squaredLoss } as const;
        const g = gradient(problem, { ...base, sensitivity: { kind: 'discrete' } });
        const fd = await replayDifferences(problem, base);
        expect(g.stats.forwardSteps).toBe(fd.steps);
        expect(maxRelError(g.dp, fd.dp, 1e-6)).toBeLessThan(1e-6);
        expect(maxRelError(g.dy0, fd.dy0, 1e-6)).toBeLessThan(1e-6);
        // one n×n factorisation per backward step, and exactly as many backward steps as forward ones
        expect(g.stats.maxLuSize).toBe(problem.y0.length);
        expect(g.stats.backward.acceptedSteps).toBe(g.stats.forwardSteps);
        // the continuous adjoint at this loose tolerance differs visibly: the test tells them apart
        const q = gradient(problem, { ...base, sensitivity: { kind: 'quadrature' } });
        expect(maxRelError(q.dp, fd.dp, 1e-6)).toBeGreaterThan(10 * maxRelError(g.dp, fd.dp, 1e-6));
      });
    }
  }

  it('gives the same gradient keeping every step, √(2N) checkpoints or 4 checkpoints', async () => {
    const { gradientContext } = await import('./gradient.ts');
    const { discreteGradient } = await import('./methods/discrete.ts');
    const problem = forcedChainProblem();
    const base = { rtol: 1e-10, atol: 1e-12, saveAt: [1, 2, 3, 4], loss: squaredLoss } as const;
    const all = gradient(problem, {
      ...base,
      sensitivity: { kind: 'discrete', checkpoints: Number.POSITIVE_INFINITY },
    });
    // √(2N) checkpoints: a record budget of one step
    const r = discreteGradient(gradientContext(problem, { ...base, sensitivity: { kind: 'discrete' } }), 1);
    const sqrt = {
      dp: r.dp,
      dy0: r.dy0,
      stats: { checkpoints: r.checkpoints, storedStates: r.storedStates },
    };
    const four = gradient(problem, { ...base, sensitivity: { kind: 'discrete', checkpoints: 4 } });
    const N = all.stats.forwardSteps;
    expect(all.stats.checkpoints).toBe(N);
    expect(sqrt.stats.checkpoints).toBeLessThanOrEqual(Math.ceil(Math.sqrt(2 * N)));
    expect(four.stats.checkpoints).toBeLessThanOrEqual(4);
    // O(K·n): 4 checkpoints, one state per bisection level, at most 4 step records (state + 8 stages)
    expect(N).toBeGreaterThan(100);
    expect(four.stats.storedStates).toBeLessThanOrEqual(4 + Math.ceil(Math.log2(N)) + 5 * 9 + 4);
    expect(four.stats.storedStates).toBeLessThan(sqrt.stats.storedStates);
    // a Rosenbrock step is deterministic: the recomputed segments reproduce the stored stages exactly
    expect(Array.from(sqrt.dp)).toEqual(Array.from(all.dp));
    expect(Array.from(four.dy0)).toEqual(Array.from(all.dy0));
  });

  it('on ROBER the gradient of the conserved total Σ_j y_j vanishes (relative to the per-species ones)', () => {
    const ref = loadReference('rober');
    const problem = massActionProblem('rober');
    const opts = { rtol: 1e-8, atol: 1e-8 * ref.atol_factor, saveAt: ref.times } as const;
    const total = gradient(problem, {
      ...opts,
      loss: linearLoss([1, 1, 1]),
      sensitivity: { kind: 'discrete' },
    });
    const y1 = gradient(problem, { ...opts, loss: linearLoss([1, 0, 0]), sensitivity: { kind: 'discrete' } });
    for (let j = 0; j < 3; j++) expect(Math.abs(total.dp[j])).toBeLessThan(1e-9 * Math.abs(y1.dp[j]));
    expect(total.dy0).toBeAllclose([50, 50, 50], { rtol: 1e-9 });
  });
});

describe('gradient: checkpointed interpolating adjoint', () => {
  it('bounds the checkpoints and gives the same gradient', () => {
    const ref = loadReference('rober');
    const problem = massActionProblem('rober');
    const base = { rtol: 1e-8, atol: 1e-16, saveAt: ref.times, loss: linearLoss([0, 1, 0]) } as const;
    const a = gradient(problem, { ...base, sensitivity: { kind: 'interpolating', checkpoints: 4 } });
    const b = gradient(problem, { ...base, sensitivity: { kind: 'quadrature' } });
    expect(a.stats.checkpoints).toBeLessThanOrEqual(4);
    expect(a.stats.storedStates).toBeLessThan(b.stats.storedStates);
    // O(K·n): 4 checkpoints, a state per bisection level, at most 4 steps of dense output (5 vectors
    // each for Rodas5P), the 50 observations
    const N = a.stats.forwardSteps;
    expect(N).toBeGreaterThan(300);
    expect(a.stats.storedStates).toBeLessThanOrEqual(4 + Math.ceil(Math.log2(N)) + 4 * 5 + 50);
    expect(scaledError(a.dp, b.dp, ref.gradients!.params)).toBeLessThan(1e-5);
    const c = gradient(problem, { ...base, sensitivity: { kind: 'interpolating', checkpointEvery: 100 } });
    expect(c.stats.checkpoints).toBe(Math.ceil(c.stats.forwardSteps / 100));
    expect(scaledError(c.dp, b.dp, ref.gradients!.params)).toBeLessThan(1e-5);
  });
});

describe('gradient: finite-difference fallbacks', () => {
  const ref = loadReference('lotka');
  const full = lotkaProblem();
  const bare: OdeProblem = { rhs: full.rhs, y0: full.y0, t0: full.t0, t1: full.t1, p: full.p! };
  const vjpOnly: OdeProblem = { ...bare, vjp: full.vjp! };
  const opts = { method: 'rodas4', rtol: 1e-9, atol: 1e-12, saveAt: ref.times, loss: squaredLoss } as const;

  for (const kind of ['quadrature', 'forward', 'backsolve', 'discrete'] as const) {
    it(`${kind}: without derivatives, FD fallbacks give the analytic-derivative gradient (reported in stats)`, () => {
      const a = gradient(full, { ...opts, sensitivity: { kind } });
      const b = gradient(bare, { ...opts, sensitivity: { kind } });
      const c = gradient(vjpOnly, { ...opts, sensitivity: { kind } });
      expect(maxRelError(b.dp, a.dp)).toBeLessThan(1e-6);
      expect(maxRelError(c.dp, a.dp)).toBeLessThan(1e-6);
      expect(maxRelError(b.dy0, a.dy0)).toBeLessThan(1e-6);
      expect(b.stats.derivatives).toMatchObject({
        jacobian: 'finite-difference',
        paramJacobian: 'finite-difference',
      });
      expect(b.stats.derivatives.fdRhsEvals).toBeGreaterThan(0);
      expect(c.stats.derivatives).toMatchObject({ jacobian: 'vjp', paramJacobian: 'vjp', vjp: 'analytic' });
      expect(a.stats.derivatives).toMatchObject({ jacobian: 'analytic', fdRhsEvals: 0 });
    });
  }
});

describe('gradient: option validation', () => {
  const loss = squaredLoss;
  const bad: [string, () => unknown, OdeonErrorCode][] = [
    [
      'unknown kind',
      () => gradient(linearProblem, { loss, sensitivity: { kind: 'magic' as never } }),
      'InvalidOption',
    ],
    ['unknown method', () => gradient(linearProblem, { loss, method: 'euler' as never }), 'InvalidOption'],
    ['rtol ≤ 0', () => gradient(linearProblem, { loss, rtol: 0 }), 'InvalidOption'],
    ['NaN atol', () => gradient(linearProblem, { loss, atol: Number.NaN }), 'InvalidOption'],
    ['saveAt outside', () => gradient(linearProblem, { loss, saveAt: [1, 5] }), 'InvalidOption'],
    ['saveAt unsorted', () => gradient(linearProblem, { loss, saveAt: [2, 1] }), 'InvalidOption'],
    ['no loss', () => gradient(linearProblem, {} as never), 'InvalidOption'],
    [
      'checkpoints 2.5',
      () => gradient(linearProblem, { loss, sensitivity: { kind: 'discrete', checkpoints: 2.5 } }),
      'InvalidOption',
    ],
    [
      'integral with forward',
      () =>
        gradient(linearProblem, {
          loss,
          integral: { value: () => 0, grad: () => {} },
          sensitivity: { kind: 'forward' },
        }),
      'InvalidOption',
    ],
    [
      'checkpoints 1',
      () => gradient(linearProblem, { loss, sensitivity: { kind: 'interpolating', checkpoints: 1 } }),
      'InvalidOption',
    ],
    [
      'checkpointEvery with quadrature',
      () => gradient(linearProblem, { loss, sensitivity: { kind: 'quadrature', checkpointEvery: 5 } }),
      'InvalidOption',
    ],
    [
      'checkpointEvery 0',
      () => gradient(linearProblem, { loss, sensitivity: { kind: 'interpolating', checkpointEvery: 0 } }),
      'InvalidOption',
    ],
    ['t1 ≤ t0', () => gradient({ ...linearProblem, t1: 0 }, { loss }), 'InvalidProblem'],
    ['NaN in y0', () => gradient({ ...linearProblem, y0: [1, Number.NaN] }, { loss }), 'InvalidProblem'],
    ['no rhs', () => gradient({ ...linearProblem, rhs: undefined as never }, { loss }), 'InvalidProblem'],
  ];
  for (const [name, f, code] of bad) {
    it(`rejects ${name} with ${code}`, () => {
      expect(f).toThrowOdeonError(code);
    });
  }

  it('turns a NaN gradient into GradientFailed', () => {
    const nanLoss = {
      value: () => 0,
      grad: (_i: number, _t: number, _y: Float64Array, out: Float64Array) => out.fill(Number.NaN),
    };
    for (const kind of ['quadrature', 'forward', 'discrete', 'backsolve'] as const)
      expect(() => gradient(linearProblem, { loss: nanLoss, sensitivity: { kind } })).toThrow(/non-finite/);
  });
});
