import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { objectiveGradient } from '../gradient.ts';
import { evaluate } from '../objective.ts';
import { compileProblem } from '../petab-model.ts';
import { loadProblem } from '../problem.ts';

const root = join(sharedDir(), 'petab-suite');
const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as {
  cases: { version: string; id: string; dir: string }[];
};
const v1 = index.cases.filter((c) => c.version.startsWith('v1'));

describe('PEtab suite v1: objective gradients against central finite differences', () => {
  it.each(v1.map((c) => [c.id, c.dir]))('case %s (forward and adjoint)', async (id, dir) => {
    const model = compileProblem(await loadProblem(join(root, dir, `_${id}.yaml`)), {
      rtol: 1e-10,
      atol: 1e-14,
    });
    const theta = model.nominal();
    // Move off the nominal point a little (nonzero gradients everywhere), staying inside the bounds.
    model.estimatedParameters.forEach((p, i) => {
      theta[i] += p.scale === 'lin' ? 0.01 * (1 + Math.abs(theta[i])) : 0.01;
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
      const g = objectiveGradient(model, theta, method);
      expect(g.objective).toBeCloseTo(value, 6);
      for (let i = 0; i < theta.length; i++)
        expect(
          Math.abs(g.grad[i] - fd[i]),
          `${method} ∂/∂${model.parameterIds[model.estimated[i]]}`,
        ).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(fd[i]));
    }
  });
});
