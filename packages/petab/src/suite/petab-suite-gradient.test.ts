import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOdeonError } from '@odeon/ode';
import { sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { objectiveGradient } from '../gradient.ts';
import { evaluate } from '../objective.ts';
import { compileProblem } from '../petab-model.ts';
import { priorNegLog } from '../priors.ts';
import { loadProblem } from '../problem.ts';
import { toScale } from '../scale.ts';

const root = join(sharedDir(), 'petab-suite');
const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as {
  cases: { version: string; id: string; dir: string }[];
};

describe('PEtab suite v1 and v2: objective gradients against central finite differences', () => {
  it.each(index.cases.map((c) => [c.dir, c.id, c.dir]))(
    'case %s (forward and adjoint)',
    async (_, id, dir) => {
      let model: ReturnType<typeof compileProblem>;
      try {
        model = compileProblem(await loadProblem(join(root, dir, `_${id}.yaml`)), {
          rtol: 1e-10,
          atol: 1e-14,
        });
      } catch (error) {
        // Refused v2 cases are checked in petab-suite.test.ts.
        if (dir.startsWith('v2') && isOdeonError(error, 'UnsupportedPetabFeature')) return;
        throw error;
      }
      if (model.size === 0) return;
      const theta = model.nominal();
      // Move off the nominal point a little (nonzero gradients everywhere), staying inside the bounds.
      model.estimatedParameters.forEach((p, i) => {
        // (v2 case 0026 has a nominal value below its lower bound: start from the bound.)
        theta[i] = Math.min(
          toScale(p.upperBound, p.scale),
          Math.max(toScale(p.lowerBound, p.scale), theta[i]),
        );
        const step = p.scale === 'lin' ? 0.01 * (1 + Math.abs(theta[i])) : 0.01;
        const up = theta[i] + step;
        // Stay inside the bounds and the support of the prior (a log-uniform prior may end at the nominal value).
        const prior = p.objectivePrior;
        const finite = prior === undefined || Number.isFinite(priorNegLog(prior, up, p.scale).value);
        theta[i] = up < toScale(p.upperBound, p.scale) && finite ? up : theta[i] - step;
      });
      const fd = new Float64Array(theta.length);
      const h = 1e-5;
      for (let i = 0; i < theta.length; i++) {
        const a = Float64Array.from(theta);
        const b = Float64Array.from(theta);
        a[i] += h;
        b[i] -= h;
        fd[i] = (evaluate(model, a).objective - evaluate(model, b).objective) / (2 * h);
      }
      const value = evaluate(model, theta).objective;
      for (const method of ['forward', 'adjoint'] as const) {
        let g: ReturnType<typeof objectiveGradient>;
        try {
          g = objectiveGradient(model, theta, method);
        } catch (error) {
          // Steady states reached through events (v2 case 0023) have no gradient yet: a named refusal.
          expect(isOdeonError(error, 'UnsupportedPetabFeature')).toBe(true);
          expect((error as { context: { feature: string } }).context.feature).toBe(
            'gradients through events',
          );
          expect(model.sim.events.length).toBeGreaterThan(0);
          return;
        }
        expect(g.objective).toBeCloseTo(value, 6);
        for (let i = 0; i < theta.length; i++)
          expect(
            Math.abs(g.grad[i] - fd[i]),
            `${method} ∂/∂${model.parameterIds[model.estimated[i]]}`,
          ).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(fd[i]));
      }
    },
  );
});
