import { loadReference, scaledErrorVsReference } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { RODAS4_TABLEAU } from '../../solvers/tableaus/rodas4.ts';
import { RODAS5P_TABLEAU } from '../../solvers/tableaus/rodas5p.ts';
import { lotkaProblem, massActionProblem } from '../__fixtures__/problems.ts';
import { Derivatives } from '../derivatives.ts';
import { type GradientContext, ProblemSystem } from './context.ts';
import { DenseTrajectory } from './dense-trajectory.ts';
import { Dopri5Stepper } from './dopri5.ts';
import { integrate } from './integrate.ts';
import { RosenbrockStepper } from './rosenbrock.ts';
import type { Stepper } from './stepper.ts';
import type { StiffSystem } from './system.ts';

function ctxFor(problem: ReturnType<typeof lotkaProblem>): GradientContext {
  const p = Float64Array.from(problem.p ?? []);
  const y0 = Float64Array.from(problem.y0);
  return {
    problem,
    n: y0.length,
    np: p.length,
    p,
    y0,
    t0: problem.t0,
    t1: problem.t1,
    obsT: new Float64Array(0),
    loss: { value: () => 0, grad: () => {} },
    integral: undefined,
    method: 'rodas4',
    integrator: 'rodas4',
    rtol: 1e-8,
    atol: new Float64Array(y0.length).fill(1e-8),
    adjointRtol: 1e-8,
    adjointAtol: 1e-8,
    maxSteps: 1e6,
    dt0: Number.NaN,
    dtMax: Number.POSITIVE_INFINITY,
    checkpoints: undefined,
    deriv: new Derivatives(problem, p, y0.length),
  };
}

function solveAt(
  stepper: Stepper,
  ctx: GradientContext,
  times: readonly number[],
  rtol: number,
  atol: number,
) {
  const y = Float64Array.from(ctx.y0);
  const out = new Float64Array(times.length * ctx.n);
  const stops = Float64Array.from(times.filter((t) => t > ctx.t0));
  const offset = times.length - stops.length;
  if (offset > 0) out.set(ctx.y0, 0);
  integrate(
    stepper,
    ctx.t0,
    y,
    { rtol, atol, stops, maxSteps: 1e6 },
    {
      onStop: (k, _t, yk) => {
        out.set(yk, (k + offset) * ctx.n);
        return false;
      },
    },
  );
  return out;
}

describe('self-contained integrators', () => {
  it('Rodas4 solves ROBER to the reference at rtol 1e-8', () => {
    const ref = loadReference('rober');
    const ctx = ctxFor(massActionProblem('rober'));
    const stepper = new RosenbrockStepper(new ProblemSystem(ctx), RODAS4_TABLEAU);
    const y = solveAt(stepper, ctx, ref.times, 1e-8, 1e-16);
    expect(scaledErrorVsReference(ref, y, 1e-8, 1e-16)).toBeLessThan(50);
  });

  it('Rodas4 solves POLLU to the reference at rtol 1e-8', () => {
    const ref = loadReference('pollu');
    const ctx = ctxFor(massActionProblem('pollu'));
    const stepper = new RosenbrockStepper(new ProblemSystem(ctx), RODAS4_TABLEAU);
    const y = solveAt(stepper, ctx, ref.times, 1e-8, 1e-14);
    expect(scaledErrorVsReference(ref, y, 1e-8, 1e-14)).toBeLessThan(50);
  });

  it('Dopri5 solves Lotka–Volterra to the reference at rtol 1e-10', () => {
    const ref = loadReference('lotka');
    const ctx = ctxFor(lotkaProblem());
    const stepper = new Dopri5Stepper(new ProblemSystem(ctx));
    const y = solveAt(stepper, ctx, ref.times, 1e-10, 1e-13);
    expect(scaledErrorVsReference(ref, y, 1e-10, 1e-13)).toBeLessThan(50);
  });

  it('Rodas5P (on the solver tableau) solves ROBER and POLLU to the references at rtol 1e-8', () => {
    for (const [name, atol] of [
      ['rober', 1e-16],
      ['pollu', 1e-14],
    ] as const) {
      const ref = loadReference(name);
      const ctx = ctxFor(massActionProblem(name));
      const stepper = new RosenbrockStepper(new ProblemSystem(ctx), RODAS5P_TABLEAU);
      const y = solveAt(stepper, ctx, ref.times, 1e-8, atol);
      expect(scaledErrorVsReference(ref, y, 1e-8, atol)).toBeLessThan(50);
    }
  });

  for (const kind of ['rodas4', 'rodas5p', 'dopri5'] as const) {
    it(`${kind} dense output has the interpolant's order on y' = cos(t)·y (exact e^{sin t})`, () => {
      // y' = cos(t)·y: ∂F/∂y = cos(t), so W = c − cos(t) (a 1×1 stage matrix)
      let w = 1;
      const sys: StiffSystem = {
        size: 1,
        errSize: 1,
        rhs: (t, y, out) => {
          out[0] = Math.cos(t) * y[0];
        },
        prepare: (t, _y, c) => {
          w = c - Math.cos(t);
          return true;
        },
        solve: (x) => {
          x[0] /= w;
        },
      };
      const errs: number[] = [];
      for (const h of [0.2, 0.1]) {
        const stepper =
          kind === 'dopri5'
            ? new Dopri5Stepper(sys)
            : new RosenbrockStepper(sys, kind === 'rodas4' ? RODAS4_TABLEAU : RODAS5P_TABLEAU);
        const traj = new DenseTrajectory(stepper.kind, 1, stepper.denseWidth);
        const y = Float64Array.of(1);
        const steps = new Float64Array(Math.round(4 / h)).fill(h);
        integrate(
          stepper,
          0,
          y,
          { rtol: 1, atol: 1, stops: Float64Array.of(4), maxSteps: 1e5, fixedSteps: steps },
          {
            dense: true,
            onStep: (t, hh, _y, _yn, block) => traj.push(t, hh, block as Float64Array),
          },
        );
        let worst = 0;
        const out = new Float64Array(1);
        for (let t = 0.013; t < 4; t += 0.0371)
          worst = Math.max(worst, Math.abs(traj.evaluate(out, t)[0] - Math.exp(Math.sin(t))));
        errs.push(worst);
      }
      // local interpolation error O(h^{q+1}): halving h divides it by ≥ 2^{q} (q = 3 or 4) up to slack
      const order = Math.log2(errs[0] / errs[1]);
      expect(order).toBeGreaterThan(kind === 'rodas4' ? 2.7 : 3.7);
      expect(errs[1]).toBeLessThan(kind === 'rodas4' ? 1e-4 : 1e-6);
    });
  }
});
