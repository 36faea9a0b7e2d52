import { readFileSync } from 'node:fs';
import { compileModel, loadModel } from '@odeon/sbml';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

const snippet = runSnippet(() => import('./sbml-gradient-descent.ts'));

test('the inlined SBML text is the BioModels file: same states, parameters and right-hand side', async () => {
  const { model } = (await snippet).exports;
  const original = compileModel(
    loadModel(readFileSync(new URL('./BIOMD0000000145.xml', import.meta.url), 'utf8')),
  );
  expect(model.stateIds).toEqual(original.stateIds);
  expect(model.paramIds).toEqual(original.paramIds);
  expect(model.stateIds).toContain('Ca_Cyt');
  expect(model.paramIds).toHaveLength(24);
  expect(Array.from(model.p)).toEqual(Array.from(original.p));
  expect(Array.from(model.y0)).toEqual(Array.from(original.y0));
  const y = Float64Array.from(original.y0, (v, i) => v * (1 + 0.1 * i));
  const a = new Float64Array(y.length);
  const b = new Float64Array(y.length);
  model.rhs(3, y, model.p, a);
  original.rhs(3, y, original.p, b);
  expect(Array.from(a)).toEqual(Array.from(b));
});

test('Adam steps on the tutorial loss make it fall', async () => {
  const { losses, lines } = { ...(await snippet).exports, lines: (await snippet).lines };
  expect(losses).toHaveLength(6);
  for (let k = 1; k < losses.length; k++) expect(losses[k]).toBeLessThan(losses[k - 1]);
  expect(lines[0]).toMatch(/^step 0: loss \d+\.\d$/);
});

test('dL/dp by forward sensitivities matches central differences of the loss', async () => {
  const { lossAndGradient, model } = (await snippet).exports;
  const p = Float64Array.from(model.p);
  const { grad } = lossAndGradient(p);
  for (const name of ['k1', 'Kc1']) {
    const j = model.paramIds.indexOf(name);
    expect(j).toBeGreaterThanOrEqual(0);
    const h = 1e-5 * Math.abs(p[j]);
    const plus = Float64Array.from(p);
    const minus = Float64Array.from(p);
    plus[j] += h;
    minus[j] -= h;
    const fd = (lossAndGradient(plus).loss - lossAndGradient(minus).loss) / (2 * h);
    expect(grad[j]).toBeAllclose([fd], { rtol: 1e-4, atol: 0 });
  }
});
