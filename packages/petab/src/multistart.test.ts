import { join } from 'node:path';
import { sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { objectiveGradient } from './gradient.ts';
import { multistart, type StartResult } from './multistart.ts';
import { evaluate } from './objective.ts';
import { compileProblem } from './petab-model.ts';
import { loadProblem } from './problem.ts';
import { profile } from './profile.ts';
import { toScale } from './scale.ts';
import { latinHypercubeStarts } from './starts.ts';

const suite = join(sharedDir(), 'petab-suite', 'v1.0.0');

describe('multistart and profiles', () => {
  it('Latin-hypercube starts fill one stratum per start inside the bounds', async () => {
    const model = compileProblem(await loadProblem(join(suite, '0001', '_0001.yaml')));
    const starts = latinHypercubeStarts(model, 10, 3);
    model.estimatedParameters.forEach((p, i) => {
      const lo = toScale(p.lowerBound, p.scale);
      const hi = toScale(p.upperBound, p.scale);
      const strata = new Set(starts.map((s) => Math.floor(((s[i] - lo) / (hi - lo)) * 10)));
      expect(strata.size).toBe(10);
    });
  });

  it('finds a stationary optimum below the nominal objective, ranks results and resumes', async () => {
    const model = compileProblem(await loadProblem(join(suite, '0014', '_0014.yaml')));
    const seen: StartResult[] = [];
    const full = multistart(model, { starts: 4, seed: 2, onResult: (r) => seen.push(r) });
    expect(seen.length).toBe(4);
    const best = full.best?.result;
    expect(best).toBeDefined();
    expect(best?.objective as number).toBeLessThanOrEqual(evaluate(model, model.nominal()).objective);
    const objectives = full.ranked.map((r) => r.result?.objective ?? Number.POSITIVE_INFINITY);
    expect([...objectives].sort((a, b) => a - b)).toEqual(objectives);
    // Resuming with two starts done reruns only the other two and gives the same ranking.
    const again: StartResult[] = [];
    const resumed = multistart(model, {
      starts: 4,
      seed: 2,
      done: seen.slice(0, 2),
      onResult: (r) => again.push(r),
    });
    expect(again.map((r) => r.start)).toEqual(seen.slice(2).map((r) => r.start));
    expect(resumed.best?.result?.objective).toBeCloseTo(best?.objective as number, 8);
    // At an interior optimum the gradient vanishes (within the optimiser's tolerance).
    const theta = Float64Array.from(best?.theta as number[]);
    const g = objectiveGradient(model, theta, 'forward');
    const interior = model.estimatedParameters.every((p, i) => {
      const lo = toScale(p.lowerBound, p.scale);
      const hi = toScale(p.upperBound, p.scale);
      return theta[i] > lo + 1e-3 * (hi - lo) && theta[i] < hi - 1e-3 * (hi - lo);
    });
    if (interior) for (const v of g.grad) expect(Math.abs(v)).toBeLessThan(1e-3);
  });

  it('profiles rise above the 95 % threshold on both sides of an identifiable parameter', async () => {
    const model = compileProblem(await loadProblem(join(suite, '0001', '_0001.yaml')));
    const fit = multistart(model, { starts: 3, seed: 1 });
    const theta = Float64Array.from(fit.best?.result?.theta as number[]);
    const k1 = model.estimatedParameters.findIndex((p) => p.id === 'k1');
    const pr = profile(model, theta, k1, { points: 15 });
    expect(pr.values.length).toBe(pr.objectives.length);
    const at = pr.values.indexOf(theta[k1]);
    expect(at).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < pr.values.length; i++)
      expect(pr.objectives[i]).toBeGreaterThanOrEqual(pr.best - 1e-6);
    expect(pr.ci95[0]).toBeLessThanOrEqual(theta[k1]);
    expect(pr.ci95[1]).toBeGreaterThanOrEqual(theta[k1]);
  });
});

describe('trust region with the Gauss–Newton Hessian', () => {
  it('reaches the L-BFGS optimum (or better) from the same starts and converges', async () => {
    const model = compileProblem(await loadProblem(join(suite, '0014', '_0014.yaml')));
    const { localOptimize } = await import('./optimize.ts');
    for (const x0 of latinHypercubeStarts(model, 3, 5)) {
      const a = localOptimize(model, x0, { optimizer: 'lbfgs' });
      const b = localOptimize(model, x0, { optimizer: 'trust-region' });
      expect(b.objective).toBeLessThanOrEqual(a.objective + 1e-4);
      expect(b.converged).toBe(true);
    }
  });
});
