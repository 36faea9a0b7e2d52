import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOdeonError } from '@odeon/ode';
import { sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluate } from '../objective.ts';
import { compileProblem } from '../petab-model.ts';
import { priorNegLog } from '../priors.ts';
import { loadProblem } from '../problem.ts';
import type { Prior } from '../tables.ts';
import { parseTsv } from '../tsv.ts';

const root = join(sharedDir(), 'petab-suite');
const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as {
  cases: { version: string; id: string; dir: string }[];
};
const v1 = index.cases.filter((c) => c.version.startsWith('v1'));
const v2 = index.cases.filter((c) => c.version.startsWith('v2'));

interface Solution {
  chi2: number;
  llh: number;
  simulation_files: string[];
  tol_chi2: number;
  tol_llh: number;
  tol_simulations: number;
  log_prior?: Record<string, number>;
}

describe('PEtab test suite v1', () => {
  it('has its 20 cases', () => expect(v1.length).toBe(20));
  it.each(v1.map((c) => [c.id, c.dir]))('case %s', async (id, dir) => {
    const problem = await loadProblem(join(root, dir, `_${id}.yaml`));
    const sol = parse(readFileSync(join(root, dir, `_${id}_solution.yaml`), 'utf8')) as Solution;
    const model = compileProblem(problem);
    const ev = evaluate(model, model.nominal());
    expect(Math.abs(ev.chi2 - sol.chi2)).toBeLessThanOrEqual(sol.tol_chi2);
    expect(Math.abs(ev.llh - sol.llh)).toBeLessThanOrEqual(sol.tol_llh);
    const expected = sol.simulation_files.flatMap((f) =>
      parseTsv(readFileSync(join(root, dir, f), 'utf8'), f).rows.map((r) => Number(r.simulation)),
    );
    expect(expected.length).toBe(ev.simulations.length);
    for (const [i, v] of expected.entries())
      expect(Math.abs(ev.simulations[i] - v)).toBeLessThanOrEqual(sol.tol_simulations);
  });
});

describe('PEtab test suite v2', () => {
  const outcome = new Map<string, string>();
  it.each(v2.map((c) => [c.id, c.dir]))(
    'case %s passes or is refused with a typed error naming the feature',
    async (id, dir) => {
      const sol = parse(readFileSync(join(root, dir, `_${id}_solution.yaml`), 'utf8')) as Solution;
      let ev: ReturnType<typeof evaluate>;
      let model: ReturnType<typeof compileProblem>;
      try {
        model = compileProblem(await loadProblem(join(root, dir, `_${id}.yaml`)));
        ev = evaluate(model, model.nominal());
      } catch (error) {
        expect(isOdeonError(error, 'UnsupportedPetabFeature')).toBe(true);
        const feature = (error as { context: { feature: string } }).context.feature;
        expect(feature.length).toBeGreaterThan(0);
        outcome.set(id, `refused: ${feature}`);
        return;
      }
      expect(Math.abs(ev.chi2 - sol.chi2)).toBeLessThanOrEqual(sol.tol_chi2);
      expect(Math.abs(ev.llh - sol.llh)).toBeLessThanOrEqual(sol.tol_llh);
      const expected = sol.simulation_files.flatMap((f) =>
        parseTsv(readFileSync(join(root, dir, f), 'utf8'), f).rows.map((r) => Number(r.simulation)),
      );
      expect(expected.length).toBe(ev.simulations.length);
      for (const [i, v] of expected.entries())
        expect(Math.abs(ev.simulations[i] - v)).toBeLessThanOrEqual(sol.tol_simulations);
      // Prior log densities per parameter at the nominal values (PEtab 2 solutions list them).
      for (const [pid, expectedLogPrior] of Object.entries(sol.log_prior ?? {})) {
        const p = model.problem.parameters.find((q) => q.id === pid);
        expect(p?.objectivePrior, pid).toBeDefined();
        const r = priorNegLog(p?.objectivePrior as Prior, p?.nominalValue as number, 'lin');
        expect(Math.abs(-r.value - expectedLogPrior), pid).toBeLessThanOrEqual(1e-10);
      }
      outcome.set(id, 'pass');
    },
  );
  it('reports the outcome of every v2 case', () => {
    const passed = [...outcome.values()].filter((o) => o === 'pass').length;
    console.log(
      `PEtab v2: ${passed} pass, ${outcome.size - passed} refused of ${v2.length}\n${[...outcome].map(([k, v]) => `  ${k} ${v}`).join('\n')}`,
    );
    expect(outcome.size).toBe(v2.length);
  });
});
