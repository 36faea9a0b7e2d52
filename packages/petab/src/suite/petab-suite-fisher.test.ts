import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { fisherInformation } from '../fisher.ts';
import { evaluate } from '../objective.ts';
import { compileProblem } from '../petab-model.ts';
import { loadProblem } from '../problem.ts';

const root = join(sharedDir(), 'petab-suite');
const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as {
  cases: { version: string; id: string; dir: string }[];
};
const v1 = index.cases.filter((c) => c.version.startsWith('v1'));

const transform = (v: number, t: string) => (t === 'lin' ? v : t === 'log' ? Math.log(v) : Math.log10(v));

describe('PEtab suite v1: Fisher information from forward sensitivities against finite differences', () => {
  it.each(v1.map((c) => [c.id, c.dir]))('case %s', async (id, dir) => {
    const model = compileProblem(await loadProblem(join(root, dir, `_${id}.yaml`)), {
      rtol: 1e-10,
      atol: 1e-14,
    });
    const theta = model.nominal();
    model.estimatedParameters.forEach((p, i) => {
      theta[i] += p.scale === 'lin' ? 0.01 * (1 + Math.abs(theta[i])) : 0.01;
    });
    const k = theta.length;
    const h = 1e-5;
    const rows = model.rows;
    const dMu = rows.map(() => new Float64Array(k));
    const dSigma = rows.map(() => new Float64Array(k));
    for (let i = 0; i < k; i++) {
      const a = Float64Array.from(theta);
      const b = Float64Array.from(theta);
      a[i] += h;
      b[i] -= h;
      const ea = evaluate(model, a);
      const eb = evaluate(model, b);
      rows.forEach((row, r) => {
        const t = model.observable(row).transformation;
        dMu[r][i] = (transform(ea.simulations[r], t) - transform(eb.simulations[r], t)) / (2 * h);
        dSigma[r][i] = (ea.sigmas[r] - eb.sigmas[r]) / (2 * h);
      });
    }
    const ev = evaluate(model, theta);
    const expected = new Float64Array(k * k);
    rows.forEach((row, r) => {
      const w = model.observable(row).distribution === 'normal' ? 2 : 1;
      const s2 = ev.sigmas[r] ** 2;
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++)
          expected[a * k + b] += (dMu[r][a] * dMu[r][b] + w * dSigma[r][a] * dSigma[r][b]) / s2;
    });
    const fim = fisherInformation(model, theta);
    const scale = Math.max(1e-8, ...Array.from(expected, Math.abs));
    for (let q = 0; q < k * k; q++) expect(Math.abs(fim[q] - expected[q])).toBeLessThanOrEqual(1e-5 * scale);
  });
});
