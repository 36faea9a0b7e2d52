import { loadReference } from '@odeon/testkit';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('backsolve tutorial: stable adjoints match CVODES on ROBER, backsolve refuses with GradientFailed', async () => {
  const ref = loadReference('rober');
  const { exports, lines } = await runSnippet(() => import('./backsolve-gradients.ts'));
  const { reference, results } = exports;
  // The numbers the snippet quotes are the shared reference's (L_1 = Σ_k y1(t_k)).
  const perComponent = (ref.gradients as unknown as { per_component: { dL_dp: number[][] } }).per_component;
  expect(reference).toEqual(perComponent.dL_dp[0]);
  expect(results.map((r) => r.kind)).toEqual([
    'forward',
    'quadrature',
    'interpolating',
    'discrete',
    'backsolve',
  ]);
  for (const r of results.slice(0, 4)) {
    expect(r.error).toBeNull();
    expect(Array.from(r.dp ?? [])).toBeAllclose(reference, { rtol: 1e-6, atol: 0 });
  }
  const backsolve = results[4];
  expect(backsolve.dp).toBeNull();
  expect(backsolve.error?.code).toBe('GradientFailed');
  expect(lines).toHaveLength(5);
  expect(lines[4]).toMatch(/^backsolve\s+failed: GradientFailed/);
  // the discrete adjoint reverses exactly the forward steps; quadrature's adaptive backward solve takes more
  const steps = (kind: string) =>
    Number(/backward steps (\d+)/.exec(lines.find((l) => l.startsWith(kind)) ?? '')?.[1]);
  expect(steps('discrete')).toBeLessThan(steps('quadrature'));
  for (const line of lines.slice(0, 4)) {
    const err = Number(/max relative error (\S+)/.exec(line)?.[1]);
    expect(err).toBeLessThan(1e-6);
  }
});
